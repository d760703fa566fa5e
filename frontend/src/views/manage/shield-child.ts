/**
 * The "Shield a child" form of the shielding workbench: ContactPoint ID, reason, review
 * date and a note (required for "Other"). Only the management team of the child's
 * responsible authority (or an administrator) may shield; the server says so otherwise.
 */
import { graphql, request, type VariablesOf } from '../../api'
import { html, requireElement, type SafeHtml } from '../../dom'
import { choiceField, formText, longDate, orNull, textArea, textField, type Problem, type Problems } from '../../forms'
import { gone, problemsOf, setFlash, successBanner, type Page } from './common'

const SHIELD = graphql(`
  mutation ShieldChild($childId: ID!, $reason: ShieldingReason!, $reviewDate: Date!, $note: String) {
    shieldChild(childId: $childId, reason: $reason, reviewDate: $reviewDate, note: $note) {
      id
      givenNames
      familyName
    }
  }
`)

export type ShieldingReason = VariablesOf<typeof SHIELD>['reason']

export const REASON_LABELS: Readonly<Record<ShieldingReason, string>> = {
  DOMESTIC_VIOLENCE: 'Fleeing domestic violence',
  WITNESS_PROTECTION: 'Witness protection',
  ADOPTION: 'Adoption',
  OTHER: 'Other',
}

function isReason(value: string): value is ShieldingReason {
  return value in REASON_LABELS
}

export const SHIELD_FIELDS = ['childId', 'reason', 'reviewDate', 'note']

export interface ShieldValues {
  readonly childId: string
  readonly reason: string
  readonly reviewDate: string
  readonly note: string
}

export const NO_SHIELD_VALUES: ShieldValues = { childId: '', reason: '', reviewDate: '', note: '' }

/** Quick checks before asking the server, which decides. */
export function checkShield(values: ShieldValues): Problem[] {
  const problems: Problem[] = []
  if (values.childId === '') problems.push({ field: 'childId', message: 'Enter the child’s ContactPoint ID' })
  if (!isReason(values.reason)) problems.push({ field: 'reason', message: 'Select why the child needs shielding' })
  if (values.reviewDate === '') problems.push({ field: 'reviewDate', message: 'Enter the date shielding should be reviewed' })
  if (values.reason === 'OTHER' && values.note === '') {
    problems.push({ field: 'note', message: 'Say why in the note when the reason is Other' })
  }
  return problems
}

export function shieldForm(values: ShieldValues, problems: Problems): SafeHtml {
  return html`
    <h2 class="govuk-heading-m" id="shield-heading">Shield a child</h2>
    <p class="govuk-body">
      Everyone outside your team will then see only the child’s identity and whom to contact. You can shield only
      children your authority is responsible for.
    </p>
    <form id="shield-form" method="post" novalidate>
      ${textField({ name: 'childId', label: 'ContactPoint ID', hint: '12 digits, as shown on the child’s record', value: values.childId, problems, widthClass: 'govuk-input--width-20' })}
      ${choiceField({
        name: 'reason',
        label: 'Why does the child need shielding?',
        multiple: false,
        selected: [values.reason],
        problems,
        choices: Object.entries(REASON_LABELS).map(([value, text]) => ({ value, text })),
      })}
      ${textField({ name: 'reviewDate', label: 'Review date', hint: 'When your team should check shielding is still needed', type: 'date', value: values.reviewDate, problems, widthClass: 'govuk-input--width-10' })}
      ${textArea({ name: 'note', label: 'Note (required for Other)', hint: 'Why the child is shielded. Do not include where the child lives.', value: values.note, problems, rows: 3 })}
      <button type="submit" class="govuk-button" data-module="govuk-button" data-prevent-double-click="true">Shield child</button>
    </form>`
}

function readValues(form: HTMLFormElement): ShieldValues {
  return {
    childId: formText(form, 'childId').replace(/\s+/g, ''),
    reason: formText(form, 'reason'),
    reviewDate: formText(form, 'reviewDate'),
    note: formText(form, 'note'),
  }
}

/**
 * Wire the form: problems re-render it through `redraw`; once shielded, the workbench
 * opens afresh (unfiltered) with a success message, so the child is in the list.
 */
export function wireShieldForm(page: Page, redraw: (values: ShieldValues, problems: Problems) => void): void {
  const form = requireElement(page.body, '#shield-form', HTMLFormElement)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const values = readValues(form)
    const checked = checkShield(values)
    if (checked.length > 0 || !isReason(values.reason)) {
      redraw(values, checked)
      return
    }
    const reason = values.reason
    requireElement(form, 'button[type="submit"]', HTMLButtonElement).disabled = true
    void (async () => {
      try {
        const data = await request(
          SHIELD,
          { childId: values.childId, reason, reviewDate: values.reviewDate, note: orNull(values.note) },
          { signal: page.context.signal },
        )
        if (gone(page)) return
        const child = data.shieldChild
        const name = `${child.givenNames ?? ''} ${child.familyName ?? ''}`.trim() || child.id
        setFlash(successBanner(`${name} is now shielded`, html`<p class="govuk-body">Review by ${longDate(values.reviewDate)}.</p>`))
        page.context.navigate('/manage/shielding')
      } catch (error) {
        if (gone(page)) return
        redraw(values, problemsOf(error))
      }
    })()
  })
}
