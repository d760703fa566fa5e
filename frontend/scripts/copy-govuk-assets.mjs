// Copies GOV.UK Frontend's fonts and images into public/assets.
//
// Why: the precompiled govuk-frontend.min.css refers to them as absolute
// /assets/fonts/... and /assets/images/... URLs, which Vite cannot resolve at
// build time. Anything under public/ is copied verbatim into dist/, so the
// files end up at dist/assets/{fonts,images} where the CSS expects them.
// public/assets is generated (gitignored); run this before `vite` or `vite build`.
import { cpSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const govukPackage = dirname(require.resolve('govuk-frontend/package.json'))
const source = join(govukPackage, 'dist', 'govuk', 'assets')
const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'assets')

rmSync(target, { recursive: true, force: true })
cpSync(source, target, { recursive: true })
console.log(`Copied GOV.UK Frontend assets to ${target}`)
