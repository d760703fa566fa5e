/** Placeholder: replaced by the screens of this area. */
import { html, setHtml } from '../../dom'
import type { View } from '../../router'

export const shieldingView: View = (container) => {
  setHtml(container, html`<h1 class="govuk-heading-l">Shielded children</h1><p class="govuk-body">Not available yet.</p>`)
  return { title: 'Shielded children' }
}

export const contactRequestsView: View = (container) => {
  setHtml(container, html`<h1 class="govuk-heading-l">Requests to be put in touch</h1><p class="govuk-body">Not available yet.</p>`)
  return { title: 'Requests to be put in touch' }
}
