/** A child's record. Placeholder until the record issue fetches `child(id:)`. */
import { html, setHtml } from '../dom'
import type { View } from '../router'

export const childView: View = (container, { params }) => {
  const id = params['id'] ?? ''
  setHtml(
    container,
    html`
      <a href="/search" class="govuk-back-link">Back to search</a>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <span class="govuk-caption-l">ContactPoint ID ${id}</span>
          <h1 class="govuk-heading-l">Child record</h1>
          <p class="govuk-body">Child records are not available in this version of the demonstration yet.</p>
        </div>
      </div>`,
  )
  return { title: 'Child record' }
}
