/** Start page: what ContactPoint is for and what you need before signing in. */
import { html, setHtml } from '../dom'
import { startIcon } from '../govuk'
import type { View } from '../router'

export const homeView: View = (container) => {
  setHtml(
    container,
    html`
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-xl">ContactPoint — find out who else is working with a child</h1>
          <p class="govuk-body-l">
            Use ContactPoint if you work with children in education, health, social care or youth justice
            and need to know which other practitioners and services are involved with a child.
          </p>
          <p class="govuk-body">You can use it to:</p>
          <ul class="govuk-list govuk-list--bullet">
            <li>search for a child by name, date of birth or postcode</li>
            <li>see who else is working with the child and how to contact them</li>
            <li>record or end your own involvement with the child</li>
          </ul>
          <p class="govuk-body">
            ContactPoint holds contact details only. It never holds case notes, assessments or the reasons a
            service is involved.
          </p>

          <h2 class="govuk-heading-m">Before you start</h2>
          <p class="govuk-body">You need:</p>
          <ul class="govuk-list govuk-list--bullet">
            <li>a ContactPoint account from your organisation’s ContactPoint team</li>
            <li>your mandatory ContactPoint training and an enhanced DBS check to be recorded</li>
            <li>the authenticator app that gives you a 6-digit security code</li>
          </ul>

          <a href="/sign-in" role="button" draggable="false" class="govuk-button govuk-button--start" data-module="govuk-button">
            Sign in ${startIcon}
          </a>

          <div class="govuk-warning-text">
            <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
            <strong class="govuk-warning-text__text">
              <span class="govuk-visually-hidden">Warning</span>
              This is a demonstration. Every child and practitioner in it is made up.
            </strong>
          </div>
        </div>
      </div>`,
  )
  return { title: 'Find out who else is working with a child' }
}
