/**
 * Search for a child: the minimum-criteria rule explained next to the form, results as a
 * table with how well each matches, and "too many matches" asking for more details.
 *
 * The criteria live in the query string, so a search can be bookmarked, reloaded and
 * returned to with the back button from a child's record.
 */
import { graphql, request, type ResultOf } from '../api'
import { html, requireElement, setHtml, type SafeHtml } from '../dom'
import { formText, longDate, problemsFrom, selectField, showProblems, summary, textField, words, type Problems } from '../forms'
import type { RouteContext, View } from '../router'
import { requirePerson } from '../session'

const SEARCH = graphql(`
  query Search($criteria: ChildSearchInput!) {
    searchChildren(criteria: $criteria) {
      tooManyMatches
      message
      matches {
        strength
        child {
          id
          contactPointId
          givenNames
          familyName
          otherNames
          dateOfBirth
          gender
          shielded
          town
          postcodeDistrict
          responsibleAuthority { name }
        }
      }
    }
  }
`)

type Outcome = ResultOf<typeof SEARCH>['searchChildren']
type Match = NonNullable<Outcome['matches']>[number]

const TITLE = 'Search for a child'
const FIELDS = ['familyName', 'givenName', 'dateOfBirth', 'postcode', 'gender', 'previousName', 'contactPointId'] as const
type Field = (typeof FIELDS)[number]
type Criteria = Partial<Record<Field, string>>

const GENDERS = [
  { value: '', text: 'Any' },
  { value: 'FEMALE', text: 'Female' },
  { value: 'MALE', text: 'Male' },
  { value: 'OTHER', text: 'Other' },
  { value: 'NOT_KNOWN', text: 'Not known' },
]

function criteriaFrom(query: URLSearchParams): Criteria {
  const criteria: Criteria = {}
  for (const field of FIELDS) {
    const value = query.get(field)?.trim()
    if (value) criteria[field] = value
  }
  return criteria
}

/** The rule the server enforces, checked here first for a quicker, specific message. */
export function checkCriteria(criteria: Criteria): Problems {
  if (criteria.contactPointId) return []
  if (!criteria.familyName) {
    return [{ field: 'familyName', message: 'Enter a family name, or search by ContactPoint ID' }]
  }
  if (!criteria.givenName && !criteria.dateOfBirth && !criteria.postcode) {
    return [{ field: 'givenName', message: 'Enter a given name, date of birth or postcode as well as the family name' }]
  }
  return []
}

function formMarkup(criteria: Criteria, problems: Problems): SafeHtml {
  const field = (name: Field, label: string, extra: { hint?: string; widthClass?: string } = {}) =>
    textField({ name, label, value: criteria[name] ?? '', problems, ...extra })
  return html`
    ${summary(problems, [...FIELDS])}
    <h1 class="govuk-heading-l">${TITLE}</h1>
    <p class="govuk-body">
      Enter the child’s family name and at least one of their given name, date of birth or postcode.
      Spelling mistakes, nicknames and swapped names are allowed for. Or search by ContactPoint ID alone.
    </p>
    <p class="govuk-body">Every search is recorded with your name.</p>
    <form id="search-form" method="get" action="/search" novalidate>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-one-half">${field('familyName', 'Family name')}</div>
        <div class="govuk-grid-column-one-half">${field('givenName', 'Given name')}</div>
      </div>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-one-half">
          ${field('dateOfBirth', 'Date of birth', { hint: 'For example, 14/03/2015', widthClass: 'govuk-input--width-10' })}
        </div>
        <div class="govuk-grid-column-one-half">
          ${field('postcode', 'Postcode', { hint: 'All of it, or the first part (LS1)', widthClass: 'govuk-input--width-10' })}
        </div>
      </div>
      <details class="govuk-details">
        <summary class="govuk-details__summary"><span class="govuk-details__summary-text">More ways to search</span></summary>
        <div class="govuk-details__text">
          ${selectField({ name: 'gender', label: 'Gender', value: criteria.gender ?? '', problems, choices: GENDERS })}
          ${field('previousName', 'Previous name')}
          ${field('contactPointId', 'ContactPoint ID', { hint: '12 digits', widthClass: 'govuk-input--width-20' })}
        </div>
      </details>
      <button type="submit" class="govuk-button" data-module="govuk-button">Search</button>
    </form>
    <div id="results" aria-live="polite"></div>`
}

// What the directory's match weight means to a practitioner (docs/SEARCH.md): strong is
// at least a 99 % chance that this is the child; possible, at least 1 % — check first.
function strengthTag(strength: Match['strength']): SafeHtml {
  return strength === 'STRONG'
    ? html`<strong class="govuk-tag govuk-tag--green">Strong match</strong>`
    : html`<strong class="govuk-tag govuk-tag--yellow">Possible match</strong>`
}

function row(match: Match): SafeHtml {
  const child = match.child
  const name = `${child.givenNames ?? ''} ${child.familyName ?? ''}`.trim()
  const area = [child.town, child.postcodeDistrict].filter(Boolean).join(', ')
  return html`
    <tr class="govuk-table__row">
      <td class="govuk-table__cell">
        <a class="govuk-link" href="/children/${encodeURIComponent(child.id)}">${name}</a>
        ${child.shielded ? html` <strong class="govuk-tag govuk-tag--red">Shielded</strong>` : ''}
        ${child.otherNames && child.otherNames.length > 0 ? html`<br><span class="govuk-hint govuk-!-font-size-16">Also known as ${child.otherNames.join(', ')}</span>` : ''}
      </td>
      <td class="govuk-table__cell">${longDate(child.dateOfBirth)}</td>
      <td class="govuk-table__cell">${words(child.gender)}</td>
      <td class="govuk-table__cell">${area || child.responsibleAuthority?.name || ''}</td>
      <td class="govuk-table__cell">${strengthTag(match.strength)}</td>
    </tr>`
}

function resultsMarkup(outcome: Outcome): SafeHtml {
  if (outcome.tooManyMatches) {
    return html`
      <div class="govuk-inset-text">
        <h2 class="govuk-heading-m">Too many matches</h2>
        <p class="govuk-body">${outcome.message ?? 'Add more details to narrow the search.'}</p>
      </div>`
  }
  const matches = outcome.matches ?? []
  if (matches.length === 0) {
    return html`
      <h2 class="govuk-heading-m">No matches</h2>
      <p class="govuk-body">${outcome.message ?? 'No child matches. Check the spelling or try fewer details.'}</p>`
  }
  return html`
    <h2 class="govuk-heading-m">${matches.length === 1 ? '1 possible match' : `${matches.length} possible matches`}</h2>
    <div class="cp-table-scroll" tabindex="0" role="region" aria-label="Search results">
      <table class="govuk-table">
        <caption class="govuk-table__caption govuk-visually-hidden">Children who may be the one you are looking for, best match first</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">Name</th>
            <th scope="col" class="govuk-table__header">Date of birth</th>
            <th scope="col" class="govuk-table__header">Gender</th>
            <th scope="col" class="govuk-table__header">Area</th>
            <th scope="col" class="govuk-table__header">Match</th>
          </tr>
        </thead>
        <tbody class="govuk-table__body">${matches.map(row)}</tbody>
      </table>
    </div>`
}

async function run(container: HTMLElement, context: RouteContext, criteria: Criteria): Promise<void> {
  const results = requireElement(container, '#results', HTMLElement)
  setHtml(results, html`<p class="govuk-body">Searching…</p>`)
  try {
    const data = await request(
      SEARCH,
      {
        criteria: {
          familyName: criteria.familyName ?? null,
          givenName: criteria.givenName ?? null,
          dateOfBirth: criteria.dateOfBirth ?? null,
          postcode: criteria.postcode ?? null,
          previousName: criteria.previousName ?? null,
          contactPointId: criteria.contactPointId ?? null,
          gender: (criteria.gender as 'FEMALE' | 'MALE' | 'OTHER' | 'NOT_KNOWN' | undefined) ?? null,
        },
      },
      { signal: context.signal },
    )
    if (context.signal.aborted) return
    setHtml(results, resultsMarkup(data.searchChildren))
  } catch (error) {
    if (context.signal.aborted) return
    render(container, context, criteria, problemsFrom(error))
  }
}

function render(container: HTMLElement, context: RouteContext, criteria: Criteria, problems: Problems): void {
  setHtml(container, formMarkup(criteria, problems))
  const form = requireElement(container, '#search-form', HTMLFormElement)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const next = new URLSearchParams()
    for (const name of FIELDS) {
      const value = formText(form, name)
      if (value) next.set(name, value)
    }
    const checked = checkCriteria(criteriaFrom(next))
    if (checked.length > 0) {
      render(container, context, criteriaFrom(next), checked)
      return
    }
    context.navigate(`/search?${next.toString()}`)
  })
  showProblems(container, context.setTitle, TITLE, problems)
}

export const searchView: View = (container, context) => {
  setHtml(container, html`<h1 class="govuk-heading-l">${TITLE}</h1><p class="govuk-body">Loading…</p>`)
  void (async () => {
    const who = await requirePerson(container, context)
    if (who === null) return
    if (!who.canAccessChildData) {
      setHtml(
        container,
        html`<h1 class="govuk-heading-l">You cannot search for children yet</h1>
          <ul class="govuk-list govuk-list--bullet">${who.blockedReasons.map((reason) => html`<li>${reason}</li>`)}</ul>
          <p class="govuk-body">Ask your organisation’s ContactPoint team to record these.</p>`,
      )
      context.setTitle('You cannot search for children yet')
      return
    }
    const criteria = criteriaFrom(context.query)
    render(container, context, criteria, [])
    if (Object.keys(criteria).length > 0 && checkCriteria(criteria).length === 0) await run(container, context, criteria)
  })()
  return { title: TITLE }
}
