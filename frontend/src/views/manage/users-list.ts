/**
 * The users a management team runs (administrators: everyone), filtered by name or
 * email and status. The filters and the page cursor live in the query string, so a
 * list can be reloaded, bookmarked and returned to with the back button.
 */
import { graphql, request, type ResultOf } from '../../api'
import { html, requireElement, type SafeHtml } from '../../dom'
import { formText, longDate, selectField, textField, type Problems } from '../../forms'
import type { View } from '../../router'
import { hasRole, type Person } from '../../session'
import {
  forManagers,
  gone,
  problemsOf,
  roleList,
  scrollingTable,
  showBody,
  showProblems,
  startPage,
  tag,
  today,
  type Page,
} from './common'

const USERS = graphql(`
  query ManageUsers($search: String, $status: UserStatus, $after: String) {
    users(search: $search, status: $status, after: $after, first: 50) {
      users {
        id
        name
        email
        roles
        status
        trainedOn
        vettedUntil
        organisation { name }
      }
      nextCursor
    }
  }
`)

type Account = ResultOf<typeof USERS>['users']['users'][number]
export type UserStatus = Account['status']

const STATUSES: readonly UserStatus[] = ['INVITED', 'ACTIVE', 'SUSPENDED']
const FIELDS = ['search', 'status', 'after']
const TITLE = 'Users'

function isStatus(value: string | null): value is UserStatus {
  return (STATUSES as readonly (string | null)[]).includes(value)
}

export function statusTag(status: UserStatus): SafeHtml {
  switch (status) {
    case 'ACTIVE':
      return tag('Active', 'green')
    case 'INVITED':
      return tag('Invited', 'blue')
    case 'SUSPENDED':
      return tag('Suspended', 'red')
  }
}

/** Where a user's page is: their email lets it find them with one search. */
export function userHref(user: { readonly id: string; readonly email: string }): string {
  return `/manage/users/${encodeURIComponent(user.id)}`
}

interface Filters {
  readonly search: string
  readonly status: UserStatus | null
  readonly after: string | null
}

function filtersFrom(query: URLSearchParams): Filters {
  const status = query.get('status')
  return { search: query.get('search')?.trim() ?? '', status: isStatus(status) ? status : null, after: query.get('after') }
}

function listHref(filters: Filters, after: string | null): string {
  const query = new URLSearchParams()
  if (filters.search) query.set('search', filters.search)
  if (filters.status) query.set('status', filters.status)
  if (after) query.set('after', after)
  const text = query.toString()
  return text ? `/manage/users?${text}` : '/manage/users'
}

function vetting(until: string | null | undefined): SafeHtml {
  if (!until) return html`Not recorded`
  return html`${longDate(until)}${until < today() ? html` ${tag('Expired', 'red')}` : ''}`
}

function row(user: Account, showOrganisation: boolean): SafeHtml {
  return html`
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="${userHref(user)}">${user.name}</a></td>
      <td class="govuk-table__cell govuk-!-text-break-word">${user.email}</td>
      ${showOrganisation ? html`<td class="govuk-table__cell">${user.organisation.name}</td>` : ''}
      <td class="govuk-table__cell">${roleList(user.roles)}</td>
      <td class="govuk-table__cell">${statusTag(user.status)}</td>
      <td class="govuk-table__cell">${user.trainedOn ? longDate(user.trainedOn) : 'Not recorded'}</td>
      <td class="govuk-table__cell">${vetting(user.vettedUntil)}</td>
    </tr>`
}

function filterForm(filters: Filters, problems: Problems): SafeHtml {
  const filtered = filters.search !== '' || filters.status !== null
  return html`
    <form id="users-filter" method="get" action="/manage/users" novalidate>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-one-half">
          ${textField({ name: 'search', label: 'Name or email address', value: filters.search, problems })}
        </div>
        <div class="govuk-grid-column-one-half">
          ${selectField({
            name: 'status',
            label: 'Status',
            value: filters.status ?? '',
            problems,
            choices: [
              { value: '', text: 'Any status' },
              { value: 'INVITED', text: 'Invited' },
              { value: 'ACTIVE', text: 'Active' },
              { value: 'SUSPENDED', text: 'Suspended' },
            ],
          })}
        </div>
      </div>
      <div class="govuk-button-group">
        <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Filter users</button>
        ${filtered ? html`<a class="govuk-link" href="/manage/users">Clear filters</a>` : ''}
      </div>
    </form>`
}

function pagination(filters: Filters, nextCursor: string | null | undefined): SafeHtml {
  if (!nextCursor && !filters.after) return html``
  const arrow = (kind: 'prev' | 'next') =>
    html`<svg class="govuk-pagination__icon govuk-pagination__icon--${kind}" xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13"><path d="${
      kind === 'next'
        ? 'm8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z'
        : 'm6.5938-0.0078125-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931-4.293-1.414-1.414z'
    }"></path></svg>`
  return html`
    <nav class="govuk-pagination govuk-pagination--block" aria-label="Pages of users">
      ${filters.after
        ? html`<div class="govuk-pagination__prev">
            <a class="govuk-link govuk-pagination__link" href="${listHref(filters, null)}">
              ${arrow('prev')}<span class="govuk-pagination__link-title">First page</span>
            </a>
          </div>`
        : ''}
      ${nextCursor
        ? html`<div class="govuk-pagination__next">
            <a class="govuk-link govuk-pagination__link" href="${listHref(filters, nextCursor)}" rel="next">
              ${arrow('next')}<span class="govuk-pagination__link-title">Next page</span>
            </a>
          </div>`
        : ''}
    </nav>`
}

function listMarkup(who: Person, filters: Filters, data: ResultOf<typeof USERS> | null, problems: Problems): SafeHtml {
  const everyone = hasRole(who, 'ADMINISTRATOR')
  const users = data?.users.users ?? []
  const headers = ['Name', 'Email', ...(everyone ? ['Organisation'] : []), 'Roles', 'Status', 'Training', 'Vetted until']
  let results: SafeHtml
  if (data === null) results = html``
  else if (users.length === 0) {
    results = html`<p class="govuk-body" id="users-empty">${
      filters.search || filters.status ? 'No users match these filters.' : 'There are no users yet.'
    }</p>`
  } else {
    results = scrollingTable(
      'Users',
      everyone ? 'Users of every organisation, by name' : `Users of ${who.organisation.name}, by name`,
      headers,
      users.map((user) => row(user, everyone)),
    )
  }
  return html`
    <p class="govuk-body">
      <a href="/manage/users/invite" role="button" draggable="false" class="govuk-button" data-module="govuk-button">Invite a user</a>
    </p>
    ${filterForm(filters, problems)}
    ${results}
    ${pagination(filters, data?.users.nextCursor)}`
}

async function load(page: Page, who: Person, filters: Filters): Promise<void> {
  let data: ResultOf<typeof USERS> | null = null
  let problems: Problems = []
  try {
    data = await request(
      USERS,
      { search: filters.search || null, status: filters.status, after: filters.after },
      { signal: page.context.signal },
    )
  } catch (error) {
    problems = problemsOf(error)
  }
  if (gone(page)) return
  showBody(page, listMarkup(who, filters, data, problems))
  showProblems(page, problems, FIELDS)
  const form = requireElement(page.body, '#users-filter', HTMLFormElement)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const status = formText(form, 'status')
    page.context.navigate(listHref({ search: formText(form, 'search'), status: isStatus(status) ? status : null, after: null }, null))
  })
}

export const usersView: View = (container, context) => {
  const page = startPage(container, context, TITLE)
  forManagers(page, (who) => load(page, who, filtersFrom(context.query)))
  return { title: TITLE }
}
