/**
 * Searching the audit log (/audit): management teams, auditors and administrators.
 *
 * The search form submits to the query string, so a search is a URL: it can be
 * bookmarked, shared with a colleague who may see the same events, and the back button
 * returns to the previous search. Pages follow the API's cursor (`after`).
 */
import { request, type VariablesOf } from '../../api'
import { html, requireElement, type SafeHtml } from '../../dom'
import { choiceField, selectField, textField, type Problems } from '../../forms'
import type { View } from '../../router'
import { requirePerson } from '../../session'
import { fill, loading, openFrame, showBody, showFailure, showProblems, submitToQuery, withQuery, type Frame } from '../admin/page'
import { actionChoices } from './actions'
import { AUDIT_EVENTS, AUDIT_ROLES, type AuditEvent } from './audit-api'
import { eventsTable } from './events-table'
import { apiRange, periodProblems } from './period'

export { auditReportsView } from './reports'

const PATH = '/audit'
const TITLE = 'Audit log'
const PAGE_SIZE = 50
const FIELDS = ['since', 'until', 'userId', 'childId', 'action', 'shieldedViewsOnly'] as const
const SHIELDED = 'yes'

/** A search as the query string holds it. */
export interface AuditSearch {
  readonly since: string
  readonly until: string
  readonly userId: string
  readonly childId: string
  readonly action: string
  readonly shieldedViewsOnly: boolean
  readonly after: string
}

export function readSearch(query: URLSearchParams): AuditSearch {
  const text = (name: string): string => (query.get(name) ?? '').trim()
  return {
    since: text('since'),
    until: text('until'),
    userId: text('userId'),
    childId: text('childId'),
    action: text('action').toUpperCase(),
    shieldedViewsOnly: query.get('shieldedViewsOnly') === SHIELDED,
    after: text('after'),
  }
}

/** The URL of a search (optionally a later page of it). */
export function searchPath(search: Omit<AuditSearch, 'after'>, after: string | null = null): string {
  return withQuery(PATH, {
    since: search.since,
    until: search.until,
    userId: search.userId,
    childId: search.childId,
    action: search.action,
    shieldedViewsOnly: search.shieldedViewsOnly ? SHIELDED : null,
    after,
  })
}

function variables(search: AuditSearch): VariablesOf<typeof AUDIT_EVENTS> {
  const orNull = (value: string): string | null => (value === '' ? null : value)
  return {
    filter: {
      ...apiRange(search),
      userId: orNull(search.userId),
      childId: orNull(search.childId),
      action: orNull(search.action),
      shieldedViewsOnly: search.shieldedViewsOnly,
    },
    first: PAGE_SIZE,
    after: orNull(search.after),
  }
}

function searchForm(search: AuditSearch, problems: Problems): SafeHtml {
  return html`
    <form id="audit-search" action="${PATH}" method="get" novalidate>
      ${textField({ name: 'since', label: 'From', type: 'date', value: search.since, problems, widthClass: 'govuk-input--width-10', hint: 'Leave both dates blank for the last 30 days' })}
      ${textField({ name: 'until', label: 'To', type: 'date', value: search.until, problems, widthClass: 'govuk-input--width-10', hint: 'The whole of this day is included' })}
      ${selectField({ name: 'action', label: 'Action', value: search.action, problems, choices: actionChoices(search.action) })}
      ${textField({ name: 'childId', label: 'Child’s ContactPoint ID (optional)', value: search.childId, problems, widthClass: 'govuk-input--width-20', hint: '12 digits' })}
      ${textField({ name: 'userId', label: 'User ID (optional)', value: search.userId, problems, widthClass: 'govuk-input--width-30', hint: 'Select a person’s name in the results to see all their events' })}
      ${choiceField({ name: 'shieldedViewsOnly', label: 'Shielded records', problems, multiple: true, selected: search.shieldedViewsOnly ? [SHIELDED] : [], choices: [{ value: SHIELDED, text: 'Only views of shielded records' }] })}
      <div class="govuk-button-group">
        <button type="submit" class="govuk-button" data-module="govuk-button">Search</button>
        <a class="govuk-link" href="${PATH}">Clear search</a>
      </div>
    </form>`
}

function pagination(search: AuditSearch, nextCursor: string | null): SafeHtml {
  if (nextCursor === null && search.after === '') return html``
  return html`
    <nav class="govuk-pagination govuk-pagination--block" aria-label="Pages of results">
      ${search.after !== '' && html`
        <div class="govuk-pagination__prev">
          <a class="govuk-link govuk-pagination__link" href="${searchPath(search)}" rel="first">
            <svg class="govuk-pagination__icon govuk-pagination__icon--prev" xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13"><path d="m6.5938-0.0078125-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931-4.293-1.414-1.414z"></path></svg>
            <span class="govuk-pagination__link-title">First page<span class="govuk-visually-hidden"> of results</span></span>
          </a>
        </div>`}
      ${nextCursor !== null && html`
        <div class="govuk-pagination__next">
          <a class="govuk-link govuk-pagination__link" href="${searchPath(search, nextCursor)}" rel="next">
            <svg class="govuk-pagination__icon govuk-pagination__icon--next" xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13"><path d="m8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z"></path></svg>
            <span class="govuk-pagination__link-title">Next page</span>
          </a>
        </div>`}
    </nav>`
}

function results(search: AuditSearch, events: readonly AuditEvent[], nextCursor: string | null, linkChildren: boolean): SafeHtml {
  if (events.length === 0) {
    return html`
      <h2 class="govuk-heading-m">No audit events found</h2>
      <p class="govuk-body">No events match this search${search.after === '' ? '' : ' on this page'}. Try a longer period or fewer conditions.</p>
      ${pagination(search, null)}`
  }
  const count = events.length === 1 ? '1 event' : `${events.length} events`
  return html`
    <p class="govuk-body" role="status">Showing ${count}, newest first${nextCursor === null ? '' : ' (there are more on the next page)'}.</p>
    ${eventsTable(events, { caption: 'Audit events', linkChildren })}
    ${pagination(search, nextCursor)}`
}

function layout(search: AuditSearch, problems: Problems, below: SafeHtml): SafeHtml {
  return html`
    <p class="govuk-body">Who did what, and when. For patterns over a period, see the <a class="govuk-link" href="/audit/reports">audit reports</a>.</p>
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">${searchForm(search, problems)}</div>
    </div>
    <div data-part="results">${below}</div>`
}

function show(frame: Frame, search: AuditSearch, problems: Problems, below: SafeHtml): void {
  showBody(frame, layout(search, problems, below))
  submitToQuery(requireElement(frame.body, '#audit-search', HTMLFormElement), frame.context, PATH)
}

async function run(frame: Frame, search: AuditSearch): Promise<void> {
  const who = await requirePerson(frame.container, frame.context, AUDIT_ROLES)
  if (who === null) return
  const problems = periodProblems(search)
  if (problems.length > 0) {
    showProblems(frame, problems, FIELDS)
    show(frame, search, problems, html``)
    return
  }
  show(frame, search, [], loading('Searching the audit log…'))
  try {
    const data = await request(AUDIT_EVENTS, variables(search), { signal: frame.context.signal })
    if (frame.context.signal.aborted) return
    const page = data.auditEvents
    const area = requireElement(frame.body, '[data-part="results"]', HTMLElement)
    fill(area, results(search, page.events, page.nextCursor, who.canAccessChildData))
  } catch (error) {
    const failed = showFailure(frame, error, FIELDS)
    if (failed.length > 0) show(frame, search, failed, html``)
  }
}

export const auditView: View = (container, context) => {
  const frame = openFrame(container, context, { title: TITLE, loading: 'Loading the audit log…' })
  void run(frame, readSearch(context.query))
  return { title: TITLE }
}
