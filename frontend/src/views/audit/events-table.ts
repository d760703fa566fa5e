/** Audit events as a GOV.UK table: time, who, action, outcome, child, what happened. */
import { html, type SafeHtml } from '../../dom'
import { longDateTime } from '../../forms'
import { scrollingTable, withQuery } from '../admin/page'
import { actionLabel, outcomeLabel, outcomeTagClass } from './actions'
import type { AuditEvent } from './audit-api'
import { detailLines } from './detail'

export interface EventsTableOptions {
  readonly caption: string
  /** Link child IDs to their records (only for people who can open records). */
  readonly linkChildren: boolean
}

function who(event: AuditEvent): SafeHtml {
  const organisation = event.actorOrganisation
    ? html`<br><span class="govuk-body-s">${event.actorOrganisation}</span>`
    : html``
  if (event.actorName !== null) {
    const name = event.actorUserId === null
      ? html`${event.actorName}`
      : html`<a class="govuk-link" href="${withQuery('/audit', { userId: event.actorUserId })}">${event.actorName}<span class="govuk-visually-hidden">: all their events</span></a>`
    return html`${name}${event.actorEmail && html`<br><span class="govuk-body-s">${event.actorEmail}</span>`}${organisation}`
  }
  if (event.actorClient !== null) return html`${event.actorClient}<br><span class="govuk-body-s">Partner system</span>${organisation}`
  return html`<span class="govuk-body-s">${event.action === 'SIGN_IN' ? 'Not signed in' : 'ContactPoint itself'}</span>`
}

function child(event: AuditEvent, link: boolean): SafeHtml {
  if (event.withheld.some((withheld) => withheld.field === 'childId')) {
    return html`<span class="govuk-body-s">A shielded child (known only to its team)</span>`
  }
  if (event.childId === null) return html``
  return link
    ? html`<a class="govuk-link" href="/children/${encodeURIComponent(event.childId)}">${event.childId}</a>`
    : html`${event.childId}`
}

function detail(event: AuditEvent): SafeHtml {
  const lines = detailLines(event.action, event.detail)
  if (event.subjectUserEmail !== null && event.subjectUserEmail !== event.actorEmail) lines.unshift(`About: ${event.subjectUserEmail}`)
  if (lines.length === 0) return html``
  return html`<ul class="govuk-list govuk-body-s cp-audit-detail">${lines.map((line) => html`<li>${line}</li>`)}</ul>`
}

function row(event: AuditEvent, options: EventsTableOptions): SafeHtml {
  return html`
    <tr class="govuk-table__row">
      <td class="govuk-table__cell">${longDateTime(event.occurredAt)}</td>
      <td class="govuk-table__cell">${who(event)}</td>
      <td class="govuk-table__cell">${actionLabel(event.action)}</td>
      <td class="govuk-table__cell"><strong class="${outcomeTagClass(event.outcome)}">${outcomeLabel(event.outcome)}</strong></td>
      <td class="govuk-table__cell">${child(event, options.linkChildren)}</td>
      <td class="govuk-table__cell">${detail(event)}</td>
    </tr>`
}

export function eventsTable(events: readonly AuditEvent[], options: EventsTableOptions): SafeHtml {
  return scrollingTable(
    options.caption,
    html`
      <table class="govuk-table cp-audit-table">
        <caption class="govuk-table__caption govuk-table__caption--m">${options.caption}</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">Time</th>
            <th scope="col" class="govuk-table__header">Who</th>
            <th scope="col" class="govuk-table__header">Action</th>
            <th scope="col" class="govuk-table__header">Outcome</th>
            <th scope="col" class="govuk-table__header">Child</th>
            <th scope="col" class="govuk-table__header">Detail</th>
          </tr>
        </thead>
        <tbody class="govuk-table__body">${events.map((event) => row(event, options))}</tbody>
      </table>`,
  )
}
