/**
 * Boot: GOV.UK Frontend styles and behaviour for the page chrome, then the router.
 *
 * index.html has no inline script (the server's CSP is `default-src 'self'`),
 * so the `govuk-frontend-supported` body class that GOV.UK's page template sets
 * inline is set here. This module only runs in browsers that support ES
 * modules, which is exactly GOV.UK Frontend's support test.
 */
import 'govuk-frontend/dist/govuk/govuk-frontend.min.css'
import './app.css'
import { initAll } from 'govuk-frontend'
import { requireElement } from './dom'
import { Router } from './router'
import { notFoundView, routes } from './routes'
import { startShell } from './shell'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')

// Header, service navigation, skip link: everything outside <main>. The router
// initialises components inside <main> each time it renders a page.
initAll()

const main = requireElement(document, '#main-content', HTMLElement)
startShell()
new Router(main, routes, notFoundView).start()
