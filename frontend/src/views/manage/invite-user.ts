/**
 * Invite a user into the team's organisation (administrators: any organisation, any
 * role). The answer carries the one-time set-up code: it is shown on the confirmation
 * only, never again, and the person uses it at /set-up.
 */
import { graphql, request, type ResultOf } from '../../api'
import { html, requireElement, setHtml, type SafeHtml } from '../../dom'
import { choiceField, formText, formValues, orNull, textField, type Problem, type Problems } from '../../forms'
import { focusHeading, type View } from '../../router'
import { hasRole, type Person, type Role } from '../../session'
import { userHref } from './users-list'
import {
  forManagers,
  gone,
  grantableRoles,
  isRole,
  problemsOf,
  ROLE_LABELS,
  setUpCodeDetails,
  showBody,
  showProblems,
  startPage,
  type Page,
} from './common'

const INVITE = graphql(`
  mutation InviteUser($input: InviteUserInput!) {
    inviteUser(input: $input) {
      enrolmentCode
      expiresAt
      user { id name email }
    }
  }
`)

const TITLE = 'Invite a user'
const FIELDS = ['email', 'name', 'jobTitle', 'phone', 'roles', 'organisationCode', 'trainedOn', 'vettedUntil']

interface Values {
  readonly email: string
  readonly name: string
  readonly jobTitle: string
  readonly phone: string
  readonly roles: readonly Role[]
  readonly organisationCode: string
  readonly trainedOn: string
  readonly vettedUntil: string
}

const EMPTY: Values = {
  email: '',
  name: '',
  jobTitle: '',
  phone: '',
  roles: ['PRACTITIONER'],
  organisationCode: '',
  trainedOn: '',
  vettedUntil: '',
}

const ROLE_HINTS: Readonly<Record<Role, string>> = {
  PRACTITIONER: 'Searches for children and records their own involvement',
  MANAGER: 'Runs users and shielding for the organisation, and reviews its audit',
  ADMINISTRATOR: 'National: every organisation, user and partner system',
  AUDITOR: 'Reads the audit and reports; no child data',
  EMERGENCY_DUTY: "Out-of-hours social worker: may open a shielded record of this authority in an emergency, for 60 minutes, and the team is told",
}

function readValues(form: HTMLFormElement): Values {
  return {
    email: formText(form, 'email'),
    name: formText(form, 'name'),
    jobTitle: formText(form, 'jobTitle'),
    phone: formText(form, 'phone'),
    roles: formValues(form, 'roles').filter(isRole),
    organisationCode: formText(form, 'organisationCode'),
    trainedOn: formText(form, 'trainedOn'),
    vettedUntil: formText(form, 'vettedUntil'),
  }
}

/** Quick checks before asking the server, which decides. */
export function checkInvite(values: Values): Problem[] {
  const problems: Problem[] = []
  if (values.email === '') problems.push({ field: 'email', message: 'Enter their email address' })
  else if (!/^[^\s@]+@[^\s@]+$/.test(values.email)) {
    problems.push({ field: 'email', message: 'Enter an email address in the correct format, like name@example.com' })
  }
  if (values.name === '') problems.push({ field: 'name', message: 'Enter their full name' })
  if (values.roles.length === 0) problems.push({ field: 'roles', message: 'Select at least one role' })
  return problems
}

function formMarkup(who: Person, values: Values, problems: Problems): SafeHtml {
  const administrator = hasRole(who, 'ADMINISTRATOR')
  return html`
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <p class="govuk-body">
          They will get a one-time set-up code to choose a password and set up an authenticator app. They can see
          child records only once their training and an enhanced DBS check are recorded.
        </p>
        <form id="invite-form" method="post" novalidate>
          ${textField({ name: 'email', label: 'Email address', type: 'email', value: values.email, problems, autocomplete: 'off' })}
          ${textField({ name: 'name', label: 'Full name', value: values.name, problems, autocomplete: 'off' })}
          ${textField({ name: 'jobTitle', label: 'Job title (optional)', value: values.jobTitle, problems })}
          ${textField({ name: 'phone', label: 'Work phone number (optional)', type: 'tel', value: values.phone, problems, widthClass: 'govuk-input--width-20' })}
          ${choiceField({
            name: 'roles',
            label: 'Roles',
            hint: 'Select all that apply. You can give only roles you hold.',
            multiple: true,
            selected: values.roles,
            problems,
            choices: grantableRoles(who.roles).map((role) => ({ value: role, text: `${ROLE_LABELS[role]}: ${ROLE_HINTS[role]}` })),
          })}
          ${administrator
            ? textField({
                name: 'organisationCode',
                label: 'Organisation code (optional)',
                hint: `Leave blank for ${who.organisation.name}`,
                value: values.organisationCode,
                problems,
                widthClass: 'govuk-input--width-10',
              })
            : ''}
          ${textField({ name: 'trainedOn', label: 'Date they completed ContactPoint training (optional)', type: 'date', value: values.trainedOn, problems, widthClass: 'govuk-input--width-10' })}
          ${textField({ name: 'vettedUntil', label: 'Enhanced DBS check valid until (optional)', type: 'date', value: values.vettedUntil, problems, widthClass: 'govuk-input--width-10' })}
          <div class="govuk-button-group">
            <button type="submit" class="govuk-button" data-module="govuk-button" data-prevent-double-click="true">Send invitation</button>
            <a class="govuk-link" href="/manage/users">Cancel</a>
          </div>
        </form>
      </div>
    </div>`
}

function invitedMarkup(made: ResultOf<typeof INVITE>['inviteUser']): SafeHtml {
  return html`
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <div class="govuk-panel govuk-panel--confirmation">
          <h1 class="govuk-panel__title">Invitation created</h1>
          <div class="govuk-panel__body govuk-!-text-break-word">${made.user.name} (${made.user.email})</div>
        </div>
        ${setUpCodeDetails(made.user.name, made.enrolmentCode, made.expiresAt)}
        <h2 class="govuk-heading-m">What happens next</h2>
        <p class="govuk-body">
          They cannot see child records until their training and enhanced DBS check are recorded on
          <a class="govuk-link" href="${userHref(made.user)}">their account</a>. If the code expires, reset their second
          factor there to get a new one.
        </p>
        <ul class="govuk-list">
          <li><a class="govuk-link" href="/manage/users/invite">Invite another user</a></li>
          <li><a class="govuk-link" href="/manage/users">Back to users</a></li>
        </ul>
      </div>
    </div>`
}

function render(page: Page, who: Person, values: Values, problems: Problems): void {
  showBody(page, formMarkup(who, values, problems))
  showProblems(page, problems, FIELDS)
  const form = requireElement(page.body, '#invite-form', HTMLFormElement)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    void submit(page, who, form)
  })
}

async function submit(page: Page, who: Person, form: HTMLFormElement): Promise<void> {
  const values = readValues(form)
  const checked = checkInvite(values)
  if (checked.length > 0) {
    render(page, who, values, checked)
    return
  }
  requireElement(form, 'button[type="submit"]', HTMLButtonElement).disabled = true
  try {
    const data = await request(
      INVITE,
      {
        input: {
          email: values.email,
          name: values.name,
          roles: [...values.roles],
          organisationCode: orNull(values.organisationCode),
          jobTitle: orNull(values.jobTitle),
          phone: orNull(values.phone),
          trainedOn: orNull(values.trainedOn),
          vettedUntil: orNull(values.vettedUntil),
        },
      },
      { signal: page.context.signal },
    )
    if (gone(page)) return
    setHtml(page.container, invitedMarkup(data.inviteUser))
    page.context.setTitle('Invitation created')
    focusHeading(page.container)
  } catch (error) {
    if (gone(page)) return
    render(page, who, values, problemsOf(error))
  }
}

export const inviteUserView: View = (container, context) => {
  const page = startPage(container, context, TITLE)
  forManagers(page, async (who) => render(page, who, EMPTY, []))
  return { title: TITLE }
}
