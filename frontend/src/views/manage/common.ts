/**
 * What the management team's pages share: the page frame (error summary slot, an <h1>
 * shown at once for the router to focus, a body that starts as "Loading…"), API errors
 * as GOV.UK problems, scrolling tables, status tags, one-time set-up codes, and a
 * message carried to the next page after a change ("flash").
 */
import { initAll } from 'govuk-frontend'
import { html, requireElement, setHtml, type SafeHtml } from '../../dom'
import { longDateTime, problemsFrom, summary, type Problem, type Problems } from '../../forms'
import type { RouteContext } from '../../router'
import { requirePerson, type Person, type Role } from '../../session'

/** Who may use the management pages. */
export const MANAGE_ROLES: readonly Role[] = ['MANAGER', 'ADMINISTRATOR']

export interface Page {
  readonly container: HTMLElement
  readonly context: RouteContext
  readonly title: string
  readonly heading: HTMLHeadingElement
  /** Where the error summary goes: above the heading. */
  readonly problems: HTMLElement
  readonly body: HTMLElement
}

/** Draw the frame at once: the router focuses the heading as soon as the view returns. */
export function startPage(container: HTMLElement, context: RouteContext, title: string): Page {
  setHtml(
    container,
    html`
      <div id="cp-problems"></div>
      <h1 class="govuk-heading-l" id="cp-heading">${title}</h1>
      <div id="cp-body"><p class="govuk-body">Loading…</p></div>`,
  )
  return {
    container,
    context,
    title,
    heading: requireElement(container, '#cp-heading', HTMLHeadingElement),
    problems: requireElement(container, '#cp-problems', HTMLElement),
    body: requireElement(container, '#cp-body', HTMLElement),
  }
}

/**
 * Run `work` for a signed-in manager or administrator (others are sent to sign in or
 * told they cannot use the page); anything it throws is shown in the error summary.
 */
export function forManagers(page: Page, work: (who: Person) => Promise<void>): void {
  void (async () => {
    try {
      const who = await requirePerson(page.container, page.context, MANAGE_ROLES)
      if (who === null) return
      await work(who)
    } catch (error) {
      if (gone(page)) return
      setHtml(page.body, html``)
      showProblems(page, problemsOf(error))
    }
  })()
}

/** Replace an element's content and enhance its GOV.UK components. */
export function fill(element: HTMLElement, markup: SafeHtml): void {
  setHtml(element, markup)
  initAll({ scope: element })
}

/** Replace the page body and enhance its GOV.UK components. */
export function showBody(page: Page, markup: SafeHtml): void {
  fill(page.body, markup)
}

/**
 * Show (or clear) the error summary: "Error: " in the title, and GOV.UK Frontend moves
 * focus to the summary. Problems about a field in `fieldsOnForm` link to it.
 */
export function showProblems(page: Page, problems: Problems, fieldsOnForm: readonly string[] = []): void {
  setHtml(page.problems, summary(problems, fieldsOnForm))
  page.context.setTitle(problems.length > 0 ? `Error: ${page.title}` : page.title)
  if (problems.length > 0) initAll({ scope: page.problems })
}

/** The API's messages start in lower case ("email is required"); GOV.UK's start with a capital. */
function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/**
 * A failed request as problems. `fields` renames the API's field names to this form's
 * (several forms on one page cannot share an input id).
 */
export function problemsOf(error: unknown, fields: Readonly<Record<string, string>> = {}): Problem[] {
  return problemsFrom(error).map((problem) => ({
    field: problem.field === null ? null : (fields[problem.field] ?? problem.field),
    message: sentence(problem.message),
  }))
}

/** True when the user has left the page: drop the answer. */
export function gone(page: Page): boolean {
  return page.context.signal.aborted
}

/** Today in the UK as YYYY-MM-DD, to compare with API dates. */
export function today(): string {
  return new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' })
}

/** A table that scrolls sideways on narrow screens (and can be scrolled by keyboard). */
export function scrollingTable(
  label: string,
  caption: string,
  headers: readonly string[],
  rows: readonly SafeHtml[],
): SafeHtml {
  return html`
    <div class="cp-table-scroll" tabindex="0" role="region" aria-label="${label}">
      <table class="govuk-table">
        <caption class="govuk-table__caption govuk-table__caption--s">${caption}</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            ${headers.map((header) => html`<th scope="col" class="govuk-table__header">${header}</th>`)}
          </tr>
        </thead>
        <tbody class="govuk-table__body">${rows}</tbody>
      </table>
    </div>`
}

export type TagColour = 'green' | 'grey' | 'red' | 'yellow' | 'orange' | 'blue'

export function tag(text: string, colour: TagColour): SafeHtml {
  return html`<strong class="govuk-tag${colour === 'blue' ? '' : ` govuk-tag--${colour}`}">${text}</strong>`
}

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  PRACTITIONER: 'Practitioner',
  MANAGER: 'Management team',
  ADMINISTRATOR: 'Administrator',
  AUDITOR: 'Auditor',
  EMERGENCY_DUTY: 'Emergency duty (out of hours)',
}

const ROLES: readonly Role[] = ['PRACTITIONER', 'MANAGER', 'ADMINISTRATOR', 'AUDITOR', 'EMERGENCY_DUTY']

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value)
}

/**
 * Roles a person may give: administrators every role; managers those of practitioner and
 * manager they hold, and emergency duty (it opens only their own authority's shielded
 * records, which the team already sees in full).
 */
export function grantableRoles(roles: readonly Role[]): Role[] {
  if (roles.includes('ADMINISTRATOR')) return [...ROLES]
  if (!roles.includes('MANAGER')) return []
  return ROLES.filter(
    (role) => role === 'EMERGENCY_DUTY' || ((role === 'PRACTITIONER' || role === 'MANAGER') && roles.includes(role)),
  )
}

export function roleList(roles: readonly Role[]): string {
  return roles.map((role) => ROLE_LABELS[role]).join(', ')
}

/** A GOV.UK success banner (it takes focus when initialised). */
export function successBanner(heading: string, body: SafeHtml = html``): SafeHtml {
  return html`
    <div class="govuk-notification-banner govuk-notification-banner--success" role="alert"
      aria-labelledby="cp-success-title" data-module="govuk-notification-banner">
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id="cp-success-title">Success</h2>
      </div>
      <div class="govuk-notification-banner__content">
        <p class="govuk-notification-banner__heading">${heading}</p>
        ${body}
      </div>
    </div>`
}

export function warning(text: string | SafeHtml): SafeHtml {
  return html`
    <div class="govuk-warning-text">
      <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
      <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> ${text}</strong>
    </div>`
}

/** What to do with a one-time set-up code: it is shown only in this answer. */
export function setUpCodeDetails(name: string, code: string, expiresAt: string): SafeHtml {
  return html`
    <p class="govuk-body">Set-up code for ${name}:</p>
    <p class="govuk-body-l govuk-!-font-weight-bold govuk-!-text-break-word" id="enrolment-code">${code}</p>
    ${warning('This code is shown only once. Copy it now and give it to them securely, for example by phone.')}
    <p class="govuk-body">
      They go to <strong class="govuk-!-text-break-word">${window.location.origin}/set-up</strong>, enter their
      email address and this code, choose a password and set up an authenticator app.
    </p>
    <p class="govuk-body">The code expires on ${longDateTime(expiresAt)}.</p>`
}

// A message for the next page after a change that navigates (shielding lifted...).
let flash: SafeHtml | null = null

export function setFlash(markup: SafeHtml): void {
  flash = markup
}

export function takeFlash(): SafeHtml {
  const markup = flash ?? html``
  flash = null
  return markup
}
