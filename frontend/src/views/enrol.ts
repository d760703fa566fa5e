/** Placeholder. */
import { html, setHtml } from '../dom'
import type { View } from '../router'

export const enrolView: View = (container) => {
  setHtml(container, html`<h1 class="govuk-heading-l">Set up your account</h1>`)
  return { title: 'Set up your account' }
}
