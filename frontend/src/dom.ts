/**
 * Safe HTML building for views.
 *
 * Views build markup with the `html` tagged template: every interpolated value
 * is HTML-escaped unless it is itself a `SafeHtml` made by `html` (so templates
 * nest). `setHtml` is the only place in the app that assigns `innerHTML`, and it
 * only accepts `SafeHtml`. Never build markup by string concatenation.
 *
 * Escaping makes text safe in element content and in QUOTED attribute values.
 * It does not make a value safe as a URL (`href="${x}"` with `javascript:`), as
 * an unquoted attribute, or inside <script>/<style>; use `encodeURIComponent`
 * for path segments and build other URLs from constants.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Escape text for use in HTML element content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch)
}

const CONSTRUCTION_TOKEN = Symbol('SafeHtml')

/** A string of markup known to be safe: only `html` can make one. */
export class SafeHtml {
  readonly #markup: string

  constructor(markup: string, token: symbol) {
    if (token !== CONSTRUCTION_TOKEN) {
      throw new TypeError('SafeHtml can only be created by the html`` template tag')
    }
    this.#markup = markup
  }

  toString(): string {
    return this.#markup
  }
}

/** What may be interpolated into `html`: falsy values (except 0) render as nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[]

function renderValue(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString()
  if (Array.isArray(value)) return value.map(renderValue).join('')
  if (value === null || value === undefined || value === false || value === true) return ''
  return escapeHtml(String(value))
}

/**
 * Tagged template for markup: html`<p>${untrusted}</p>`. The literal parts are
 * trusted (they are in our source); every `${}` value is escaped.
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let markup = strings[0] ?? ''
  values.forEach((value, i) => {
    markup += renderValue(value) + (strings[i + 1] ?? '')
  })
  return new SafeHtml(markup, CONSTRUCTION_TOKEN)
}

/** Replace an element's content with safe markup. The app's only innerHTML sink. */
export function setHtml(element: Element, markup: SafeHtml): void {
  element.innerHTML = markup.toString()
}

/** querySelector that fails loudly when the element is missing or of the wrong type. */
export function requireElement<T extends Element>(
  root: ParentNode,
  selector: string,
  type: abstract new (...args: never[]) => T,
): T {
  const element = root.querySelector(selector)
  if (!(element instanceof type)) {
    throw new Error(`Expected ${type.name} matching ${selector}`)
  }
  return element
}
