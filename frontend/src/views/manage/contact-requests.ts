/**
 * Practitioners' requests to be put in touch about the authority's shielded children:
 * those waiting, each with "Accept" (optional note) and "Decline" (reason required),
 * then those already answered. The requester is told either way.
 */
import { graphql, request, type ResultOf } from '../../api'
import { html, requireElement, type SafeHtml } from '../../dom'
import { formText, longDate, longDateTime, textArea, type Problems } from '../../forms'
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

const REQUESTS = graphql(`
  query ContactRequestsToAnswer {
    contactRequests {
      id
      childId
      childName
      requesterName
      requesterEmail
      requesterPhone
      requesterOrganisation
      message
      status
      decidedBy
      decidedAt
      decisionNote
      createdAt
    }
  }
`)

const ACCEPT = graphql(`
  mutation AcceptContactRequest($id: ID!, $note: String) {
    acceptContactRequest(id: $id, note: $note) { id status }
  }
`)

const DECLINE = graphql(`
  mutation DeclineContactRequest($id: ID!, $reason: String!) {
    declineContactRequest(id: $id, reason: $reason) { id status }
  }
`)

type ContactRequest = ResultOf<typeof REQUESTS>['contactRequests'][number]
type Answer = 'accept' | 'decline'

const TITLE = 'Requests to be put in touch'

/** Input names per request: several requests' forms share the page. */
const noteField = (id: string) => `note-${id}`
const reasonField = (id: string) => `reason-${id}`

interface Open {
  readonly answer: Answer
  readonly text: string
  readonly problems: Problems
}

function row(key: string, value: SafeHtml | string): SafeHtml {
  return html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt><dd class="govuk-summary-list__value">${value}</dd></div>`
}

function answerForms(item: ContactRequest, open: Open | null): SafeHtml {
  const problems = open?.problems ?? []
  const accept = open?.answer === 'accept'
  const decline = open?.answer === 'decline'
  return html`
    <details class="govuk-details" ${accept ? 'open' : ''}>
      <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Accept<span class="govuk-visually-hidden"> the request about ${item.childName}</span></span></summary>
      <div class="govuk-details__text">
        <form method="post" novalidate data-answer="accept">
          ${textArea({ name: noteField(item.id), label: 'Note to the practitioner (optional)', hint: 'For example, who will contact them and when.', value: accept ? open.text : '', problems, rows: 3 })}
          <button type="submit" class="govuk-button" data-module="govuk-button" data-prevent-double-click="true">Accept request</button>
        </form>
      </div>
    </details>
    <details class="govuk-details" ${decline ? 'open' : ''}>
      <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Decline<span class="govuk-visually-hidden"> the request about ${item.childName}</span></span></summary>
      <div class="govuk-details__text">
        <form method="post" novalidate data-answer="decline">
          ${textArea({ name: reasonField(item.id), label: 'Why is the request declined?', hint: 'The practitioner is told this.', value: decline ? open.text : '', problems, rows: 3 })}
          <button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button" data-prevent-double-click="true">Decline request</button>
        </form>
      </div>
    </details>`
}

function pendingCard(item: ContactRequest, open: Open | null): SafeHtml {
  return html`
    <div class="govuk-summary-card">
      <div class="govuk-summary-card__title-wrapper">
        <h3 class="govuk-summary-card__title">${item.childName}</h3>
      </div>
      <div class="govuk-summary-card__content">
        <dl class="govuk-summary-list">
          ${row('Child', html`<a class="govuk-link" href="/children/${encodeURIComponent(item.childId)}">${item.childName}</a> (ID ${item.childId})`)}
          ${row('Requested by', item.requesterName)}
          ${row('Organisation', item.requesterOrganisation)}
          ${row('Email', html`<a class="govuk-link govuk-!-text-break-word" href="mailto:${encodeURIComponent(item.requesterEmail).replace(/%40/g, '@')}">${item.requesterEmail}</a>`)}
          ${row('Phone', item.requesterPhone ?? 'Not given')}
          ${row('Message', item.message)}
          ${row('Received', longDateTime(item.createdAt))}
        </dl>
        <div class="govuk-!-margin-top-6" id="answer-${item.id}">${answerForms(item, open)}</div>
      </div>
    </div>`
}

function answeredRow(item: ContactRequest): SafeHtml {
  return html`
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="/children/${encodeURIComponent(item.childId)}">${item.childName}</a></td>
      <td class="govuk-table__cell">${item.requesterName}<br><span class="govuk-hint govuk-!-font-size-16">${item.requesterOrganisation}</span></td>
      <td class="govuk-table__cell">${longDate(item.createdAt)}</td>
      <td class="govuk-table__cell">${item.status === 'ACCEPTED' ? tag('Accepted', 'green') : tag('Declined', 'grey')}</td>
      <td class="govuk-table__cell">${item.decidedBy ?? ''}${item.decidedAt ? html`<br>${longDate(item.decidedAt)}` : ''}</td>
      <td class="govuk-table__cell">${item.decisionNote ?? ''}</td>
    </tr>`
}

function pageMarkup(requests: readonly ContactRequest[]): SafeHtml {
  const pending = requests.filter((item) => item.status === 'PENDING')
  const answered = requests
    .filter((item) => item.status !== 'PENDING')
    .sort((a, b) => (b.decidedAt ?? b.createdAt).localeCompare(a.decidedAt ?? a.createdAt))
  return html`
    ${takeFlash()}
    <p class="govuk-body">
      A practitioner who finds a shielded child sees only whom to contact, and may ask your team to pass their details on.
      If you accept, pass their details on outside ContactPoint. They are told your answer either way.
    </p>
    <h2 class="govuk-heading-m">Waiting for an answer (${pending.length})</h2>
    ${pending.length === 0
      ? html`<p class="govuk-body" id="pending-empty">No requests are waiting for an answer.</p>`
      : pending.map((item) => pendingCard(item, null))}
    <h2 class="govuk-heading-m">Answered</h2>
    ${answered.length === 0
      ? html`<p class="govuk-body">No requests have been answered yet.</p>`
      : scrollingTable('Answered requests', 'Answered requests, most recent first', ['Child', 'Requested by', 'Received', 'Answer', 'Answered by', 'Note'], answered.map(answeredRow))}
    <p class="govuk-body"><a class="govuk-link" href="/manage/shielding">Back to shielded children</a></p>`
}

async function answer(page: Page, item: ContactRequest, kind: Answer, text: string): Promise<void> {
  const signal = page.context.signal
  if (kind === 'accept') await request(ACCEPT, { id: item.id, note: text || null }, { signal })
  else await request(DECLINE, { id: item.id, reason: text }, { signal })
  const heading = kind === 'accept' ? `Request accepted: pass ${item.requesterName}’s details on` : 'Request declined'
  setFlash(successBanner(heading, html`<p class="govuk-body">${item.requesterName} has been told.</p>`))
}

function wire(page: Page, item: ContactRequest): void {
  const slot = requireElement(page.body, `#answer-${CSS.escape(item.id)}`, HTMLElement)
  for (const form of slot.querySelectorAll('form')) {
    const kind: Answer = form.dataset['answer'] === 'decline' ? 'decline' : 'accept'
    const field = kind === 'accept' ? noteField(item.id) : reasonField(item.id)
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const text = formText(form, field)
      const redraw = (problems: Problems): void => {
        fill(slot, answerForms(item, { answer: kind, text, problems }))
        showProblems(page, problems, [field])
        wire(page, item)
      }
      if (kind === 'decline' && text === '') {
        redraw([{ field, message: 'Say why the request is declined' }])
        return
      }
      requireElement(form, 'button[type="submit"]', HTMLButtonElement).disabled = true
      void (async () => {
        try {
          await answer(page, item, kind, text)
        } catch (error) {
          if (!gone(page)) redraw(problemsOf(error, { note: noteField(item.id), reason: reasonField(item.id) }))
          return
        }
        if (!gone(page)) page.context.navigate('/manage/contact-requests')
      })()
    })
  }
}

export const contactRequestsView: View = (container, context) => {
  const page = startPage(container, context, TITLE)
  forManagers(page, async () => {
    const data = await request(REQUESTS, {}, { signal: context.signal })
    if (gone(page)) return
    showBody(page, pageMarkup(data.contactRequests))
    showProblems(page, [])
    for (const item of data.contactRequests) if (item.status === 'PENDING') wire(page, item)
  })
  return { title: TITLE }
}
