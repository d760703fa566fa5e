/**
 * A small History-API router for the single-page app.
 *
 * The backend serves index.html for every unknown path, so each route here is
 * also a real URL that can be bookmarked or reloaded. On every navigation after
 * the first page load the router sets the document title, scrolls to the top
 * and moves focus to the new page's <h1>, so screen reader and keyboard users
 * hear and start from the new page (WCAG 2.4.3, 4.1.3).
 */
import { initAll } from 'govuk-frontend'

export const SERVICE_NAME = 'ContactPoint'

export type Params = Readonly<Record<string, string>>

export interface RouteContext {
  /** Decoded `:name` segments of the matched pattern. */
  readonly params: Params
  /** The query string of the current URL. */
  readonly query: URLSearchParams
  /** Aborted when the user leaves this page; pass it to `gql` for fetches. */
  readonly signal: AbortSignal
  /** Go to another app path (pushes a history entry). */
  readonly navigate: (path: string) => void
  /** Change the page part of the document title, e.g. to add "Error: ". */
  readonly setTitle: (pageTitle: string) => void
}

export interface ViewResult {
  /** Page part of the document title; the router appends the service name. */
  readonly title: string
  /** Undo anything set up outside the container (global listeners, timers). */
  readonly dispose?: () => void
}

/** A view renders one page into `container` (the <main> element). */
export type View = (container: HTMLElement, context: RouteContext) => ViewResult

export interface Route {
  /** A path such as `/children/:id`; `:name` matches one non-empty segment. */
  readonly pattern: string
  readonly view: View
}

/** Paths the server owns: links to them are never handled by the router. */
const SERVER_PATHS = ['/graphql', '/assets']

function isServerPath(pathname: string): boolean {
  return SERVER_PATHS.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`))
}

function normalisePath(pathname: string): string {
  return pathname.length > 1 ? pathname.replace(/\/+$/, '') || '/' : pathname
}

/** Match `path` against `pattern`; returns the params, or null if it does not match. */
export function matchPath(pattern: string, path: string): Params | null {
  const patternParts = normalisePath(pattern).split('/')
  const pathParts = normalisePath(path).split('/')
  if (patternParts.length !== pathParts.length) return null

  const params: Record<string, string> = {}
  for (const [i, part] of patternParts.entries()) {
    const actual = pathParts[i] ?? ''
    if (part.startsWith(':')) {
      if (actual === '') return null
      try {
        params[part.slice(1)] = decodeURIComponent(actual)
      } catch {
        return null // malformed %-escape: treat as no match, not as a crash
      }
    } else if (part !== actual) {
      return null
    }
  }
  return params
}

/** The view for `path`, falling back to `notFound`. */
export function resolveRoute(routes: readonly Route[], notFound: View, path: string): { view: View; params: Params } {
  for (const route of routes) {
    const params = matchPath(route.pattern, path)
    if (params !== null) return { view: route.view, params }
  }
  return { view: notFound, params: {} }
}

export function documentTitle(pageTitle: string): string {
  return `${pageTitle} – ${SERVICE_NAME}`
}

/** Give the first <h1> in `container` focus without adding it to the tab order. */
export function focusHeading(container: HTMLElement): void {
  const heading = container.querySelector('h1')
  if (!heading) return
  if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1')
  heading.focus()
}

export class Router {
  readonly #container: HTMLElement
  readonly #routes: readonly Route[]
  readonly #notFound: View
  #currentPath: string | null = null
  #current: { controller: AbortController; dispose: (() => void) | undefined } | null = null

  constructor(container: HTMLElement, routes: readonly Route[], notFound: View) {
    this.#container = container
    this.#routes = routes
    this.#notFound = notFound
  }

  /** Render the current URL and start handling link clicks and back/forward. */
  start(): void {
    document.addEventListener('click', (event) => this.#onClick(event))
    window.addEventListener('popstate', () => {
      // Following an in-page #fragment link also fires popstate: not a new page.
      if (window.location.pathname + window.location.search === this.#currentPath) return
      this.#render({ moveFocus: true })
    })
    this.#render({ moveFocus: false })
  }

  navigate(path: string, { replace = false }: { replace?: boolean } = {}): void {
    const url = new URL(path, window.location.href)
    if (url.origin !== window.location.origin) throw new Error(`Refusing to route to another origin: ${path}`)
    const target = url.pathname + url.search + url.hash
    if (replace) window.history.replaceState(null, '', target)
    else if (target !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.pushState(null, '', target)
    }
    this.#render({ moveFocus: true })
  }

  #onClick(event: MouseEvent): void {
    if (event.defaultPrevented || event.button !== 0) return
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    if (!(event.target instanceof Element)) return
    const anchor = event.target.closest('a[href]')
    if (!(anchor instanceof HTMLAnchorElement)) return
    if ((anchor.target && anchor.target !== '_self') || anchor.hasAttribute('download')) return
    if (anchor.relList.contains('external')) return
    if (anchor.origin !== window.location.origin || isServerPath(anchor.pathname)) return
    // Same-page fragment links (skip link, error summary) are left to the browser and GOV.UK Frontend.
    if (anchor.hash && anchor.pathname === window.location.pathname && anchor.search === window.location.search) return
    event.preventDefault()
    this.navigate(anchor.pathname + anchor.search + anchor.hash)
  }

  #render({ moveFocus }: { moveFocus: boolean }): void {
    const { pathname, search } = window.location
    this.#current?.controller.abort()
    this.#current?.dispose?.()

    const controller = new AbortController()
    this.#currentPath = pathname + search
    const { view, params } = resolveRoute(this.#routes, this.#notFound, pathname)
    const context: RouteContext = {
      params,
      query: new URLSearchParams(search),
      signal: controller.signal,
      navigate: (path) => this.navigate(path),
      setTitle: (pageTitle) => {
        if (!controller.signal.aborted) document.title = documentTitle(pageTitle)
      },
    }

    this.#container.replaceChildren()
    const result = view(this.#container, context)
    this.#current = { controller, dispose: result.dispose }
    document.title = documentTitle(result.title)
    // Enhance GOV.UK components (buttons, password input, error summary...) in the new page only.
    initAll({ scope: this.#container })

    if (moveFocus) {
      window.scrollTo(0, 0)
      focusHeading(this.#container)
    }
    document.dispatchEvent(new CustomEvent('cp:navigated'))
  }
}
