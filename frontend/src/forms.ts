/**
 * GOV.UK form fields with their error messages, and turning API errors into the error
 * summary. Every view's form uses these so that errors look and behave the same
 * everywhere: a summary at the top linking to each field, the message on the field,
 * "Error: " in the page title (https://design-system.service.gov.uk/patterns/validation/).
 */
import { initAll } from 'govuk-frontend'
import { html, type SafeHtml } from './dom'
import { describedBy, errorMessage, errorSummary } from './govuk'
import { GraphQLRequestError } from './graphql'

/** A problem to show: `field` is the input's name (as the API names it), or null. */
export interface Problem {
  readonly field: string | null
  readonly message: string
}

export type Problems = readonly Problem[]

export function problemFor(problems: Problems, field: string): string | undefined {
  return problems.find((problem) => problem.field === field)?.message
}

/** The element id of a field: its name with dots made safe. */
export function fieldId(name: string): string {
  return `field-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`
}

/** The summary for `problems`, or nothing. Fields not on this form are listed unlinked. */
export function summary(problems: Problems, fieldsOnForm: readonly string[]): SafeHtml {
  if (problems.length === 0) return html``
  return errorSummary(
    problems.map((problem) =>
      problem.field !== null && fieldsOnForm.includes(problem.field)
        ? { text: problem.message, href: `#${fieldId(problem.field)}` }
        : { text: problem.message },
    ),
  )
}

/** A failed request as problems: the API names the field it blames, when there is one. */
export function problemsFrom(error: unknown): Problem[] {
  if (error instanceof GraphQLRequestError) {
    const field = error.field ?? null
    return [{ field, message: error.message }]
  }
  return [{ field: null, message: 'Sorry, there is a problem with the service. Try again later.' }]
}

interface FieldOptions {
  readonly name: string
  readonly label: string
  readonly hint?: string
  readonly value?: string | null
  readonly problems: Problems
  readonly type?: 'text' | 'email' | 'tel' | 'date' | 'password'
  readonly widthClass?: string
  readonly autocomplete?: string
  readonly labelClass?: string
}

function decorations(options: FieldOptions): {
  id: string
  error: string | undefined
  group: string
  aria: string
} {
  const id = fieldId(options.name)
  const error = problemFor(options.problems, options.name)
  const hintId = options.hint === undefined ? undefined : `${id}-hint`
  return {
    id,
    error,
    group: error === undefined ? 'govuk-form-group' : 'govuk-form-group govuk-form-group--error',
    aria: describedBy(hintId, error === undefined ? undefined : `${id}-error`),
  }
}

function hint(id: string, text: string | undefined): SafeHtml {
  return text === undefined ? html`` : html`<div id="${id}-hint" class="govuk-hint">${text}</div>`
}

export function textField(options: FieldOptions): SafeHtml {
  const { id, error, group, aria } = decorations(options)
  const inputClass = `govuk-input ${options.widthClass ?? ''}${error === undefined ? '' : ' govuk-input--error'}`
  return html`
    <div class="${group}">
      <label class="govuk-label ${options.labelClass ?? 'govuk-label--s'}" for="${id}">${options.label}</label>
      ${hint(id, options.hint)}
      ${errorMessage(id, error)}
      <input class="${inputClass}" id="${id}" name="${options.name}" type="${options.type ?? 'text'}"
        value="${options.value ?? ''}" spellcheck="false"
        ${options.autocomplete === undefined ? '' : html`autocomplete="${options.autocomplete}"`}
        ${aria === '' ? '' : html`aria-describedby="${aria}"`}>
    </div>`
}

export function textArea(options: FieldOptions & { readonly rows?: number }): SafeHtml {
  const { id, error, group, aria } = decorations(options)
  return html`
    <div class="${group}">
      <label class="govuk-label govuk-label--s" for="${id}">${options.label}</label>
      ${hint(id, options.hint)}
      ${errorMessage(id, error)}
      <textarea class="govuk-textarea${error === undefined ? '' : ' govuk-textarea--error'}" id="${id}"
        name="${options.name}" rows="${options.rows ?? 4}"
        ${aria === '' ? '' : html`aria-describedby="${aria}"`}>${options.value ?? ''}</textarea>
    </div>`
}

export interface Choice {
  readonly value: string
  readonly text: string
}

export function selectField(options: FieldOptions & { readonly choices: readonly Choice[] }): SafeHtml {
  const { id, error, group, aria } = decorations(options)
  return html`
    <div class="${group}">
      <label class="govuk-label govuk-label--s" for="${id}">${options.label}</label>
      ${hint(id, options.hint)}
      ${errorMessage(id, error)}
      <select class="govuk-select${error === undefined ? '' : ' govuk-select--error'}" id="${id}" name="${options.name}"
        ${aria === '' ? '' : html`aria-describedby="${aria}"`}>
        ${options.choices.map(
          (choice) =>
            html`<option value="${choice.value}" ${choice.value === (options.value ?? '') ? 'selected' : ''}>${choice.text}</option>`,
        )}
      </select>
    </div>`
}

/** Checkboxes (several values) or radios (one), as a fieldset with a legend. */
export function choiceField(
  options: FieldOptions & {
    readonly choices: readonly Choice[]
    readonly multiple: boolean
    readonly selected: readonly string[]
  },
): SafeHtml {
  const { id, error, group, aria } = decorations(options)
  const kind = options.multiple ? 'checkboxes' : 'radios'
  return html`
    <div class="${group}">
      <fieldset class="govuk-fieldset" ${aria === '' ? '' : html`aria-describedby="${aria}"`}>
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${options.label}</legend>
        ${hint(id, options.hint)}
        ${errorMessage(id, error)}
        <div class="govuk-${kind} govuk-${kind}--small" data-module="govuk-${kind}">
          ${options.choices.map(
            (choice, index) => html`
              <div class="govuk-${kind}__item">
                <input class="govuk-${kind}__input" id="${index === 0 ? id : `${id}-${index}`}" name="${options.name}"
                  type="${options.multiple ? 'checkbox' : 'radio'}" value="${choice.value}"
                  ${options.selected.includes(choice.value) ? 'checked' : ''}>
                <label class="govuk-label govuk-${kind}__label" for="${index === 0 ? id : `${id}-${index}`}">${choice.text}</label>
              </div>`,
          )}
        </div>
      </fieldset>
    </div>`
}

/** Form values by name: a single text value, or '' when absent. */
export function formText(form: HTMLFormElement, name: string): string {
  const value = new FormData(form).get(name)
  return typeof value === 'string' ? value.trim() : ''
}

export function formValues(form: HTMLFormElement, name: string): string[] {
  return new FormData(form).getAll(name).filter((value): value is string => typeof value === 'string')
}

/** `value` or null when blank: the API reads null as "not given". */
export function orNull(value: string): string | null {
  return value === '' ? null : value
}

/** After re-rendering with problems: title prefix, and GOV.UK focuses the summary. */
export function showProblems(container: HTMLElement, setTitle: (title: string) => void, title: string, problems: Problems): void {
  setTitle(problems.length > 0 ? `Error: ${title}` : title)
  initAll({ scope: container })
}

/** A date as people read it: 14 March 2015. */
export function longDate(iso: string | null | undefined): string {
  if (!iso) return ''
  const date = new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso)
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' })
}

/** A time as people read it: 14 March 2015 at 09:05. */
export function longDateTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const date = new Date(iso)
  const day = date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' })
  const time = date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' })
  return `${day} at ${time}`
}

/** Words for an API enum value: MENTAL_HEALTH → Mental health. */
export function words(value: string | null | undefined): string {
  if (!value) return ''
  const text = value.toLowerCase().replace(/_/g, ' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}
