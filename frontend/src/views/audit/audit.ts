/** Placeholder: replaced by the screens of this area. */
import { html, setHtml } from '../../dom'
import type { View } from '../../router'

export const auditView: View = (container) => {
  setHtml(container, html`<h1 class="govuk-heading-l">Audit</h1><p class="govuk-body">Not available yet.</p>`)
  return { title: 'Audit' }
}

export const auditReportsView: View = (container) => {
  setHtml(container, html`<h1 class="govuk-heading-l">Audit reports</h1><p class="govuk-body">Not available yet.</p>`)
  return { title: 'Audit reports' }
}
