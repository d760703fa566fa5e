/**
 * Sign in with email, password and the 6-digit code from an authenticator app.
 *
 * Checks are done here first for quick, specific messages; the server decides.
 * Errors follow the GOV.UK pattern: an error summary at the top (focused, and
 * linking to each field) plus a message on the field, and "Error: " in the title.
 */
import { html, requireElement, setHtml, type SafeHtml } from '../dom'
import { describedBy, errorMessage, errorSummary } from '../govuk'
import { gql, GraphQLRequestError } from '../graphql'
import { initAll } from 'govuk-frontend'
import type { RouteContext, View } from '../router'
import { hasRole, refreshPerson, type Person } from '../session'

export const SIGN_IN_MUTATION =
  'mutation SignIn($email:String!,$password:String!,$totpCode:String!){ signIn(email:$email,password:$password,totpCode:$totpCode){ __typename } }'

export interface SignInData {
  readonly signIn: { readonly __typename: string }
}

export type SignInField = 'email' | 'password' | 'totpCode'

export interface SignInValues {
  readonly email: string
  readonly password: string
  readonly totpCode: string
}

export interface FieldError {
  /** The field to blame, or null for a problem with no single field (e.g. network). */
  readonly field: SignInField | null
  readonly message: string
}

/** Element ids of the inputs, for labels and error summary links. */
const FIELD_IDS: Readonly<Record<SignInField, string>> = {
  email: 'email',
  password: 'password',
  totpCode: 'totp-code',
}

const PAGE_TITLE = 'Sign in'
const AFTER_SIGN_IN = '/search'

/** Where to go after signing in: back where they were sent from, else their main page. */
export function landingFor(who: Person | null, next: string | null): string {
  if (next !== null) {
    // Only a page of this app: same origin, not the sign-in page, not a server path.
    const target = new URL(next, window.location.origin)
    const path = target.pathname
    if (
      target.origin === window.location.origin &&
      !['/sign-in', '/graphql', '/assets'].some((prefix) => path === prefix || path.startsWith(`${prefix}/`))
    ) {
      return path + target.search
    }
  }
  if (who === null || who.canAccessChildData) return AFTER_SIGN_IN
  if (hasRole(who, 'AUDITOR')) return '/audit'
  if (hasRole(who, 'ADMINISTRATOR')) return '/manage/users'
  return AFTER_SIGN_IN
}

/** Spaces are allowed in the code ("123 456"); they are removed before sending. */
export function normaliseCode(code: string): string {
  return code.replace(/\s+/g, '')
}

export function validateSignIn(values: SignInValues): FieldError[] {
  const errors: FieldError[] = []
  const email = values.email.trim()
  if (email === '') {
    errors.push({ field: 'email', message: 'Enter your email address' })
  } else if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
    errors.push({ field: 'email', message: 'Enter an email address in the correct format, like name@example.com' })
  }
  if (values.password === '') {
    errors.push({ field: 'password', message: 'Enter your password' })
  }
  const code = normaliseCode(values.totpCode)
  if (code === '') {
    errors.push({ field: 'totpCode', message: 'Enter the 6-digit security code from your authenticator app' })
  } else if (!/^\d{6}$/.test(code)) {
    errors.push({ field: 'totpCode', message: 'Security code must be 6 numbers' })
  }
  return errors
}

function isSignInField(name: string | undefined): name is SignInField {
  return name === 'email' || name === 'password' || name === 'totpCode'
}

/** Turn a failed request into a message for the form. */
export function errorFromServer(error: unknown): FieldError {
  if (!(error instanceof GraphQLRequestError)) {
    return { field: null, message: 'Sorry, there is a problem with the service. Try again later.' }
  }
  if (isSignInField(error.field)) return { field: error.field, message: error.message }
  switch (error.code) {
    case 'NETWORK_ERROR':
    case 'BAD_RESPONSE':
      return { field: null, message: error.message }
    default:
      // Wrong email, password or code: the server does not say which, and neither do we.
      return { field: 'email', message: error.message }
  }
}

interface FormState {
  readonly email: string
  readonly totpCode: string
  readonly errors: readonly FieldError[]
}

function fieldError(state: FormState, field: SignInField): string | undefined {
  return state.errors.find((error) => error.field === field)?.message
}

function formMarkup(state: FormState): SafeHtml {
  const emailError = fieldError(state, 'email')
  const passwordError = fieldError(state, 'password')
  const codeError = fieldError(state, 'totpCode')
  const groupClass = (error: string | undefined) => (error === undefined ? '' : ' govuk-form-group--error')
  const inputClass = (error: string | undefined) => (error === undefined ? '' : ' govuk-input--error')
  const errorId = (field: SignInField, error: string | undefined) =>
    error === undefined ? undefined : `${FIELD_IDS[field]}-error`

  return html`
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        ${state.errors.length > 0 &&
        errorSummary(
          state.errors.map((error) =>
            error.field === null
              ? { text: error.message }
              : { text: error.message, href: `#${FIELD_IDS[error.field]}` },
          ),
        )}
        <h1 class="govuk-heading-l">Sign in to ContactPoint</h1>
        <p class="govuk-body">
          Use the email address and password your organisation’s ContactPoint team set up for you.
        </p>

        <form id="sign-in-form" method="post" novalidate>
          <div class="govuk-form-group${groupClass(emailError)}">
            <label class="govuk-label govuk-label--s" for="${FIELD_IDS.email}">Email address</label>
            ${errorMessage(FIELD_IDS.email, emailError)}
            <input class="govuk-input${inputClass(emailError)}" id="${FIELD_IDS.email}" name="email" type="email"
              value="${state.email}" autocomplete="username" spellcheck="false" autocapitalize="none"
              ${emailError === undefined ? '' : html`aria-describedby="${errorId('email', emailError) ?? ''}"`}>
          </div>

          <div class="govuk-form-group govuk-password-input${groupClass(passwordError)}" data-module="govuk-password-input">
            <label class="govuk-label govuk-label--s" for="${FIELD_IDS.password}">Password</label>
            ${errorMessage(FIELD_IDS.password, passwordError)}
            <div class="govuk-input__wrapper govuk-password-input__wrapper">
              <input class="govuk-input govuk-password-input__input govuk-js-password-input-input${inputClass(passwordError)}"
                id="${FIELD_IDS.password}" name="password" type="password" spellcheck="false"
                autocomplete="current-password" autocapitalize="none"
                ${passwordError === undefined ? '' : html`aria-describedby="${errorId('password', passwordError) ?? ''}"`}>
              <button type="button" class="govuk-button govuk-button--secondary govuk-password-input__toggle govuk-js-password-input-toggle"
                data-module="govuk-button" aria-controls="${FIELD_IDS.password}" aria-label="Show password" hidden>Show</button>
            </div>
          </div>

          <div class="govuk-form-group${groupClass(codeError)}">
            <label class="govuk-label govuk-label--s" for="${FIELD_IDS.totpCode}">Security code</label>
            <div id="${FIELD_IDS.totpCode}-hint" class="govuk-hint">The 6-digit code shown in your authenticator app</div>
            ${errorMessage(FIELD_IDS.totpCode, codeError)}
            <input class="govuk-input govuk-input--width-5${inputClass(codeError)}" id="${FIELD_IDS.totpCode}" name="totpCode"
              type="text" inputmode="numeric" autocomplete="one-time-code" spellcheck="false" value="${state.totpCode}"
              aria-describedby="${describedBy(`${FIELD_IDS.totpCode}-hint`, errorId('totpCode', codeError))}">
          </div>

          <button type="submit" class="govuk-button" data-module="govuk-button" data-prevent-double-click="true">Sign in</button>
        </form>

        <p class="govuk-body">First time here, or your security code was reset? <a class="govuk-link" href="/set-up">Set up your account</a> with the code your ContactPoint team gave you.</p>

        <h2 class="govuk-heading-s">Problems signing in</h2>
        <p class="govuk-body">
          Contact your organisation’s ContactPoint team. They can reset your password or security code, and
          record your training and DBS check.
        </p>
      </div>
    </div>`
}

function readValues(form: HTMLFormElement): SignInValues {
  const data = new FormData(form)
  const text = (name: string) => {
    const value = data.get(name)
    return typeof value === 'string' ? value : ''
  }
  return { email: text('email'), password: text('password'), totpCode: text('totpCode') }
}

function mount(container: HTMLElement, context: RouteContext, state: FormState): void {
  setHtml(container, formMarkup(state))
  const form = requireElement(container, '#sign-in-form', HTMLFormElement)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    void submit(container, context, form)
  })
}

/** Re-render with errors: the error summary takes focus when GOV.UK Frontend initialises it. */
function showErrors(container: HTMLElement, context: RouteContext, values: SignInValues, errors: readonly FieldError[]): void {
  mount(container, context, { email: values.email, totpCode: values.totpCode, errors })
  context.setTitle(`Error: ${PAGE_TITLE}`)
  initAll({ scope: container })
}

async function submit(container: HTMLElement, context: RouteContext, form: HTMLFormElement): Promise<void> {
  const values = readValues(form)
  const errors = validateSignIn(values)
  if (errors.length > 0) {
    showErrors(container, context, values, errors)
    return
  }

  const button = requireElement(form, 'button[type="submit"]', HTMLButtonElement)
  button.disabled = true
  try {
    await gql<SignInData>(
      SIGN_IN_MUTATION,
      { email: values.email.trim(), password: values.password, totpCode: normaliseCode(values.totpCode) },
      { signal: context.signal },
    )
  } catch (error) {
    if (context.signal.aborted) return // the user has left this page
    showErrors(container, context, values, [errorFromServer(error)])
    return
  }
  const who = await refreshPerson()
  if (context.signal.aborted) return
  context.navigate(landingFor(who, context.query.get('next')))
}

export const signInView: View = (container, context) => {
  mount(container, context, { email: '', totpCode: '', errors: [] })
  return { title: PAGE_TITLE }
}
