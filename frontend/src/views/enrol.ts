/**
 * First sign-in (or after a reset of the second factor): with the one-time set-up code
 * from their ContactPoint team, a person chooses a password and gets the authenticator
 * to enrol, shown once as a QR code and as text, then signs in with a code from it.
 */
import QRCode from 'qrcode'
import { graphql, request } from '../api'
import { html, requireElement, setHtml, type SafeHtml } from '../dom'
import { formText, problemsFrom, showProblems, summary, textField, type Problems } from '../forms'
import type { RouteContext, View } from '../router'

const ENROL = graphql(`
  mutation CompleteEnrolment($email: String!, $enrolmentCode: String!, $password: String!) {
    completeEnrolment(email: $email, enrolmentCode: $enrolmentCode, password: $password) {
      totpSecret
      provisioningUri
    }
  }
`)

const TITLE = 'Set up your account'
const FIELDS = ['email', 'enrolmentCode', 'password', 'confirmPassword']
const MIN_PASSWORD = 12

function formMarkup(email: string, problems: Problems): SafeHtml {
  return html`
    ${summary(problems, FIELDS)}
    <h1 class="govuk-heading-l">${TITLE}</h1>
    <p class="govuk-body">Use the set-up code your organisation’s ContactPoint team gave you. It works once, for 7 days.</p>
    <form id="enrol-form" novalidate>
      ${textField({ name: 'email', label: 'Email address', type: 'email', value: email, problems, autocomplete: 'username' })}
      ${textField({ name: 'enrolmentCode', label: 'Set-up code', problems, autocomplete: 'off' })}
      ${textField({
        name: 'password',
        label: 'Password',
        hint: `First sign-in: choose one, at least ${MIN_PASSWORD} characters (a few unrelated words make a good one). If your security code was reset: your current password.`,
        type: 'password',
        problems,
        autocomplete: 'new-password',
      })}
      ${textField({ name: 'confirmPassword', label: 'Type the password again', type: 'password', problems, autocomplete: 'new-password' })}
      <button type="submit" class="govuk-button" data-module="govuk-button" data-prevent-double-click="true">Continue</button>
    </form>`
}

function enrolledMarkup(secret: string): SafeHtml {
  return html`
    <h1 class="govuk-heading-l">Add ContactPoint to your authenticator app</h1>
    <p class="govuk-body">Scan this QR code with your authenticator app. It is shown only now.</p>
    <canvas id="totp-qr" role="img" aria-label="QR code for your authenticator app"></canvas>
    <p class="govuk-body">If you cannot scan it, enter this key in the app:</p>
    <p class="govuk-body govuk-!-font-weight-bold" id="totp-secret">${secret.replace(/(.{4})/g, '$1 ').trim()}</p>
    <a class="govuk-button" data-module="govuk-button" href="/sign-in">Continue to sign in</a>`
}

function mount(container: HTMLElement, context: RouteContext, email: string, problems: Problems): void {
  setHtml(container, formMarkup(email, problems))
  showProblems(container, context.setTitle, TITLE, problems)
  const form = requireElement(container, '#enrol-form', HTMLFormElement)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const values = Object.fromEntries(FIELDS.map((name) => [name, formText(form, name)]))
    const found: Problems = [
      ...(values['email'] ? [] : [{ field: 'email', message: 'Enter your email address' }]),
      ...(values['enrolmentCode'] ? [] : [{ field: 'enrolmentCode', message: 'Enter the set-up code' }]),
      ...((values['password'] ?? '').length >= MIN_PASSWORD
        ? []
        : [{ field: 'password', message: `Password must be at least ${MIN_PASSWORD} characters` }]),
      ...(values['password'] === values['confirmPassword']
        ? []
        : [{ field: 'confirmPassword', message: 'The passwords do not match' }]),
    ]
    if (found.length > 0) {
      mount(container, context, values['email'] ?? '', found)
      return
    }
    void (async () => {
      try {
        const data = await request(
          ENROL,
          { email: values['email'] ?? '', enrolmentCode: values['enrolmentCode'] ?? '', password: values['password'] ?? '' },
          { signal: context.signal },
        )
        if (context.signal.aborted) return
        const { totpSecret, provisioningUri } = data.completeEnrolment
        setHtml(container, enrolledMarkup(totpSecret))
        context.setTitle('Add ContactPoint to your authenticator app')
        await QRCode.toCanvas(requireElement(container, '#totp-qr', HTMLCanvasElement), provisioningUri, { width: 220 })
      } catch (error) {
        if (!context.signal.aborted) mount(container, context, values['email'] ?? '', problemsFrom(error))
      }
    })()
  })
}

export const enrolView: View = (container, context) => {
  mount(container, context, context.query.get('email') ?? '', [])
  return { title: TITLE }
}
