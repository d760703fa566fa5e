/**
 * Feed records the matching could not decide alone: each incoming record beside its
 * candidate children, field by field, with how far each field agrees, and one decision
 * per record (the same child as a candidate, or a different child). Withheld values say
 * so, with the reason: a shielded candidate's whereabouts reach only its own team.
 */
import { graphql, request, type ResultOf } from '../../api'
import { html, requireElement, type SafeHtml } from '../../dom'
import { choiceField, formText, longDate, longDateTime, words, type Problems } from '../../forms'
import type { View } from '../../router'
import {
  fill,
  forManagers,
  gone,
  problemsOf,
  setFlash,
  showBody,
  showProblems,
  startPage,
  successBanner,
  tag,
  takeFlash,
  type Page,
  type TagColour,
} from './common'

const REVIEWS = graphql(`
  query MatchReviewsToDecide {
    matchReviews(status: PENDING, first: 20) {
      nextCursor
      reviews {
        id
        sourceName
        sourceRecordId
        receivedAt
        incoming {
          givenNames
          familyName
          previousFamilyName
          dateOfBirth
          gender
          address { line1 line2 town postcode }
          nhsNumber
          upn
          withheld { field reason }
        }
        candidates {
          childId
          givenNames
          familyName
          otherNames
          dateOfBirth
          gender
          shielded
          address { line1 line2 town postcode }
          nhsNumber
          upn
          strength
          agreements { field agreement withheldReason }
          withheld { field reason }
        }
      }
    }
  }
`)

const RESOLVE = graphql(`
  mutation ResolveMatchReview($id: ID!, $decision: MatchDecision!, $childId: ID) {
    resolveMatchReview(id: $id, decision: $decision, childId: $childId) { id decidedChildId }
  }
`)

type Review = ResultOf<typeof REVIEWS>['matchReviews']['reviews'][number]
type Candidate = Review['candidates'][number]
type Incoming = Review['incoming']
type Reason = Incoming['withheld'][number]['reason']
type Address = Incoming['address']

const TITLE = 'Feed records to review'
const DIFFERENT = 'DIFFERENT_CHILD'

const REASONS: Readonly<Record<Reason, string>> = {
  SHIELDED: 'the child is shielded',
  ROLE: 'your role does not include it',
  SCOPE: 'your access does not include it',
  CONSENT: 'it is a sensitive service recorded with consent',
  SUMMARY: 'not shown here',
}

const AGREEMENT: Readonly<Record<string, readonly [string, TagColour]>> = {
  AGREES: ['Agrees', 'green'],
  CLOSE: ['Close', 'yellow'],
  DIFFERENT: ['Different', 'red'],
  MISSING: ['Missing', 'grey'],
}

const STRENGTH: Readonly<Record<string, string>> = {
  STRONG: 'Strong match',
  POSSIBLE: 'Possible match',
  WEAK: 'Weak match',
}

/** The rows compared: label, the API's field name (for withheld and agreement), values. */
interface Line {
  readonly label: string
  readonly field: string
  readonly agreement?: string
  readonly incoming: (record: Incoming) => string | null
  readonly candidate: (child: Candidate) => string | null
}

function address(value: Address | null | undefined): string | null {
  if (!value) return null
  const parts = [value.line1, value.line2, value.town, value.postcode].filter((part) => part)
  return parts.length > 0 ? parts.join(', ') : null
}

const LINES: readonly Line[] = [
  { label: 'Given names', field: 'givenNames', agreement: 'givenNames', incoming: (r) => r.givenNames, candidate: (c) => c.givenNames },
  { label: 'Family name', field: 'familyName', agreement: 'familyName', incoming: (r) => r.familyName, candidate: (c) => c.familyName },
  { label: 'Other names', field: 'otherNames', incoming: (r) => r.previousFamilyName ?? null, candidate: (c) => (c.otherNames.length > 0 ? c.otherNames.join(', ') : null) },
  { label: 'Date of birth', field: 'dateOfBirth', agreement: 'dateOfBirth', incoming: (r) => longDate(r.dateOfBirth), candidate: (c) => longDate(c.dateOfBirth) },
  { label: 'Gender', field: 'gender', agreement: 'gender', incoming: (r) => words(r.gender), candidate: (c) => words(c.gender) },
  { label: 'Address', field: 'address', agreement: 'postcode', incoming: (r) => address(r.address), candidate: (c) => address(c.address) },
  { label: 'NHS number', field: 'nhsNumber', incoming: (r) => r.nhsNumber ?? null, candidate: (c) => c.nhsNumber ?? null },
  { label: 'UPN', field: 'upn', incoming: (r) => r.upn ?? null, candidate: (c) => c.upn ?? null },
]

function reasonOf(withheld: readonly { field: string; reason: Reason }[], field: string): Reason | undefined {
  return withheld.find((item) => item.field === field)?.reason
}

function value(shown: string | null, reason: Reason | undefined): SafeHtml {
  if (reason !== undefined) return html`<span class="govuk-hint">Withheld: ${REASONS[reason]}</span>`
  return shown === null ? html`<span class="govuk-hint">Not given</span>` : html`${shown}`
}

function agreementTag(child: Candidate, line: Line): SafeHtml {
  if (line.agreement === undefined) return html``
  const found = child.agreements.find((item) => item.field === line.agreement)
  if (!found) return html``
  if (found.agreement === null || found.agreement === undefined) {
    return html`<br><span class="govuk-hint govuk-!-font-size-16">Agreement withheld</span>`
  }
  const [text, colour] = AGREEMENT[found.agreement] ?? [words(found.agreement), 'grey']
  return html`<br>${tag(text, colour)}`
}

function candidateHeader(child: Candidate, index: number): SafeHtml {
  const strength = child.strength ? STRENGTH[child.strength] : null
  return html`Candidate ${index + 1}<br><a class="govuk-link" href="/children/${encodeURIComponent(child.childId)}">${child.childId}</a>${strength ? html`<br><span class="govuk-!-font-weight-regular">${strength}</span>` : ''}${child.shielded ? html`<br>${tag('Shielded', 'red')}` : ''}`
}

function comparison(review: Review): SafeHtml {
  const record = review.incoming
  return html`
    <div class="cp-table-scroll" tabindex="0" role="region" aria-label="Record ${review.sourceRecordId} beside its candidates">
      <table class="govuk-table">
        <caption class="govuk-table__caption govuk-table__caption--s">The incoming record beside each candidate, field by field</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <td class="govuk-table__header"><span class="govuk-visually-hidden">Field</span></td>
            <th scope="col" class="govuk-table__header">Incoming record</th>
            ${review.candidates.map((child, index) => html`<th scope="col" class="govuk-table__header">${candidateHeader(child, index)}</th>`)}
          </tr>
        </thead>
        <tbody class="govuk-table__body">
          ${LINES.map(
            (line) => html`
              <tr class="govuk-table__row">
                <th scope="row" class="govuk-table__header">${line.label}</th>
                <td class="govuk-table__cell">${value(line.incoming(record), reasonOf(record.withheld, line.field))}</td>
                ${review.candidates.map(
                  (child) => html`<td class="govuk-table__cell">${value(line.candidate(child), reasonOf(child.withheld, line.field))}${agreementTag(child, line)}</td>`,
                )}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`
}

const decisionField = (id: string) => `decision-${id}`

function decisionForm(review: Review, problems: Problems, selected: string): SafeHtml {
  const choices = [
    ...review.candidates.map((child, index) => ({
      value: child.childId,
      text: `The same child as candidate ${index + 1} (${child.childId}): update that record`,
    })),
    { value: DIFFERENT, text: 'A different child: add a new record' },
  ]
  return html`
    <form method="post" novalidate>
      ${choiceField({ name: decisionField(review.id), label: 'Which child is this record?', hint: 'Compare the fields above. If you are not sure, leave it for now.', choices, multiple: false, selected: selected === '' ? [] : [selected], problems })}
      <button type="submit" class="govuk-button" data-module="govuk-button" data-prevent-double-click="true">Confirm decision<span class="govuk-visually-hidden"> about record ${review.sourceRecordId}</span></button>
    </form>`
}

function reviewCard(review: Review): SafeHtml {
  const record = review.incoming
  return html`
    <div class="govuk-summary-card">
      <div class="govuk-summary-card__title-wrapper">
        <h3 class="govuk-summary-card__title">${record.givenNames} ${record.familyName}, born ${longDate(record.dateOfBirth)}</h3>
      </div>
      <div class="govuk-summary-card__content">
        <p class="govuk-body">From ${review.sourceName} (their record ${review.sourceRecordId}), received ${longDateTime(review.receivedAt)}.</p>
        ${comparison(review)}
        <div id="decide-${review.id}">${decisionForm(review, [], '')}</div>
      </div>
    </div>`
}

function pageMarkup(reviews: readonly Review[], more: boolean): SafeHtml {
  return html`
    ${takeFlash()}
    <p class="govuk-body">
      These records came from a data feed and look like a child already in the directory, but not surely enough to update that child's record.
      Decide whether each is the same child as a candidate, or a different child.
    </p>
    <h2 class="govuk-heading-m">Waiting for a decision (${reviews.length}${more ? ' shown, more waiting' : ''})</h2>
    ${reviews.length === 0 ? html`<p class="govuk-body" id="reviews-empty">No feed records are waiting for a decision.</p>` : reviews.map(reviewCard)}`
}

async function decide(page: Page, review: Review, choice: string): Promise<void> {
  const different = choice === DIFFERENT
  const result = await request(
    RESOLVE,
    { id: review.id, decision: different ? 'DIFFERENT_CHILD' : 'SAME_CHILD', childId: different ? null : choice },
    { signal: page.context.signal },
  )
  const child = result.resolveMatchReview.decidedChildId ?? ''
  const heading = different ? 'A new record was added' : 'The record was updated'
  setFlash(
    successBanner(
      heading,
      html`<p class="govuk-body">Record ${review.sourceRecordId} from ${review.sourceName} now belongs to <a class="govuk-link" href="/children/${encodeURIComponent(child)}">${child}</a>.</p>`,
    ),
  )
}

function wire(page: Page, review: Review): void {
  const slot = requireElement(page.body, `#decide-${CSS.escape(review.id)}`, HTMLElement)
  const form = requireElement(slot, 'form', HTMLFormElement)
  const field = decisionField(review.id)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const choice = formText(form, field)
    const redraw = (problems: Problems): void => {
      fill(slot, decisionForm(review, problems, choice))
      showProblems(page, problems, [field])
      wire(page, review)
    }
    if (choice === '') {
      redraw([{ field, message: 'Choose which child this record is' }])
      return
    }
    requireElement(form, 'button[type="submit"]', HTMLButtonElement).disabled = true
    void (async () => {
      try {
        await decide(page, review, choice)
      } catch (error) {
        if (!gone(page)) redraw(problemsOf(error, { decision: field, childId: field, id: field }))
        return
      }
      if (!gone(page)) page.context.navigate('/manage/match-reviews')
    })()
  })
}

export const matchReviewsView: View = (container, context) => {
  const page = startPage(container, context, TITLE)
  forManagers(page, async () => {
    const data = await request(REVIEWS, {}, { signal: context.signal })
    if (gone(page)) return
    const { reviews, nextCursor } = data.matchReviews
    showBody(page, pageMarkup(reviews, nextCursor !== null && nextCursor !== undefined))
    showProblems(page, [])
    for (const review of reviews) wire(page, review)
  })
  return { title: TITLE }
}
