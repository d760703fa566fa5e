/**
 * The audit reports (/audit/reports) over a chosen period, by default the last 30 days:
 * activity over time, heaviest viewers, views of shielded records, views outside the
 * viewer's own area, out-of-hours activity (SPEC section 6) and the emergency access
 * findings (grants found not justified, grants unreviewed past 3 working days). Each name links to the
 * audit log filtered to that person and period, where the detail is.
 */
import { request } from '../../api'
import { html, requireElement, type SafeHtml } from '../../dom'
import { longDate, longDateTime, textField, words, type Problems } from '../../forms'
import type { View } from '../../router'
import { requirePerson } from '../../session'
import { loading, openFrame, scrollingTable, showBody, showFailure, showProblems, submitToQuery, withQuery, type Frame } from '../admin/page'
import {
  AUDIT_REPORTS,
  AUDIT_ROLES,
  type AuditReports,
  type EmergencyFinding,
  type OutOfHoursDay,
  type ViewerCount,
} from './audit-api'
import { activityChart, activityPoints } from './chart'
import { eventsTable } from './events-table'
import { addDays, apiRange, daysFrom, londonToday, periodProblems, type Period } from './period'

const PATH = '/audit/reports'
const TITLE = 'Audit reports'
const FIELDS = ['since', 'until'] as const
const DEFAULT_DAYS = 30

/** The period in the query string, or the last 30 days (today included). */
export function readPeriod(query: URLSearchParams, today: string = londonToday()): Period {
  const since = (query.get('since') ?? '').trim()
  const until = (query.get('until') ?? '').trim()
  const last = until === '' ? today : until
  return { since: since === '' ? addDays(last, 1 - DEFAULT_DAYS) : since, until: last }
}

function auditLink(values: Readonly<Record<string, string | null>>): string {
  return withQuery('/audit', values)
}

function periodForm(period: Period, problems: Problems): SafeHtml {
  return html`
    <form id="report-period" action="${PATH}" method="get" novalidate>
      <fieldset class="govuk-fieldset">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m"><h2 class="govuk-fieldset__heading">Period</h2></legend>
        ${textField({ name: 'since', label: 'From', type: 'date', value: period.since, problems, widthClass: 'govuk-input--width-10' })}
        ${textField({ name: 'until', label: 'To', type: 'date', value: period.until, problems, widthClass: 'govuk-input--width-10', hint: 'The whole of this day is included. A report covers at most a year.' })}
      </fieldset>
      <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Show reports</button>
    </form>`
}

function contents(): SafeHtml {
  return html`
    <nav aria-labelledby="report-contents">
      <h2 class="govuk-heading-s" id="report-contents">Reports</h2>
      <ul class="govuk-list">
        <li><a class="govuk-link" href="#activity">Activity over time</a></li>
        <li><a class="govuk-link" href="#heaviest">Heaviest viewers</a></li>
        <li><a class="govuk-link" href="#shielded">Views of shielded records</a></li>
        <li><a class="govuk-link" href="#outside-area">Views outside the viewer’s own area</a></li>
        <li><a class="govuk-link" href="#out-of-hours">Out-of-hours activity</a></li>
        <li><a class="govuk-link" href="#emergency">Emergency access findings</a></li>
      </ul>
    </nav>`
}

function section(id: string, heading: string, intro: string, content: SafeHtml): SafeHtml {
  return html`
    <section class="govuk-!-margin-top-8" aria-labelledby="${id}">
      <h2 class="govuk-heading-m" id="${id}">${heading}</h2>
      <p class="govuk-body">${intro}</p>
      ${content}
    </section>`
}

function empty(text: string): SafeHtml {
  return html`<p class="govuk-body govuk-!-font-weight-bold">${text}</p>`
}

function viewersTable(rows: readonly ViewerCount[], caption: string, period: Period): SafeHtml {
  if (rows.length === 0) return empty('Nobody in this period.')
  // The region is named apart from its section's heading: two landmarks, two names.
  return scrollingTable(
    `Table: ${caption}`,
    html`
      <table class="govuk-table">
        <caption class="govuk-table__caption govuk-table__caption--s">${caption}</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">Person</th>
            <th scope="col" class="govuk-table__header">Organisation</th>
            <th scope="col" class="govuk-table__header govuk-table__header--numeric">Records opened</th>
          </tr>
        </thead>
        <tbody class="govuk-table__body">
          ${rows.map(
            (row) => html`
              <tr class="govuk-table__row">
                <td class="govuk-table__cell">
                  <a class="govuk-link" href="${auditLink({ userId: row.userId, action: 'CHILD_VIEW', since: period.since, until: period.until })}">${row.name}<span class="govuk-visually-hidden">: their record views</span></a>
                  <br><span class="govuk-body-s">${row.email}</span>
                </td>
                <td class="govuk-table__cell">${row.organisationCode}</td>
                <td class="govuk-table__cell govuk-table__cell--numeric">${row.count.toLocaleString('en-GB')}</td>
              </tr>`,
          )}
        </tbody>
      </table>`,
  )
}

function outOfHoursTable(rows: readonly OutOfHoursDay[]): SafeHtml {
  if (rows.length === 0) return empty('No record views or searches out of hours in this period.')
  const caption = 'Out-of-hours views and searches, by person and day'
  return scrollingTable(
    `Table: ${caption}`,
    html`
      <table class="govuk-table">
        <caption class="govuk-table__caption govuk-table__caption--s">${caption}</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">Day</th>
            <th scope="col" class="govuk-table__header">Person</th>
            <th scope="col" class="govuk-table__header govuk-table__header--numeric">Views and searches</th>
          </tr>
        </thead>
        <tbody class="govuk-table__body">
          ${rows.map(
            (row) => html`
              <tr class="govuk-table__row">
                <td class="govuk-table__cell">${longDate(row.day)}</td>
                <td class="govuk-table__cell">${
                  row.userId === null
                    ? row.name ?? 'Unknown'
                    : html`<a class="govuk-link" href="${auditLink({ userId: row.userId, since: row.day, until: row.day })}">${row.name ?? 'Unknown'}<span class="govuk-visually-hidden">: their events that day</span></a>`
                }</td>
                <td class="govuk-table__cell govuk-table__cell--numeric">${row.count.toLocaleString('en-GB')}</td>
              </tr>`,
          )}
        </tbody>
      </table>`,
  )
}

/** The child and the reason are withheld from auditors (they see no child data). */
function emergencyTable(rows: readonly EmergencyFinding[]): SafeHtml {
  if (rows.length === 0) return empty('No emergency access was found not justified, and none is overdue for review.')
  const caption = 'Emergency access findings'
  return scrollingTable(
    `Table: ${caption}`,
    html`
      <table class="govuk-table">
        <caption class="govuk-table__caption govuk-table__caption--s">${caption}</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">Finding</th>
            <th scope="col" class="govuk-table__header">Opened by</th>
            <th scope="col" class="govuk-table__header">Record</th>
            <th scope="col" class="govuk-table__header">Opened</th>
            <th scope="col" class="govuk-table__header">Purpose and reason</th>
            <th scope="col" class="govuk-table__header">Review</th>
          </tr>
        </thead>
        <tbody class="govuk-table__body">
          ${rows.map(
            (row) => html`
              <tr class="govuk-table__row">
                <td class="govuk-table__cell">${row.outcome === 'NOT_JUSTIFIED' ? 'Not justified' : 'Not reviewed within 3 working days'}</td>
                <td class="govuk-table__cell">${row.holderName}<br><span class="govuk-body-s">${row.holderEmail}</span></td>
                <td class="govuk-table__cell">${row.childId ? html`${row.childName ?? ''} (${row.childId})` : html`A shielded record of ${row.authorityName}`}</td>
                <td class="govuk-table__cell">${longDateTime(row.grantedAt)}</td>
                <td class="govuk-table__cell">${words(row.purpose)}${row.reason ? html`<br>${row.reason}` : ''}</td>
                <td class="govuk-table__cell">${row.reviewedBy ? html`${row.reviewedBy}${row.reviewNote ? html`: ${row.reviewNote}` : ''}` : 'Waiting'}</td>
              </tr>`,
          )}
        </tbody>
      </table>`,
  )
}

/** Which children are shielded is known to each child's team and to administrators only: others see the views without the child. */
function shieldedSection(data: AuditReports, period: Period, linkChildren: boolean): SafeHtml {
  const shielded = data.shieldedViews
  const allShielded = auditLink({ shieldedViewsOnly: 'yes', since: period.since, until: period.until })
  return shielded.events.length === 0
    ? empty('No shielded records were viewed in this period.')
    : html`${eventsTable(shielded.events, { caption: 'Views of shielded records, newest first', linkChildren })}
      ${shielded.nextCursor !== null && html`<p class="govuk-body"><a class="govuk-link" href="${allShielded}">See all views of shielded records in this period</a></p>`}`
}

function reports(data: AuditReports, period: Period, linkChildren: boolean): SafeHtml {
  return html`
    ${section('activity', 'Activity over time', 'Record views and searches each day.', activityChart(activityPoints(daysFrom(period.since, period.until), data.auditActivity)))}
    ${section('heaviest', 'Heaviest viewers', 'The people who opened the most records.', viewersTable(data.heaviestViewers, 'Heaviest viewers', period))}
    ${section(
      'shielded',
      'Views of shielded records',
      'Every opening of a shielded child’s record, newest first (for a management team, its own children’s). Which child it was is shown only to the child’s team and to administrators.',
      shieldedSection(data, period, linkChildren),
    )}
    ${section('outside-area', 'Views outside the viewer’s own area', 'People who opened records of children held by an authority other than their own.', viewersTable(data.outsideAreaViewers, 'Views outside the viewer’s own area', period))}
    ${section('out-of-hours', 'Out-of-hours activity', 'Record views and searches before 8am, after 6pm or at weekends (UK time).', outOfHoursTable(data.outOfHoursActivity))}
    ${section('emergency', 'Emergency access findings', 'Emergency (break-glass) access to shielded records found not justified in this period, and any still unreviewed 3 working days after it was opened.', emergencyTable(data.emergencyAccessReport))}`
}

function show(frame: Frame, period: Period, problems: Problems, below: SafeHtml): void {
  showBody(
    frame,
    html`
      <p class="govuk-body">Patterns that can point to misuse. To look at single events, <a class="govuk-link" href="/audit">search the audit log</a>.</p>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">${periodForm(period, problems)}</div>
        <div class="govuk-grid-column-one-third">${contents()}</div>
      </div>
      <div data-part="reports">${below}</div>`,
  )
  submitToQuery(requireElement(frame.body, '#report-period', HTMLFormElement), frame.context, PATH)
}

async function run(frame: Frame, period: Period): Promise<void> {
  const who = await requirePerson(frame.container, frame.context, AUDIT_ROLES)
  if (who === null) return
  const problems = periodProblems(period)
  if (problems.length > 0) {
    showProblems(frame, problems, FIELDS)
    show(frame, period, problems, html``)
    return
  }
  show(frame, period, [], loading('Running the reports…'))
  const range = apiRange(period)
  try {
    const data = await request(
      AUDIT_REPORTS,
      {
        since: range.since ?? '',
        until: range.until ?? '',
        shielded: { ...range, shieldedViewsOnly: true },
      },
      { signal: frame.context.signal },
    )
    if (frame.context.signal.aborted) return
    show(frame, period, [], reports(data, period, who.canAccessChildData))
  } catch (error) {
    const failed = showFailure(frame, error, FIELDS)
    if (failed.length > 0) show(frame, period, failed, html``)
  }
}

export const auditReportsView: View = (container, context) => {
  const frame = openFrame(container, context, { title: TITLE, loading: 'Loading the reports…' })
  void run(frame, readPeriod(context.query))
  return { title: TITLE }
}
