/**
 * The shielding workbench: the authority's shielded children, soonest review first
 * (overdue reviews marked), filtered by "review due by"; a form to shield a child; and
 * the way to the requests to be put in touch. `?unshield=<id>` opens the unshield step.
 */
import { graphql, request, type ResultOf } from '../../api'
import { html, requireElement, type SafeHtml } from '../../dom'
import { formText, longDate, textField, type Problems } from '../../forms'
import type { View } from '../../router'
import { hasRole, type Person } from '../../session'
import {
  fill,
  forManagers,
  gone,
  problemsOf,
  scrollingTable,
  showBody,
  showProblems,
  startPage,
  tag,
  takeFlash,
  today,
  type Page,
} from './common'
import { NO_SHIELD_VALUES, REASON_LABELS, SHIELD_FIELDS, shieldForm, wireShieldForm } from './shield-child'
import { unshieldView } from './unshield-child'

const WORKBENCH = graphql(`
  query ShieldingWorkbench($reviewDueBy: Date) {
    shieldedChildren(reviewDueBy: $reviewDueBy) {
      childId
      childName
      dateOfBirth
      reason
      shieldedAt
      shieldedBy
      reviewDate
    }
    contactRequests(status: PENDING) { id }
    emergencyAccessGrants(reviewed: false) { id overdue }
  }
`)

type Workbench = ResultOf<typeof WORKBENCH>
type Shielded = Workbench['shieldedChildren'][number]

const TITLE = 'Shielded children'
const FIELDS = ['reviewDueBy', ...SHIELD_FIELDS]
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

// The action link is named with aria-label, not visually hidden text: that text is
// positioned absolutely and would escape the table's scrolling wrapper at 320 px.
function row(child: Shielded, now: string): SafeHtml {
  const overdue = child.reviewDate < now
  return html`
    <tr class="govuk-table__row">
      <td class="govuk-table__cell">
        <a class="govuk-link" href="/children/${encodeURIComponent(child.childId)}">${child.childName}</a><br>
        <span class="govuk-hint govuk-!-font-size-16">ID ${child.childId}</span>
      </td>
      <td class="govuk-table__cell">${longDate(child.dateOfBirth)}</td>
      <td class="govuk-table__cell">${REASON_LABELS[child.reason]}</td>
      <td class="govuk-table__cell">${longDate(child.shieldedAt)}${child.shieldedBy ? html`<br>by ${child.shieldedBy}` : ''}</td>
      <td class="govuk-table__cell">${longDate(child.reviewDate)}${overdue ? html`<br>${tag('Review overdue', 'red')}` : ''}</td>
      <td class="govuk-table__cell">
        <a class="govuk-link" href="/manage/shielding?unshield=${encodeURIComponent(child.childId)}" aria-label="Unshield ${child.childName}">Unshield</a>
      </td>
    </tr>`
}

function listMarkup(children: readonly Shielded[], dueBy: string | null): SafeHtml {
  if (children.length === 0) {
    return html`<p class="govuk-body" id="shielding-empty">${
      dueBy ? `No shielded children are due for review by ${longDate(dueBy)}.` : 'There are no shielded children.'
    }</p>`
  }
  const now = today()
  const overdue = children.filter((child) => child.reviewDate < now).length
  return html`
    ${overdue > 0
      ? html`<div class="govuk-inset-text">${overdue === 1 ? '1 review is overdue.' : `${overdue} reviews are overdue.`}</div>`
      : ''}
    ${scrollingTable(
      'Shielded children',
      dueBy ? `Shielded children due for review by ${longDate(dueBy)}, soonest first` : 'Shielded children, soonest review first',
      ['Child', 'Date of birth', 'Reason', 'Shielded', 'Review date', 'Action'],
      children.map((child) => row(child, now)),
    )}`
}

function requestsLink(pending: number): SafeHtml {
  const text = pending === 0 ? 'no requests waiting' : pending === 1 ? '1 request waiting' : `${pending} requests waiting`
  return html`
    <p class="govuk-body">
      <a class="govuk-link" href="/manage/contact-requests" id="contact-requests-link">Requests to be put in touch</a>
      (${text})
    </p>`
}

function emergencyLink(grants: readonly { readonly overdue: boolean }[]): SafeHtml {
  const overdue = grants.filter((grant) => grant.overdue).length
  const text = grants.length === 0 ? 'none waiting for review' : `${grants.length} waiting for review${overdue ? `, ${overdue} overdue` : ''}`
  return html`
    <p class="govuk-body">
      <a class="govuk-link" href="/manage/emergency-access" id="emergency-access-link">Emergency access</a>
      (${text})
    </p>`
}

function pageMarkup(who: Person, data: Workbench | null, dueBy: string | null, problems: Problems): SafeHtml {
  return html`
    ${takeFlash()}
    <p class="govuk-body">
      ${hasRole(who, 'ADMINISTRATOR')
        ? 'Shielded children of every local authority: their address, carers and services are hidden from everyone outside the authority’s team.'
        : `Children of ${who.organisation.name} whose address, carers and services are hidden from everyone outside your team.`}
    </p>
    ${data === null ? '' : requestsLink(data.contactRequests.length)}
    ${data === null ? '' : emergencyLink(data.emergencyAccessGrants)}
    <form id="review-filter" method="get" action="/manage/shielding" novalidate>
      ${textField({ name: 'reviewDueBy', label: 'Review due by', type: 'date', value: dueBy ?? '', problems, widthClass: 'govuk-input--width-10' })}
      <div class="govuk-button-group">
        <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Show reviews due</button>
        ${dueBy ? html`<a class="govuk-link" href="/manage/shielding">Show all shielded children</a>` : ''}
      </div>
    </form>
    ${data === null ? '' : listMarkup(data.shieldedChildren, dueBy)}
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds" id="shield-section">${shieldForm(NO_SHIELD_VALUES, [])}</div>
    </div>`
}

async function load(page: Page, who: Person): Promise<void> {
  const given = page.context.query.get('reviewDueBy')?.trim() || null
  let problems: Problems = []
  let data: Workbench | null = null
  if (given !== null && !ISO_DATE.test(given)) {
    problems = [{ field: 'reviewDueBy', message: 'Enter a real date for the review' }]
  } else {
    try {
      data = await request(WORKBENCH, { reviewDueBy: given }, { signal: page.context.signal })
    } catch (error) {
      problems = problemsOf(error)
    }
  }
  if (gone(page)) return
  showBody(page, pageMarkup(who, data, given, problems))
  showProblems(page, problems, FIELDS)

  const filter = requireElement(page.body, '#review-filter', HTMLFormElement)
  filter.addEventListener('submit', (event) => {
    event.preventDefault()
    const dueBy = formText(filter, 'reviewDueBy')
    page.context.navigate(dueBy ? `/manage/shielding?reviewDueBy=${encodeURIComponent(dueBy)}` : '/manage/shielding')
  })

  const section = requireElement(page.body, '#shield-section', HTMLElement)
  const redraw = (values: typeof NO_SHIELD_VALUES, shieldProblems: Problems): void => {
    fill(section, shieldForm(values, shieldProblems))
    showProblems(page, shieldProblems, FIELDS)
    wireShieldForm(page, redraw)
  }
  wireShieldForm(page, redraw)
}

export const shieldingView: View = (container, context) => {
  if (context.query.has('unshield')) return unshieldView(container, context)
  const page = startPage(container, context, TITLE)
  forManagers(page, (who) => load(page, who))
  return { title: TITLE }
}
