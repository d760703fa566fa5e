/** Placeholder: replaced by the screens of this area. */
import { html, setHtml } from '../../dom'
import type { View } from '../../router'

export const usersView: View = (container) => {
  setHtml(container, html`<h1 class="govuk-heading-l">Users</h1><p class="govuk-body">Not available yet.</p>`)
  return { title: 'Users' }
}

export const inviteUserView: View = (container) => {
  setHtml(container, html`<h1 class="govuk-heading-l">Invite a user</h1><p class="govuk-body">Not available yet.</p>`)
  return { title: 'Invite a user' }
}

export const userView: View = (container) => {
  setHtml(container, html`<h1 class="govuk-heading-l">User</h1><p class="govuk-body">Not available yet.</p>`)
  return { title: 'User' }
}
