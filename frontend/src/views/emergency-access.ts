/**
 * Emergency ("break-glass") access on a shielded child's page: the route offered to the
 * authority's own emergency duty workers (purpose, reason, a new security code; what will
 * happen said first), and, while a grant is open, the banner with its countdown. When the
 * grant ends the record is loaded again, withheld as before.
 */
import { graphql, request } from '../api'
import { html, type SafeHtml } from '../dom'
import { choiceField, formText, problemsFrom, summary, textArea, textField, words, type Problems } from '../forms'
import type { RouteContext } from '../router'

const REQUEST_EMERGENCY = graphql(`
  mutation RequestEmergencyAccess($childId: ID!, $purpose: EmergencyPurpose!, $reason: String!, $totpCode: String!) {
    requestEmergencyAccess(childId: $childId, purpose: $purpose, reason: $reason, totpCode: $totpCode) { id expiresAt }
  }
`)

type Purpose = 'CHILD_AT_IMMEDIATE_RISK' | 'POLICE_REQUEST' | 'MEDICAL_EMERGENCY' | 'OTHER'

const PURPOSES: readonly { readonly value: Purpose; readonly text: string }[] = [
  { value: 'CHILD_AT_IMMEDIATE_RISK', text: 'The child is at immediate risk' },
  { value: 'POLICE_REQUEST', text: 'The police have asked' },
  { value: 'MEDICAL_EMERGENCY', text: 'A medical emergency' },
  { value: 'OTHER', text: 'Another emergency (say what in the reason)' },
]
const FIELDS = ['purpose', 'reason', 'totpCode']
const REASON_AT_LEAST = 20

export interface EmergencyState {
  readonly problems: Problems
  /** What was entered before a refusal (never the code: it is good once). */
  readonly purpose: string
  readonly reason: string
}

export interface EmergencyRefusal {
  readonly problems: Problems
  readonly purpose: string
  readonly reason: string
}

export interface EmergencyWindow {
  readonly grantId: string
  readonly purpose: string
  readonly expiresAt: string
}

function isPurpose(value: string): value is Purpose {
  return PURPOSES.some((choice) => choice.value === value)
}

/** Inside the shielded banner: what will happen, then the form. */
export function emergencyRoute(state: EmergencyState): SafeHtml {
  const problems = state.problems
  return html`
    <details class="govuk-details govuk-!-margin-bottom-0" id="emergency-route" ${problems.length > 0 ? 'open' : ''}>
      <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Use emergency access</span></summary>
      <div class="govuk-details__text">
        <p class="govuk-body">Only in an emergency, when the ContactPoint team cannot be reached. If you go on:</p>
        <ul class="govuk-list govuk-list--bullet">
          <li>you will see this child’s full record for 60 minutes, and no other child’s;</li>
          <li>your ContactPoint team is told at once who you are, which child, and why;</li>
          <li>the team reviews every emergency access; access found not justified is reported as misuse.</li>
        </ul>
        ${summary(problems, FIELDS)}
        <form id="emergency-form" novalidate>
          ${choiceField({ name: 'purpose', label: 'Why do you need the record now?', choices: PURPOSES, multiple: false, selected: [state.purpose], problems })}
          ${textArea({ name: 'reason', label: 'Reason', hint: `What is happening and who asked: at least ${REASON_AT_LEAST} characters. The team reads this.`, value: state.reason, problems, rows: 3 })}
          ${textField({ name: 'totpCode', label: 'A new security code', hint: 'The 6-digit code your authenticator app shows now (not the one you signed in with).', problems, widthClass: 'govuk-input--width-5', autocomplete: 'one-time-code' })}
          <button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button" data-prevent-double-click="true">Open the record in an emergency</button>
        </form>
      </div>
    </details>`
}

function timeOfDay(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' })
}

/** "59 minutes", then seconds in the last two minutes. */
export function timeLeft(milliseconds: number): string {
  const seconds = Math.max(0, Math.ceil(milliseconds / 1000))
  if (seconds >= 120) return `${Math.ceil(seconds / 60)} minutes`
  return seconds === 1 ? '1 second' : `${seconds} seconds`
}

/** Above a record opened by an emergency grant. */
export function emergencyBanner(grant: EmergencyWindow): SafeHtml {
  const left = timeLeft(Date.parse(grant.expiresAt) - Date.now())
  return html`
    <div class="govuk-notification-banner cp-emergency-banner" role="region" aria-labelledby="emergency-title" data-module="govuk-notification-banner">
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id="emergency-title">Emergency access</h2>
      </div>
      <div class="govuk-notification-banner__content">
        <p class="govuk-notification-banner__heading">This shielded record is open to you in an emergency until ${timeOfDay(grant.expiresAt)}
          (<span id="emergency-countdown">${left}</span> left).</p>
        <p class="govuk-body">Purpose: ${words(grant.purpose)}. Your ContactPoint team has been told and will review this access.
          Do not share where the child is with anyone who does not need it to keep them safe.</p>
      </div>
    </div>`
}

/** Keep the countdown true; when the grant ends, load the record again (withheld). */
export function startCountdown(container: HTMLElement, context: RouteContext, expiresAt: string, ended: () => void): void {
  const end = Date.parse(expiresAt)
  const timer = window.setInterval(() => {
    const left = end - Date.now()
    const slot = container.querySelector('#emergency-countdown')
    if (left <= 0 || slot === null) {
      window.clearInterval(timer)
      if (left <= 0 && !context.signal.aborted) ended()
      return
    }
    slot.textContent = timeLeft(left)
  }, 1000)
  context.signal.addEventListener('abort', () => window.clearInterval(timer))
}

function checked(form: HTMLFormElement): { purpose: Purpose; reason: string; code: string } | Problems {
  const purpose = formText(form, 'purpose')
  const reason = formText(form, 'reason')
  const code = formText(form, 'totpCode').replace(/\s/g, '')
  const problems: { field: string; message: string }[] = []
  if (!isPurpose(purpose)) problems.push({ field: 'purpose', message: 'Choose why you need the record now' })
  if (reason.length < REASON_AT_LEAST) problems.push({ field: 'reason', message: `Say why in at least ${REASON_AT_LEAST} characters` })
  if (!/^\d{6}$/.test(code)) problems.push({ field: 'totpCode', message: 'Enter the 6-digit code your authenticator app shows now' })
  if (problems.length > 0 || !isPurpose(purpose)) return problems
  return { purpose, reason, code }
}

export function wireEmergencyForm(
  container: HTMLElement,
  context: RouteContext,
  childId: string,
  then: { readonly opened: () => void; readonly refused: (refusal: EmergencyRefusal) => void },
): void {
  const form = container.querySelector<HTMLFormElement>('#emergency-form')
  form?.addEventListener('submit', (event) => {
    event.preventDefault()
    const values = checked(form)
    const entered = { purpose: formText(form, 'purpose'), reason: formText(form, 'reason') }
    if (!('purpose' in values)) {
      then.refused({ problems: values, ...entered })
      return
    }
    void (async () => {
      try {
        await request(
          REQUEST_EMERGENCY,
          { childId, purpose: values.purpose, reason: values.reason, totpCode: values.code },
          { signal: context.signal },
        )
        if (!context.signal.aborted) then.opened()
      } catch (error) {
        if (!context.signal.aborted) then.refused({ problems: problemsFrom(error), ...entered })
      }
    })()
  })
}
