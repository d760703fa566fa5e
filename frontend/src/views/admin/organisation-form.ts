/** Adding an organisation, and changing its name or ContactPoint team contact. */
import { request, type VariablesOf } from '../../api'
import { html, requireElement, type SafeHtml } from '../../dom'
import { formText, selectField, textField, type Problem, type Problems } from '../../forms'
import { requirePerson } from '../../session'
import { backToOrganisations, organisationLinks } from './organisation-links'
import {
  CREATE_ORGANISATION,
  findOrganisation,
  kindChoices,
  kindName,
  parseKind,
  UPDATE_ORGANISATION,
  type OrganisationDetail,
} from './organisations-api'
import { flashNext, nothingHere, showBody, showFailure, showProblems, type Frame } from './page'

const ADD_FIELDS = ['code', 'name', 'kind', 'parentCode'] as const
const CHANGE_FIELDS = ['name', 'teamName', 'teamPhone', 'teamEmail'] as const

type AddValues = Readonly<Record<(typeof ADD_FIELDS)[number], string>>
type ChangeValues = Readonly<Record<(typeof CHANGE_FIELDS)[number], string>>

function buttons(submit: string): SafeHtml {
  return html`
    <div class="govuk-button-group">
      <button type="submit" class="govuk-button" data-module="govuk-button" data-prevent-double-click="true">${submit}</button>
      <a class="govuk-link" href="${backToOrganisations.href}">Cancel</a>
    </div>`
}

function addForm(values: AddValues, problems: Problems): SafeHtml {
  return html`
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <form id="organisation-form" novalidate>
          ${textField({ name: 'code', label: 'Code', value: values.code, problems, widthClass: 'govuk-input--width-20', hint: '2 to 32 capital letters, digits, hyphens or underscores. A local authority’s code is its ONS code, like E08000035.' })}
          ${textField({ name: 'name', label: 'Name', value: values.name, problems, autocomplete: 'organization' })}
          ${selectField({ name: 'kind', label: 'Kind', value: values.kind, problems, choices: kindChoices('Choose a kind') })}
          ${textField({ name: 'parentCode', label: 'Local authority code (optional)', value: values.parentCode, problems, widthClass: 'govuk-input--width-20', hint: 'The local authority whose area it works in, like E08000035' })}
          ${buttons('Add organisation')}
        </form>
      </div>
    </div>`
}

export function addProblems(values: AddValues): Problem[] {
  const problems: Problem[] = []
  if (values.code === '') problems.push({ field: 'code', message: 'Enter the organisation’s code' })
  if (values.name === '') problems.push({ field: 'name', message: 'Enter the organisation’s name' })
  if (parseKind(values.kind) === null) problems.push({ field: 'kind', message: 'Choose what kind of organisation it is' })
  return problems
}

function readAdd(form: HTMLFormElement): AddValues {
  return {
    code: formText(form, 'code').toUpperCase(),
    name: formText(form, 'name'),
    kind: formText(form, 'kind'),
    parentCode: formText(form, 'parentCode').toUpperCase(),
  }
}

function renderAdd(frame: Frame, values: AddValues, problems: Problems): void {
  showBody(frame, addForm(values, problems))
  const form = requireElement(frame.body, '#organisation-form', HTMLFormElement)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    void submitAdd(frame, readAdd(form))
  })
}

async function submitAdd(frame: Frame, values: AddValues): Promise<void> {
  const kind = parseKind(values.kind)
  const problems = addProblems(values)
  if (problems.length > 0 || kind === null) {
    showProblems(frame, problems, ADD_FIELDS)
    renderAdd(frame, values, problems)
    return
  }
  try {
    const input = { code: values.code, name: values.name, kind, parentCode: values.parentCode === '' ? null : values.parentCode }
    const made = await request(CREATE_ORGANISATION, { input }, { signal: frame.context.signal })
    flashNext(`${made.createOrganisation.name} (${made.createOrganisation.code}) has been added`)
    frame.context.navigate(organisationLinks.list(made.createOrganisation.code))
  } catch (error) {
    const failed = showFailure(frame, error, ADD_FIELDS)
    if (failed.length > 0) renderAdd(frame, values, failed)
  }
}

export async function addOrganisation(frame: Frame): Promise<void> {
  if ((await requirePerson(frame.container, frame.context, ['ADMINISTRATOR'])) === null) return
  renderAdd(frame, { code: '', name: '', kind: '', parentCode: '' }, [])
}

// --- changing ------------------------------------------------------------------------

function changeForm(organisation: OrganisationDetail, values: ChangeValues, problems: Problems): SafeHtml {
  return html`
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <dl class="govuk-summary-list">
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">Code</dt>
            <dd class="govuk-summary-list__value">${organisation.code}</dd>
          </div>
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">Kind</dt>
            <dd class="govuk-summary-list__value">${kindName(organisation.kind)}</dd>
          </div>
        </dl>
        <form id="organisation-form" novalidate>
          ${textField({ name: 'name', label: 'Name', value: values.name, problems, autocomplete: 'organization' })}
          <h2 class="govuk-heading-m">ContactPoint team</h2>
          <p class="govuk-body">Practitioners see this contact when a record is shielded or they need help.</p>
          ${textField({ name: 'teamName', label: 'Team name', value: values.teamName, problems })}
          ${textField({ name: 'teamPhone', label: 'Team phone number', type: 'tel', value: values.teamPhone, problems, widthClass: 'govuk-input--width-20', autocomplete: 'tel' })}
          ${textField({ name: 'teamEmail', label: 'Team email address', type: 'email', value: values.teamEmail, problems, autocomplete: 'email' })}
          ${buttons('Save changes')}
        </form>
      </div>
    </div>`
}

function current(organisation: OrganisationDetail): ChangeValues {
  return {
    name: organisation.name,
    teamName: organisation.teamName ?? '',
    teamPhone: organisation.teamPhone ?? '',
    teamEmail: organisation.teamEmail ?? '',
  }
}

/** The details that changed (an emptied team contact as null, which removes it), and problems. */
export function changes(before: ChangeValues, after: ChangeValues): { input: VariablesOf<typeof UPDATE_ORGANISATION>['input']; problems: Problem[] } {
  const input: Record<string, string | null> = {}
  const problems: Problem[] = []
  for (const field of CHANGE_FIELDS) {
    if (after[field] === before[field]) continue
    // An emptied team contact is removed (null); an organisation always has a name.
    if (after[field] === '' && field === 'name') problems.push({ field, message: 'Enter the organisation’s name' })
    else input[field] = after[field] === '' ? null : after[field]
  }
  if (problems.length === 0 && Object.keys(input).length === 0) {
    problems.push({ field: 'name', message: 'Change at least one detail, or cancel' })
  }
  return { input, problems }
}

function renderChange(frame: Frame, organisation: OrganisationDetail, values: ChangeValues, problems: Problems): void {
  showBody(frame, changeForm(organisation, values, problems))
  const form = requireElement(frame.body, '#organisation-form', HTMLFormElement)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const after: ChangeValues = {
      name: formText(form, 'name'),
      teamName: formText(form, 'teamName'),
      teamPhone: formText(form, 'teamPhone'),
      teamEmail: formText(form, 'teamEmail'),
    }
    void submitChange(frame, organisation, after)
  })
}

async function submitChange(frame: Frame, organisation: OrganisationDetail, values: ChangeValues): Promise<void> {
  const { input, problems } = changes(current(organisation), values)
  if (problems.length > 0) {
    showProblems(frame, problems, CHANGE_FIELDS)
    renderChange(frame, organisation, values, problems)
    return
  }
  try {
    const saved = await request(UPDATE_ORGANISATION, { code: organisation.code, input }, { signal: frame.context.signal })
    flashNext(`${saved.updateOrganisation.name} (${saved.updateOrganisation.code}) has been changed`)
    frame.context.navigate(organisationLinks.list(saved.updateOrganisation.code))
  } catch (error) {
    const failed = showFailure(frame, error, CHANGE_FIELDS)
    if (failed.length > 0) renderChange(frame, organisation, values, failed)
  }
}

export async function changeOrganisation(frame: Frame, code: string): Promise<void> {
  if ((await requirePerson(frame.container, frame.context, ['ADMINISTRATOR'])) === null) return
  let organisation: OrganisationDetail | null
  try {
    organisation = code === '' ? null : await findOrganisation(code, frame.context.signal)
  } catch (error) {
    if (showFailure(frame, error).length > 0) showBody(frame, html``)
    return
  }
  if (frame.context.signal.aborted) return
  if (organisation === null) {
    nothingHere(frame, 'No organisation has that code.', backToOrganisations)
    return
  }
  renderChange(frame, organisation, current(organisation), [])
}
