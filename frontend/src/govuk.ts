/**
 * Markup for GOV.UK Design System components that several views share.
 * Each returns `SafeHtml`; all text passed in is escaped by `html`.
 */
import { html, type SafeHtml } from './dom'

export interface ErrorSummaryItem {
  readonly text: string
  /** `#id` of the field the error is about; omitted when no field is to blame. */
  readonly href?: string
}

/** Error summary (https://design-system.service.gov.uk/components/error-summary/). */
export function errorSummary(items: readonly ErrorSummaryItem[]): SafeHtml {
  return html`
    <div class="govuk-error-summary" data-module="govuk-error-summary">
      <div role="alert">
        <h2 class="govuk-error-summary__title">There is a problem</h2>
        <div class="govuk-error-summary__body">
          <ul class="govuk-list govuk-error-summary__list">
            ${items.map((item) =>
              item.href === undefined
                ? html`<li>${item.text}</li>`
                : html`<li><a href="${item.href}">${item.text}</a></li>`,
            )}
          </ul>
        </div>
      </div>
    </div>`
}

/** The "Error:" message shown above a field; its id is `${fieldId}-error`. */
export function errorMessage(fieldId: string, text: string | undefined): SafeHtml {
  return text === undefined
    ? html``
    : html`<p id="${fieldId}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ${text}</p>`
}

/** Space-separated ids for `aria-describedby`, skipping the undefined ones. */
export function describedBy(...ids: readonly (string | undefined)[]): string {
  return ids.filter((id) => id !== undefined).join(' ')
}

/** The arrow icon of a start button. */
export const startIcon = html`<svg class="govuk-button__start-icon" width="17.5" height="19" viewBox="0 0 33 40" aria-hidden="true" focusable="false"><path fill="currentColor" d="M0 0h13l20 20-20 20H0l20-20z"/></svg>`
