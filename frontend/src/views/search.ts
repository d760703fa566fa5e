/** Search for a child. Placeholder until the search issue builds the form and results. */
import { html, setHtml } from '../dom'
import type { View } from '../router'

export const searchView: View = (container) => {
  setHtml(
    container,
    html`
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">Search for a child</h1>
          <p class="govuk-body">Searching is not available in this version of the demonstration yet.</p>
        </div>
      </div>`,
  )
  return { title: 'Search for a child' }
}
