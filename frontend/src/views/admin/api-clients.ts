/** Placeholder: replaced by the screens of this area. */
import { html, setHtml } from '../../dom'
import type { View } from '../../router'

export const apiClientsView: View = (container) => {
  setHtml(container, html`<h1 class="govuk-heading-l">Partner access</h1><p class="govuk-body">Not available yet.</p>`)
  return { title: 'Partner access' }
}
