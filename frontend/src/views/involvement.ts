/** Placeholder. */
import { html, setHtml } from '../dom'
import type { View } from '../router'

export const recordInvolvementView: View = (container) => {
  setHtml(container, html`<h1 class="govuk-heading-l">Record your involvement</h1>`)
  return { title: 'Record your involvement' }
}

export const endInvolvementView: View = (container) => {
  setHtml(container, html`<h1 class="govuk-heading-l">End your involvement</h1>`)
  return { title: 'End your involvement' }
}
