/** Placeholder. */
import { html, setHtml } from '../dom'
import type { View } from '../router'

export const notificationsView: View = (container) => {
  setHtml(container, html`<h1 class="govuk-heading-l">Notifications</h1>`)
  return { title: 'Notifications' }
}
