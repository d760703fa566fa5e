/**
 * Organisations (/admin/organisations), for national administrators: the list with a
 * kind filter and a search, and (by `?action=`) adding one, changing its name or team
 * contact, and deactivating or reactivating it after a confirmation step.
 */
import { request } from '../../api'
import { html, requireElement, type SafeHtml } from '../../dom'
import { selectField, textField } from '../../forms'
import type { RouteContext, View } from '../../router'
import { requirePerson } from '../../session'
import { addOrganisation, changeOrganisation } from './organisation-form'
import { changeOrganisationStatus } from './organisation-status'
import { kindChoices, kindName, ORGANISATIONS, parseKind, type OrganisationDetail } from './organisations-api'
import { backToOrganisations as back, organisationLinks, ORGANISATIONS_PATH } from './organisation-links'
import { openFrame, scrollingTable, showBody, showFailure, submitToQuery, type Frame } from './page'

const TITLE = 'Organisations'
/** The API lists at most this many. */
const LIST_LIMIT = 500

function filterForm(search: string, kind: string): SafeHtml {
  return html`
    <form id="organisation-filter" action="${ORGANISATIONS_PATH}" method="get" novalidate>
      ${textField({ name: 'search', label: 'Name or code', value: search, problems: [], widthClass: 'govuk-input--width-20' })}
      ${selectField({ name: 'kind', label: 'Kind', value: kind, problems: [], choices: kindChoices('Any kind') })}
      <div class="govuk-button-group">
        <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Filter</button>
        <a class="govuk-link" href="${ORGANISATIONS_PATH}">Clear filter</a>
      </div>
    </form>`
}

function teamContact(organisation: OrganisationDetail): SafeHtml {
  const lines = [organisation.teamName, organisation.teamPhone, organisation.teamEmail].filter(
    (line): line is string => line !== null && line !== '',
  )
  if (lines.length === 0) return html`<span class="govuk-body-s">Not given</span>`
  return html`${lines.map((line, index) => html`${index > 0 && html`<br>`}${line}`)}`
}

function row(organisation: OrganisationDetail): SafeHtml {
  const hidden = html`<span class="govuk-visually-hidden"> ${organisation.name}</span>`
  return html`
    <tr class="govuk-table__row">
      <td class="govuk-table__cell">${organisation.name}<br><span class="govuk-body-s">${organisation.code}</span></td>
      <td class="govuk-table__cell">${kindName(organisation.kind)}</td>
      <td class="govuk-table__cell">${organisation.parentCode ?? ''}</td>
      <td class="govuk-table__cell">${teamContact(organisation)}</td>
      <td class="govuk-table__cell">${
        organisation.active
          ? html`<strong class="govuk-tag govuk-tag--green">Active</strong>`
          : html`<strong class="govuk-tag govuk-tag--grey">Deactivated</strong>`
      }</td>
      <td class="govuk-table__cell">
        <ul class="govuk-list govuk-!-margin-bottom-0">
          <li><a class="govuk-link" href="${organisationLinks.change(organisation.code)}">Change${hidden}</a></li>
          <li><a class="govuk-link" href="${organisationLinks.status(organisation.code, organisation.active)}">${organisation.active ? 'Deactivate' : 'Reactivate'}${hidden}</a></li>
        </ul>
      </td>
    </tr>`
}

function table(organisations: readonly OrganisationDetail[]): SafeHtml {
  if (organisations.length === 0) {
    return html`<p class="govuk-body govuk-!-font-weight-bold" role="status">No organisations match. Try another name or code, or any kind.</p>`
  }
  const count = organisations.length === 1 ? '1 organisation' : `${organisations.length} organisations`
  return html`
    <p class="govuk-body" role="status">${
      organisations.length >= LIST_LIMIT ? `Showing the first ${count}: search to narrow the list.` : `Showing ${count}.`
    }</p>
    ${scrollingTable(
      'Organisations',
      html`
        <table class="govuk-table">
          <caption class="govuk-table__caption govuk-table__caption--m govuk-visually-hidden">Organisations</caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">Name and code</th>
              <th scope="col" class="govuk-table__header">Kind</th>
              <th scope="col" class="govuk-table__header">Local authority</th>
              <th scope="col" class="govuk-table__header">Team contact</th>
              <th scope="col" class="govuk-table__header">Status</th>
              <th scope="col" class="govuk-table__header">Actions</th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">${organisations.map(row)}</tbody>
        </table>`,
    )}`
}

async function showList(frame: Frame, query: URLSearchParams): Promise<void> {
  if ((await requirePerson(frame.container, frame.context, ['ADMINISTRATOR'])) === null) return
  const search = (query.get('search') ?? '').trim()
  const kind = parseKind(query.get('kind'))
  let below: SafeHtml
  try {
    const data = await request(ORGANISATIONS, { kind, search: search === '' ? null : search }, { signal: frame.context.signal })
    below = table(data.organisations)
  } catch (error) {
    if (showFailure(frame, error).length === 0) return
    below = html``
  }
  if (frame.context.signal.aborted) return
  showBody(
    frame,
    html`
      <a href="${organisationLinks.add()}" role="button" draggable="false" class="govuk-button" data-module="govuk-button">Add an organisation</a>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">${filterForm(search, kind ?? '')}</div>
      </div>
      ${below}`,
  )
  submitToQuery(requireElement(frame.body, '#organisation-filter', HTMLFormElement), frame.context, ORGANISATIONS_PATH)
}

function route(container: HTMLElement, context: RouteContext): string {
  const code = (context.query.get('code') ?? '').trim()
  switch (context.query.get('action')) {
    case 'add': {
      const frame = openFrame(container, context, { title: 'Add an organisation', back })
      void addOrganisation(frame)
      return frame.title
    }
    case 'change': {
      const frame = openFrame(container, context, { title: 'Change an organisation', back })
      void changeOrganisation(frame, code)
      return frame.title
    }
    case 'deactivate':
    case 'reactivate': {
      const reactivate = context.query.get('action') === 'reactivate'
      const frame = openFrame(container, context, { title: reactivate ? 'Reactivate an organisation' : 'Deactivate an organisation', back })
      void changeOrganisationStatus(frame, code, reactivate)
      return frame.title
    }
    default: {
      const frame = openFrame(container, context, { title: TITLE, loading: 'Loading organisations…' })
      void showList(frame, context.query)
      return frame.title
    }
  }
}

export const organisationsView: View = (container, context) => ({ title: route(container, context) })
