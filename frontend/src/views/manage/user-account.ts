/**
 * One user's account, as their management team sees it, with what the team can do:
 * record training and vetting (and contact details), change roles, suspend or
 * reactivate (after a confirmation step), and reset the second factor (the new set-up
 * code is shown once). The server decides: its refusals ("you cannot change your own
 * account...") are shown in the error summary.
 */
import { html, requireElement, type SafeHtml } from '../../dom'
import { choiceField, formText, formValues, longDate, longDateTime, textField, type Problem, type Problems } from '../../forms'
import type { View } from '../../router'
import type { Person, Role } from '../../session'
import {
  forManagers,
  gone,
  grantableRoles,
  isRole,
  problemsOf,
  ROLE_LABELS,
  roleList,
  setUpCodeDetails,
  showBody,
  showProblems,
  startPage,
  successBanner,
  today,
  warning,
  type Page,
} from './common'
import {
  findAccount,
  reactivate,
  resetSecondFactor,
  setRoles,
  suspend,
  updateDetails,
  type Account,
  type DetailsInput,
} from './user-operations'
import { statusTag } from './users-list'

const TITLE = 'User account'
const DETAIL_FIELDS = ['name', 'jobTitle', 'phone', 'trainedOn', 'vettedUntil'] as const
const FIELDS: readonly string[] = [...DETAIL_FIELDS, 'roles']

type Confirming = 'suspend' | 'reactivate' | 'reset' | null
type Details = Record<(typeof DETAIL_FIELDS)[number], string>

interface State {
  readonly account: Account
  readonly banner: SafeHtml
  readonly confirming: Confirming
  readonly details: Details
  readonly roles: readonly Role[]
  readonly problems: Problems
}

function detailsOf(account: Account): Details {
  return {
    name: account.name,
    jobTitle: account.jobTitle ?? '',
    phone: account.phone ?? '',
    trainedOn: account.trainedOn ?? '',
    vettedUntil: account.vettedUntil ?? '',
  }
}

function fresh(account: Account, banner: SafeHtml = html``): State {
  return { account, banner, confirming: null, details: detailsOf(account), roles: account.roles, problems: [] }
}

function row(key: string, value: SafeHtml | string): SafeHtml {
  return html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt><dd class="govuk-summary-list__value">${value}</dd></div>`
}

function accountSummary(account: Account): SafeHtml {
  const vetted = account.vettedUntil
  return html`
    <dl class="govuk-summary-list" id="account-summary">
      ${row('Email address', html`<span class="govuk-!-text-break-word">${account.email}</span>`)}
      ${row('Organisation', account.organisation.name)}
      ${row('Job title', account.jobTitle ?? 'Not recorded')}
      ${row('Phone', account.phone ?? 'Not recorded')}
      ${row('Roles', roleList(account.roles))}
      ${row('Status', statusTag(account.status))}
      ${row('Authenticator app', account.hasSecondFactor ? 'Set up' : 'Not set up yet')}
      ${row('ContactPoint training', account.trainedOn ? longDate(account.trainedOn) : 'Not recorded')}
      ${row('Enhanced DBS check valid until', vetted ? html`${longDate(vetted)}${vetted < today() ? ' (expired)' : ''}` : 'Not recorded')}
      ${row('Account created', longDateTime(account.createdAt))}
    </dl>`
}

function detailsForm(state: State): SafeHtml {
  const { details, problems } = state
  const date = { type: 'date' as const, widthClass: 'govuk-input--width-10', problems }
  return html`
    <h2 class="govuk-heading-m">Training, vetting and contact details</h2>
    <form id="details-form" method="post" novalidate>
      ${textField({ name: 'trainedOn', label: 'Date they completed ContactPoint training', value: details.trainedOn, ...date })}
      ${textField({ name: 'vettedUntil', label: 'Enhanced DBS check valid until', value: details.vettedUntil, ...date })}
      ${textField({ name: 'name', label: 'Full name', value: details.name, problems })}
      ${textField({ name: 'jobTitle', label: 'Job title', value: details.jobTitle, problems })}
      ${textField({ name: 'phone', label: 'Work phone number', type: 'tel', value: details.phone, problems, widthClass: 'govuk-input--width-20' })}
      <button type="submit" class="govuk-button" data-module="govuk-button" data-prevent-double-click="true">Save details</button>
    </form>`
}

function rolesForm(who: Person, state: State): SafeHtml {
  const offered = [...new Set([...grantableRoles(who.roles), ...state.account.roles])]
  return html`
    <h2 class="govuk-heading-m">Roles</h2>
    <form id="roles-form" method="post" novalidate>
      ${choiceField({
        name: 'roles',
        label: 'Which roles should they have?',
        hint: 'Select all that apply. You can give only roles you hold.',
        multiple: true,
        selected: state.roles,
        problems: state.problems,
        choices: offered.map((role) => ({ value: role, text: ROLE_LABELS[role] })),
      })}
      <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" data-prevent-double-click="true">Change roles</button>
    </form>`
}

const CONFIRMATIONS: Readonly<Record<Exclude<Confirming, null>, { question: string; warning: string; button: string; kind: string }>> = {
  suspend: {
    question: 'Suspend this account?',
    warning: 'They will be signed out at once and cannot sign in until their account is reactivated.',
    button: 'Yes, suspend account',
    kind: 'govuk-button--warning',
  },
  reactivate: {
    question: 'Reactivate this account?',
    warning: 'They will be able to sign in again.',
    button: 'Yes, reactivate account',
    kind: '',
  },
  reset: {
    question: 'Reset their second factor?',
    warning: 'Their authenticator app stops working and they are signed out. You will get a new set-up code to give them.',
    button: 'Yes, reset second factor',
    kind: 'govuk-button--warning',
  },
}

function accessSection(state: State): SafeHtml {
  const { account, confirming } = state
  if (confirming !== null) {
    const text = CONFIRMATIONS[confirming]
    return html`
      <h3 class="govuk-heading-s" id="confirm-heading" tabindex="-1">${text.question}</h3>
      ${warning(text.warning)}
      <div class="govuk-button-group">
        <button type="button" class="govuk-button ${text.kind}" data-module="govuk-button" data-prevent-double-click="true" id="confirm">${text.button}</button>
        <button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" id="cancel">Cancel</button>
      </div>`
  }
  const suspended = account.status === 'SUSPENDED'
  return html`
    <p class="govuk-body">
      ${suspended ? 'This account is suspended: they cannot sign in.' : account.status === 'INVITED' ? 'They have not finished setting up their account yet.' : 'They can sign in.'}
    </p>
    <div class="govuk-button-group">
      ${suspended
        ? html`<button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" data-action="reactivate">Reactivate account</button>`
        : html`<button type="button" class="govuk-button govuk-button--warning" data-module="govuk-button" data-action="suspend">Suspend account</button>`}
      <button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" data-action="reset">Reset second factor</button>
    </div>`
}

function pageMarkup(who: Person, state: State): SafeHtml {
  return html`
    ${state.banner}
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        ${accountSummary(state.account)}
        ${state.account.id === who.id
          ? html`<div class="govuk-inset-text">This is your own account. Another member of your team must change your roles or status.</div>`
          : ''}
        ${detailsForm(state)}
        ${rolesForm(who, state)}
        <h2 class="govuk-heading-m" id="access-heading" tabindex="-1">Signing in</h2>
        ${accessSection(state)}
        <p class="govuk-body"><a class="govuk-link" href="/manage/users">Back to users</a></p>
      </div>
    </div>`
}

/** Only what changed is sent: the API keeps what is left out; a field emptied is sent as
 * null, which clears it (the API refuses to clear the name, and says so). */
export function changedDetails(account: Account, values: Details): DetailsInput | null {
  const before = detailsOf(account)
  const input: DetailsInput = {}
  let changed = false
  for (const field of DETAIL_FIELDS) {
    if (values[field] !== before[field]) {
      input[field] = values[field] === '' ? null : values[field]
      changed = true
    }
  }
  return changed ? input : null
}

const NOTHING_CHANGED: Problem = { field: null, message: 'Change at least one detail before saving' }

function readDetails(form: HTMLFormElement): Details {
  return {
    name: formText(form, 'name'),
    jobTitle: formText(form, 'jobTitle'),
    phone: formText(form, 'phone'),
    trainedOn: formText(form, 'trainedOn'),
    vettedUntil: formText(form, 'vettedUntil'),
  }
}

function render(page: Page, who: Person, state: State, focus: 'confirm' | 'access' | null = null): void {
  page.heading.textContent = state.account.name
  showBody(page, pageMarkup(who, state))
  showProblems(page, state.problems, FIELDS)
  const signal = page.context.signal
  const userId = state.account.id

  /** Run a change; its answer replaces the account, its refusal goes to the summary. */
  const change = async (work: () => Promise<State>, onError: (problems: Problems) => State): Promise<void> => {
    let next: State
    try {
      next = await work()
    } catch (error) {
      if (gone(page)) return
      render(page, who, onError(problemsOf(error)))
      return
    }
    if (!gone(page)) render(page, who, next)
  }

  const details = requireElement(page.body, '#details-form', HTMLFormElement)
  details.addEventListener('submit', (event) => {
    event.preventDefault()
    const values = readDetails(details)
    const input = changedDetails(state.account, values)
    if (input === null) {
      render(page, who, { ...state, details: values, problems: [NOTHING_CHANGED] })
      return
    }
    void change(
      async () => fresh(await updateDetails(userId, input, signal), successBanner('Details saved')),
      (problems) => ({ ...state, details: values, problems }),
    )
  })

  const roles = requireElement(page.body, '#roles-form', HTMLFormElement)
  roles.addEventListener('submit', (event) => {
    event.preventDefault()
    const chosen = formValues(roles, 'roles').filter(isRole)
    if (chosen.length === 0) {
      render(page, who, { ...state, roles: chosen, problems: [{ field: 'roles', message: 'Select at least one role' }] })
      return
    }
    void change(
      async () => fresh(await setRoles(userId, chosen, signal), successBanner('Roles changed')),
      (problems) => ({ ...state, roles: chosen, problems }),
    )
  })

  for (const button of page.body.querySelectorAll<HTMLButtonElement>('button[data-action]')) {
    const action = button.dataset['action']
    if (action === 'suspend' || action === 'reactivate' || action === 'reset') {
      button.addEventListener('click', () => render(page, who, { ...state, confirming: action, problems: [] }, 'confirm'))
    }
  }
  page.body.querySelector('#cancel')?.addEventListener('click', () => render(page, who, { ...state, confirming: null, problems: [] }, 'access'))
  page.body.querySelector('#confirm')?.addEventListener('click', (event) => {
    if (event.currentTarget instanceof HTMLButtonElement) event.currentTarget.disabled = true
    const back = (problems: Problems): State => ({ ...state, confirming: null, problems })
    if (state.confirming === 'suspend') {
      void change(async () => fresh(await suspend(userId, signal), successBanner('Account suspended')), back)
    } else if (state.confirming === 'reactivate') {
      void change(async () => fresh(await reactivate(userId, signal), successBanner('Account reactivated')), back)
    } else if (state.confirming === 'reset') {
      void change(async () => {
        const made = await resetSecondFactor(userId, signal)
        const banner = successBanner('Second factor reset', setUpCodeDetails(made.account.name, made.code, made.expiresAt))
        return fresh(made.account, banner)
      }, back)
    }
  })

  if (focus !== null) page.body.querySelector<HTMLElement>(focus === 'confirm' ? '#confirm-heading' : '#access-heading')?.focus()
}

export const userView: View = (container, context) => {
  const page = startPage(container, context, TITLE)
  forManagers(page, async (who) => {
    const account = await findAccount(context.params['id'] ?? '', context.query.get('email'), context.signal)
    if (gone(page)) return
    if (account === null) {
      page.heading.textContent = 'User not found'
      context.setTitle('User not found')
      showBody(
        page,
        html`<p class="govuk-body">No user you manage has this address. They may be in another organisation.</p>
          <p class="govuk-body"><a class="govuk-link" href="/manage/users">Back to users</a></p>`,
      )
      return
    }
    render(page, who, fresh(account))
  })
  return { title: TITLE }
}
