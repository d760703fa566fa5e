/**
 * Emergency access to the authority's shielded records, for the management team to
 * review (/manage/emergency-access): each grant waiting, with who, which child, purpose,
 * reason and window, and "Justified" / "Not justified" (a note required); an unreviewed
 * grant past 3 working days is marked overdue. Then the grants already reviewed.
 */
import { graphql, request, type ResultOf } from '../../api'
import { html, requireElement, type SafeHtml } from '../../dom'
import { choiceField, formText, longDateTime, textArea, words, type Problems } from '../../forms'
import type { View } from '../../router'
import {
  fill,
  forManagers,
  gone,
  problemsOf,
  scrollingTable,
  setFlash,
  showBody,
  showProblems,
  startPage,
  successBanner,
  tag,
  takeFlash,
  type Page,
} from './common'

const GRANTS = graphql(`
  query EmergencyAccessToReview {
    waiting: emergencyAccessGrants(reviewed: false) {
      id childId childName holderName holderEmail holderOrganisation purpose reason grantedAt expiresAt open overdue
    }
    reviewed: emergencyAccessGrants(reviewed: true) {
      id childId childName holderName purpose grantedAt outcome reviewedBy reviewedAt reviewNote
    }
  }
`)

const REVIEW = graphql(`
  mutation ReviewEmergencyAccess($id: ID!, $outcome: EmergencyOutcome!, $note: String) {
    reviewEmergencyAccess(id: $id, outcome: $outcome, note: $note) { id outcome }
  }
`)

type Waiting = ResultOf<typeof GRANTS>['waiting'][number]
type Reviewed = ResultOf<typeof GRANTS>['reviewed'][number]
type Outcome = 'JUSTIFIED' | 'NOT_JUSTIFIED'

const TITLE = 'Emergency access to review'
const outcomeField = (id: string) => `outcome-${id}`
const noteField = (id: string) => `note-${id}`

interface Entered {
  readonly outcome: string
  readonly note: string
  readonly problems: Problems
}

function row(key: string, value: SafeHtml | string): SafeHtml {
  return html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt><dd class="govuk-summary-list__value">${value}</dd></div>`
}

function reviewForm(item: Waiting, entered: Entered | null): SafeHtml {
  const problems = entered?.problems ?? []
  return html`
    <form method="post" novalidate>
      ${choiceField({
        name: outcomeField(item.id),
        label: 'Was this emergency access justified?',
        choices: [
          { value: 'JUSTIFIED', text: 'Justified' },
          { value: 'NOT_JUSTIFIED', text: 'Not justified: reported as misuse' },
        ],
        multiple: false,
        selected: entered ? [entered.outcome] : [],
        problems,
      })}
      ${textArea({ name: noteField(item.id), label: 'Note', hint: 'Required when not justified: what you found.', value: entered?.note ?? '', problems, rows: 3 })}
      <button type="submit" class="govuk-button" data-module="govuk-button" data-prevent-double-click="true">Record the review<span class="govuk-visually-hidden"> of ${item.holderName}’s access to ${item.childName ?? 'this record'}</span></button>
    </form>`
}

function waitingCard(item: Waiting): SafeHtml {
  return html`
    <div class="govuk-summary-card">
      <div class="govuk-summary-card__title-wrapper">
        <h3 class="govuk-summary-card__title">${item.holderName}: ${item.childName ?? 'a shielded record'}</h3>
        ${item.overdue ? tag('Overdue', 'red') : item.open ? tag('Open now', 'orange') : tag('Ended', 'grey')}
      </div>
      <div class="govuk-summary-card__content">
        <dl class="govuk-summary-list">
          ${row('Child', item.childId ? html`<a class="govuk-link" href="/children/${encodeURIComponent(item.childId)}">${item.childName ?? item.childId}</a> (ID ${item.childId})` : 'Withheld')}
          ${row('Opened by', html`${item.holderName}, ${item.holderOrganisation}<br><span class="govuk-!-text-break-word">${item.holderEmail}</span>`)}
          ${row('Purpose', words(item.purpose))}
          ${row('Reason given', item.reason ?? 'Withheld')}
          ${row('Opened', longDateTime(item.grantedAt))}
          ${row('Until', longDateTime(item.expiresAt))}
        </dl>
        <div class="govuk-!-margin-top-6" id="review-${item.id}">${reviewForm(item, null)}</div>
      </div>
    </div>`
}

function reviewedRow(item: Reviewed): SafeHtml {
  return html`
    <tr class="govuk-table__row">
      <td class="govuk-table__cell">${item.childId ? html`<a class="govuk-link" href="/children/${encodeURIComponent(item.childId)}">${item.childName ?? item.childId}</a>` : 'Withheld'}</td>
      <td class="govuk-table__cell">${item.holderName}</td>
      <td class="govuk-table__cell">${longDateTime(item.grantedAt)}</td>
      <td class="govuk-table__cell">${item.outcome === 'JUSTIFIED' ? tag('Justified', 'green') : tag('Not justified', 'red')}</td>
      <td class="govuk-table__cell">${item.reviewedBy ?? ''}${item.reviewedAt ? html`<br>${longDateTime(item.reviewedAt)}` : ''}</td>
      <td class="govuk-table__cell">${item.reviewNote ?? ''}</td>
    </tr>`
}

function pageMarkup(waiting: readonly Waiting[], reviewed: readonly Reviewed[]): SafeHtml {
  return html`
    ${takeFlash()}
    <p class="govuk-body">
      An emergency duty worker of your authority may open a shielded record when your team cannot be reached.
      Review each one: was it needed? A grant not reviewed within 3 working days shows in the misuse reports.
    </p>
    <h2 class="govuk-heading-m">Waiting for review (${waiting.length})</h2>
    ${waiting.length === 0 ? html`<p class="govuk-body" id="emergency-empty">No emergency access is waiting for review.</p>` : waiting.map(waitingCard)}
    <h2 class="govuk-heading-m">Reviewed</h2>
    ${reviewed.length === 0
      ? html`<p class="govuk-body">No emergency access has been reviewed yet.</p>`
      : scrollingTable('Reviewed emergency access', 'Reviewed emergency access, newest first', ['Child', 'Opened by', 'Opened', 'Finding', 'Reviewed by', 'Note'], reviewed.map(reviewedRow))}
    <p class="govuk-body"><a class="govuk-link" href="/manage/shielding">Back to shielded children</a></p>`
}

function isOutcome(value: string): value is Outcome {
  return value === 'JUSTIFIED' || value === 'NOT_JUSTIFIED'
}

function wire(page: Page, item: Waiting): void {
  const slot = requireElement(page.body, `#review-${CSS.escape(item.id)}`, HTMLElement)
  const form = requireElement(slot, 'form', HTMLFormElement)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const outcome = formText(form, outcomeField(item.id))
    const note = formText(form, noteField(item.id))
    const redraw = (problems: Problems): void => {
      fill(slot, reviewForm(item, { outcome, note, problems }))
      showProblems(page, problems, [outcomeField(item.id), noteField(item.id)])
      wire(page, item)
    }
    if (!isOutcome(outcome)) {
      redraw([{ field: outcomeField(item.id), message: 'Choose whether the access was justified' }])
      return
    }
    if (outcome === 'NOT_JUSTIFIED' && note === '') {
      redraw([{ field: noteField(item.id), message: 'Say what you found: the access was not justified' }])
      return
    }
    requireElement(form, 'button[type="submit"]', HTMLButtonElement).disabled = true
    void (async () => {
      try {
        await request(REVIEW, { id: item.id, outcome, note: note || null }, { signal: page.context.signal })
      } catch (error) {
        if (!gone(page)) redraw(problemsOf(error, { outcome: outcomeField(item.id), note: noteField(item.id) }))
        return
      }
      setFlash(successBanner(`Review recorded: ${outcome === 'JUSTIFIED' ? 'justified' : 'not justified'}`))
      if (!gone(page)) page.context.navigate('/manage/emergency-access')
    })()
  })
}

export const emergencyAccessView: View = (container, context) => {
  const page = startPage(container, context, TITLE)
  forManagers(page, async () => {
    const data = await request(GRANTS, {}, { signal: context.signal })
    if (gone(page)) return
    showBody(page, pageMarkup(data.waiting, data.reviewed))
    showProblems(page, [])
    for (const item of data.waiting) wire(page, item)
  })
  return { title: TITLE }
}
