/** Adding a partner API client: its organisation, a name and the fields it may read. */
import { request } from '../../api'
import { html, requireElement, type SafeHtml } from '../../dom'
import { choiceField, formText, formValues, textField, type Problem, type Problems } from '../../forms'
import { requirePerson } from '../../session'
import { apiClientLinks } from './api-client-links'
import { showToken } from './api-client-token'
import { CREATE_API_CLIENT, GRANTABLE_FIELDS } from './api-clients-api'
import { showBody, showFailure, showProblems, type Frame } from './page'

const FIELDS = ['organisationCode', 'name', 'fields'] as const

interface Values {
  readonly organisationCode: string
  readonly name: string
  readonly fields: readonly string[]
}

function form(values: Values, problems: Problems): SafeHtml {
  return html`
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <p class="govuk-body">
          The partner’s system reads children’s records through the API with a token. It sees only the fields
          chosen here, and never shielded details or sensitive services.
        </p>
        <form id="api-client-form" novalidate>
          ${textField({ name: 'organisationCode', label: 'Organisation code', value: values.organisationCode, problems, widthClass: 'govuk-input--width-20', hint: 'The partner organisation’s code, like BARNARDOS' })}
          ${textField({ name: 'name', label: 'Name of the system', value: values.name, problems, hint: 'So that you and the partner can tell its clients apart, like “Case management – live”' })}
          ${choiceField({
            name: 'fields',
            label: 'Fields it may read',
            hint: 'Choose only the fields the partner needs.',
            problems,
            multiple: true,
            selected: values.fields,
            choices: GRANTABLE_FIELDS.map(([value, text]) => ({ value, text: `${text} (${value})` })),
          })}
          <div class="govuk-button-group">
            <button type="submit" class="govuk-button" data-module="govuk-button" data-prevent-double-click="true">Add partner client</button>
            <a class="govuk-link" href="${apiClientLinks.list()}">Cancel</a>
          </div>
        </form>
      </div>
    </div>`
}

export function clientProblems(values: Values): Problem[] {
  const problems: Problem[] = []
  if (values.organisationCode === '') problems.push({ field: 'organisationCode', message: 'Enter the partner organisation’s code' })
  if (values.name === '') problems.push({ field: 'name', message: 'Enter a name for the system' })
  if (values.fields.length === 0) problems.push({ field: 'fields', message: 'Choose at least one field it may read' })
  return problems
}

function render(frame: Frame, values: Values, problems: Problems): void {
  showBody(frame, form(values, problems))
  const element = requireElement(frame.body, '#api-client-form', HTMLFormElement)
  element.addEventListener('submit', (event) => {
    event.preventDefault()
    void submit(frame, {
      organisationCode: formText(element, 'organisationCode').toUpperCase(),
      name: formText(element, 'name'),
      fields: formValues(element, 'fields'),
    })
  })
}

async function submit(frame: Frame, values: Values): Promise<void> {
  const problems = clientProblems(values)
  if (problems.length > 0) {
    showProblems(frame, problems, FIELDS)
    render(frame, values, problems)
    return
  }
  try {
    const issued = await request(
      CREATE_API_CLIENT,
      { organisationCode: values.organisationCode, name: values.name, fields: [...values.fields] },
      { signal: frame.context.signal },
    )
    if (frame.context.signal.aborted) return
    showToken(frame.container, frame.context, issued.createApiClient, 'Partner client added')
  } catch (error) {
    const failed = showFailure(frame, error, FIELDS)
    if (failed.length > 0) render(frame, values, failed)
  }
}

export async function addApiClient(frame: Frame): Promise<void> {
  if ((await requirePerson(frame.container, frame.context, ['ADMINISTRATOR'])) === null) return
  render(frame, { organisationCode: '', name: '', fields: [] }, [])
}
