/** GOV.UK "Page not found" pattern, for any path no route matches. */
import { html, setHtml } from '../dom'
import type { View } from '../router'

export const notFoundView: View = (container) => {
  setHtml(
    container,
    html`
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">Page not found</h1>
          <p class="govuk-body">If you typed the web address, check it is correct.</p>
          <p class="govuk-body">If you pasted the web address, check you copied the entire address.</p>
          <p class="govuk-body">Go to the <a class="govuk-link" href="/">ContactPoint start page</a>.</p>
        </div>
      </div>`,
  )
  return { title: 'Page not found' }
}
