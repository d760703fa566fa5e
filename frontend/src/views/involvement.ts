/**
 * Recording and ending the caller's own involvement with a child.
 *
 * Contact details left blank are taken from the practitioner's profile by the server. A
 * sensitive service (marked in the list) needs the young person's or a parent's informed
 * consent, recorded with who gave it and when; the server refuses it otherwise.
 */
import { graphql, request, type ResultOf } from '../api'
import { html, requireElement, setHtml, type SafeHtml } from '../dom'
import {
  choiceField,
  formText,
  orNull,
  problemsFrom,
  selectField,
  showProblems,
  summary,
  textField,
  type Problems,
} from '../forms'
import type { RouteContext, View } from '../router'
import { requirePerson } from '../session'

const SERVICE_TYPES = graphql(`query ServiceTypes { serviceTypes { code label sensitive } }`)

const RECORD = graphql(`
  mutation RecordInvolvement($childId: ID!, $input: InvolvementInput!) {
    recordInvolvement(childId: $childId, input: $input) { id }
  }
`)

const END = graphql(`
  mutation EndInvolvement($id: ID!, $endDate: Date!) {
    endInvolvement(id: $id, endDate: $endDate) { id endDate }
  }
`)

type ServiceType = ResultOf<typeof SERVICE_TYPES>['serviceTypes'][number]

const RECORD_TITLE = 'Record your involvement'
const END_TITLE = 'End your involvement'
const RECORD_FIELDS = [
  'serviceType',
  'practitionerName',
  'practitionerRole',
  'phone',
  'email',
  'startDate',
  'consent',
  'consent.givenBy',
  'consent.givenOn',
]

function today(): string {
  return new Date().toISOString().slice(0, 10)
}

function childLink(childId: string): string {
  return `/children/${encodeURIComponent(childId)}`
}

interface Values {
  readonly [name: string]: string
}

function recordMarkup(childId: string, types: readonly ServiceType[], values: Values, problems: Problems): SafeHtml {
  const choices = [
    { value: '', text: 'Choose a service' },
    ...types.map((type) => ({ value: type.code, text: type.sensitive ? `${type.label} (sensitive)` : type.label })),
  ]
  const field = (name: string, label: string, extra: { hint?: string; type?: 'text' | 'email' | 'tel' | 'date' } = {}) =>
    textField({ name, label, value: values[name] ?? '', problems, ...extra })
  return html`
    <a href="${childLink(childId)}" class="govuk-back-link">Back to the record</a>
    ${summary(problems, RECORD_FIELDS)}
    <h1 class="govuk-heading-l">${RECORD_TITLE}</h1>
    <p class="govuk-body">The practitioners already involved will be told that your service is now involved.</p>
    <form id="involvement-form" novalidate>
      ${selectField({ name: 'serviceType', label: 'Service', value: values['serviceType'] ?? '', problems, choices })}
      ${field('startDate', 'Start date', { type: 'date', hint: 'Leave blank for today' })}
      <h2 class="govuk-heading-m">How others can reach you</h2>
      <p class="govuk-body">Leave these blank to use the details on your ContactPoint account.</p>
      ${field('practitionerName', 'Your name')}
      ${field('practitionerRole', 'Your role')}
      ${field('phone', 'Phone number', { type: 'tel' })}
      ${field('email', 'Email address', { type: 'email' })}
      <h2 class="govuk-heading-m">Consent for a sensitive service</h2>
      <p class="govuk-body">
        Sexual health, mental health and substance misuse services are recorded only with informed consent.
        Others will see how to contact you, but not what the service is.
      </p>
      ${choiceField({
        name: 'consent.givenBy',
        label: 'Who gave consent?',
        multiple: false,
        selected: values['consent.givenBy'] ? [values['consent.givenBy']] : [],
        problems: problems.map((problem) => (problem.field === 'consent' ? { ...problem, field: 'consent.givenBy' } : problem)),
        choices: [
          { value: 'YOUNG_PERSON', text: 'The young person' },
          { value: 'PARENT_OR_CARER', text: 'A parent or carer' },
        ],
      })}
      ${field('consent.givenOn', 'Date consent was given', { type: 'date' })}
      <button type="submit" class="govuk-button" data-module="govuk-button" data-prevent-double-click="true">Record involvement</button>
    </form>`
}

function readRecordValues(form: HTMLFormElement): Values {
  return Object.fromEntries(RECORD_FIELDS.map((name) => [name, formText(form, name)]))
}

function mountRecord(
  container: HTMLElement,
  context: RouteContext,
  childId: string,
  types: readonly ServiceType[],
  values: Values,
  problems: Problems,
): void {
  setHtml(container, recordMarkup(childId, types, values, problems))
  showProblems(container, context.setTitle, RECORD_TITLE, problems)
  const form = requireElement(container, '#involvement-form', HTMLFormElement)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const given = readRecordValues(form)
    const service = types.find((type) => type.code === given['serviceType'])
    if (service === undefined) {
      mountRecord(container, context, childId, types, given, [{ field: 'serviceType', message: 'Choose the service' }])
      return
    }
    const givenBy = given['consent.givenBy'] ?? ''
    const givenOn = given['consent.givenOn'] ?? ''
    if (service.sensitive && (givenBy === '' || givenOn === '')) {
      mountRecord(container, context, childId, types, given, [
        { field: 'consent.givenBy', message: `${service.label} is a sensitive service: say who gave consent and when` },
      ])
      return
    }
    void (async () => {
      try {
        await request(
          RECORD,
          {
            childId,
            input: {
              serviceType: service.code,
              startDate: orNull(given['startDate'] ?? ''),
              practitionerName: orNull(given['practitionerName'] ?? ''),
              practitionerRole: orNull(given['practitionerRole'] ?? ''),
              phone: orNull(given['phone'] ?? ''),
              email: orNull(given['email'] ?? ''),
              consent:
                givenBy !== '' && givenOn !== ''
                  ? { givenBy: givenBy as 'YOUNG_PERSON' | 'PARENT_OR_CARER', givenOn }
                  : null,
            },
          },
          { signal: context.signal },
        )
        if (!context.signal.aborted) context.navigate(childLink(childId))
      } catch (error) {
        if (!context.signal.aborted) mountRecord(container, context, childId, types, given, problemsFrom(error))
      }
    })()
  })
}

export const recordInvolvementView: View = (container, context) => {
  const childId = context.params['id'] ?? ''
  setHtml(container, html`<h1 class="govuk-heading-l">${RECORD_TITLE}</h1><p class="govuk-body">Loading…</p>`)
  void (async () => {
    if ((await requirePerson(container, context, ['PRACTITIONER', 'MANAGER'])) === null) return
    try {
      const data = await request(SERVICE_TYPES, {}, { signal: context.signal })
      if (!context.signal.aborted) mountRecord(container, context, childId, data.serviceTypes, {}, [])
    } catch (error) {
      if (!context.signal.aborted) {
        setHtml(container, html`<h1 class="govuk-heading-l">${RECORD_TITLE}</h1>${summary(problemsFrom(error), [])}`)
      }
    }
  })()
  return { title: RECORD_TITLE }
}

function endMarkup(childId: string, endDate: string, problems: Problems): SafeHtml {
  return html`
    <a href="${childLink(childId)}" class="govuk-back-link">Back to the record</a>
    ${summary(problems, ['endDate', 'id'])}
    <h1 class="govuk-heading-l">${END_TITLE}</h1>
    <p class="govuk-body">The involvement stays on the record as history, with your name as the person who ended it.</p>
    <form id="end-form" novalidate>
      ${textField({ name: 'endDate', label: 'End date', type: 'date', value: endDate, problems })}
      <button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button">End involvement</button>
      <a class="govuk-link govuk-!-margin-left-3" href="${childLink(childId)}">Cancel</a>
    </form>`
}

function mountEnd(container: HTMLElement, context: RouteContext, childId: string, involvementId: string, endDate: string, problems: Problems): void {
  setHtml(container, endMarkup(childId, endDate, problems))
  showProblems(container, context.setTitle, END_TITLE, problems)
  const form = requireElement(container, '#end-form', HTMLFormElement)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const chosen = formText(form, 'endDate')
    if (chosen === '') {
      mountEnd(container, context, childId, involvementId, chosen, [{ field: 'endDate', message: 'Enter the date the involvement ended' }])
      return
    }
    void (async () => {
      try {
        await request(END, { id: involvementId, endDate: chosen }, { signal: context.signal })
        if (!context.signal.aborted) context.navigate(childLink(childId))
      } catch (error) {
        if (!context.signal.aborted) mountEnd(container, context, childId, involvementId, chosen, problemsFrom(error))
      }
    })()
  })
}

export const endInvolvementView: View = (container, context) => {
  const childId = context.params['id'] ?? ''
  const involvementId = context.params['involvement'] ?? ''
  setHtml(container, html`<h1 class="govuk-heading-l">${END_TITLE}</h1>`)
  void (async () => {
    if ((await requirePerson(container, context, ['PRACTITIONER', 'MANAGER'])) === null) return
    mountEnd(container, context, childId, involvementId, today(), [])
  })()
  return { title: END_TITLE }
}
