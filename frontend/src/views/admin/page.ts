/**
 * The frame shared by the audit and administration pages: the <h1> is rendered at once
 * (the router focuses it), then the body is filled in when the data arrives. Problems go
 * in a GOV.UK error summary above the heading; a one-off success message ("flash") set
 * before navigating is shown on the next page as a success banner.
 */
import { initAll } from 'govuk-frontend'
import { html, requireElement, setHtml, type SafeHtml } from '../../dom'
import { problemsFrom, summary, type Problems } from '../../forms'
import { focusHeading, type RouteContext } from '../../router'

export interface FrameOptions {
  readonly title: string
  /** A caption above the heading, e.g. the area of the service. */
  readonly caption?: string
  /** A GOV.UK back link above everything else. */
  readonly back?: { readonly href: string; readonly text: string }
  /** What the loading message says is coming. */
  readonly loading?: string
}

export interface Frame {
  readonly container: HTMLElement
  readonly title: string
  readonly context: RouteContext
  readonly summary: HTMLElement
  readonly body: HTMLElement
}

let flash: string | null = null

/** Show `text` as a success banner on the next page this module frames. */
export function flashNext(text: string): void {
  flash = text
}

function successBanner(text: string): SafeHtml {
  return html`
    <div class="govuk-notification-banner govuk-notification-banner--success" role="alert"
      aria-labelledby="cp-flash-title" data-module="govuk-notification-banner">
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id="cp-flash-title">Success</h2>
      </div>
      <div class="govuk-notification-banner__content">
        <p class="govuk-notification-banner__heading">${text}</p>
      </div>
    </div>`
}

/** A loading message, announced politely. */
export function loading(what: string): SafeHtml {
  return html`<p class="govuk-body" role="status">${what}</p>`
}

/** Render the heading and a loading message into `container`, synchronously. */
export function openFrame(container: HTMLElement, context: RouteContext, options: FrameOptions): Frame {
  const message = flash
  flash = null
  setHtml(
    container,
    html`
      ${options.back && html`<a href="${options.back.href}" class="govuk-back-link">${options.back.text}</a>`}
      <div data-part="summary"></div>
      ${message !== null && successBanner(message)}
      ${options.caption && html`<span class="govuk-caption-l">${options.caption}</span>`}
      <h1 class="govuk-heading-l">${options.title}</h1>
      <div data-part="body">${loading(options.loading ?? 'Loading…')}</div>`,
  )
  return {
    container,
    title: options.title,
    context,
    summary: requireElement(container, '[data-part="summary"]', HTMLElement),
    body: requireElement(container, '[data-part="body"]', HTMLElement),
  }
}

/** Replace an element's content and enhance the GOV.UK components in it. */
export function fill(element: HTMLElement, markup: SafeHtml): void {
  setHtml(element, markup)
  initAll({ scope: element })
}

/** Replace the body (under the heading). */
export function showBody(frame: Frame, markup: SafeHtml): void {
  fill(frame.body, markup)
}

/**
 * Show `problems` in the error summary (which takes focus) and say "Error:" in the
 * title; with none, clear both. `fieldsOnForm` are the names the summary may link to.
 */
export function showProblems(frame: Frame, problems: Problems, fieldsOnForm: readonly string[] = []): void {
  setHtml(frame.summary, summary(problems, fieldsOnForm))
  frame.context.setTitle(problems.length > 0 ? `Error: ${frame.title}` : frame.title)
  if (problems.length > 0) initAll({ scope: frame.summary })
}

/**
 * A failed request: nothing when the user has already left the page, else its problems
 * in the summary. Returns the problems so that a form can mark its fields.
 */
export function showFailure(frame: Frame, error: unknown, fieldsOnForm: readonly string[] = []): Problems {
  if (frame.context.signal.aborted) return []
  const problems = problemsFrom(error)
  showProblems(frame, problems, fieldsOnForm)
  return problems
}

/** Replace the whole page (a new heading, e.g. a confirmation panel) and focus its <h1>. */
export function replacePage(container: HTMLElement, context: RouteContext, title: string, markup: SafeHtml): void {
  setHtml(container, markup)
  initAll({ scope: container })
  context.setTitle(title)
  window.scrollTo(0, 0)
  focusHeading(container)
}

/**
 * A wide table that scrolls sideways on narrow screens (320 px) instead of breaking the
 * page; focusable so that keyboard users can scroll it (axe: scrollable-region-focusable).
 */
export function scrollingTable(label: string, table: SafeHtml): SafeHtml {
  return html`<div class="cp-table-scroll" role="region" aria-label="${label}" tabindex="0">${table}</div>`
}

/** Path with a query string made of the non-empty `values`. */
export function withQuery(path: string, values: Readonly<Record<string, string | null | undefined>>): string {
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(values)) {
    if (value !== null && value !== undefined && value !== '') query.set(name, value)
  }
  const text = query.toString()
  return text === '' ? path : `${path}?${text}`
}

/** A GET form that goes to the query string (bookmarkable, back button works). */
export function submitToQuery(form: HTMLFormElement, context: RouteContext, path: string): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const values: Record<string, string> = {}
    for (const [name, value] of new FormData(form)) {
      if (typeof value === 'string' && value.trim() !== '') values[name] = value.trim()
    }
    context.navigate(withQuery(path, values))
  })
}

/** A confirmation step: a warning, a button that does it, and a way back. */
export function confirmation(options: {
  readonly warning: string
  readonly button: string
  readonly cancelHref: string
  readonly destructive: boolean
}): SafeHtml {
  return html`
    <div class="govuk-warning-text">
      <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
      <strong class="govuk-warning-text__text">
        <span class="govuk-visually-hidden">Warning</span>
        ${options.warning}
      </strong>
    </div>
    <form data-part="confirm" novalidate>
      <div class="govuk-button-group">
        <button type="submit" class="govuk-button${options.destructive ? ' govuk-button--warning' : ''}"
          data-module="govuk-button" data-prevent-double-click="true">${options.button}</button>
        <a class="govuk-link" href="${options.cancelHref}">Cancel</a>
      </div>
    </form>`
}

/** Wire the confirmation form rendered by `confirmation` to `action`. */
export function onConfirm(frame: Frame, action: () => Promise<void>): void {
  const form = requireElement(frame.body, 'form[data-part="confirm"]', HTMLFormElement)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const button = requireElement(form, 'button[type="submit"]', HTMLButtonElement)
    button.disabled = true
    void action().finally(() => {
      button.disabled = false
    })
  })
}

/** "Not found"-style message in the body, for a code or id that matches nothing. */
export function nothingHere(frame: Frame, text: string, back: { readonly href: string; readonly text: string }): void {
  showBody(frame, html`<p class="govuk-body">${text}</p><p class="govuk-body"><a class="govuk-link" href="${back.href}">${back.text}</a></p>`)
}
