/**
 * Partner access (/admin/api-clients), for national administrators: the partner
 * systems that read children's records through the API, with the fields each may read;
 * and (by `?action=`) adding one, issuing a new token, or revoking one. A token is
 * shown once, when it is issued.
 */
import { request } from '../../api'
import { html, type SafeHtml } from '../../dom'
import { longDateTime } from '../../forms'
import type { RouteContext, View } from '../../router'
import { requirePerson } from '../../session'
import { addApiClient } from './api-client-form'
import { apiClientLinks, backToApiClients as back } from './api-client-links'
import { revokeApiClient, rotateApiClient } from './api-client-token'
import { API_CLIENTS, fieldName, type ApiClient } from './api-clients-api'
import { openFrame, showBody, showFailure, type Frame } from './page'

const TITLE = 'Partner access'

function summaryRow(key: string, value: SafeHtml | string): SafeHtml {
  return html`
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key">${key}</dt>
      <dd class="govuk-summary-list__value">${value}</dd>
    </div>`
}

function card(client: ApiClient): SafeHtml {
  const hidden = html`<span class="govuk-visually-hidden"> for ${client.name}</span>`
  return html`
    <div class="govuk-summary-card">
      <div class="govuk-summary-card__title-wrapper">
        <h2 class="govuk-summary-card__title">${client.name}</h2>
        ${client.revokedAt === null && html`
          <ul class="govuk-summary-card__actions">
            <li class="govuk-summary-card__action"><a class="govuk-link" href="${apiClientLinks.rotate(client.id)}">Issue a new token${hidden}</a></li>
            <li class="govuk-summary-card__action"><a class="govuk-link" href="${apiClientLinks.revoke(client.id)}">Revoke${hidden}</a></li>
          </ul>`}
      </div>
      <div class="govuk-summary-card__content">
        <dl class="govuk-summary-list">
          ${summaryRow('Organisation', html`${client.organisationName}<br><span class="govuk-body-s">${client.organisationCode}</span>`)}
          ${summaryRow('Fields it may read', html`<ul class="govuk-list govuk-!-margin-bottom-0">${client.fields.map((field) => html`<li>${fieldName(field)}</li>`)}</ul>`)}
          ${summaryRow('Added', longDateTime(client.createdAt))}
          ${summaryRow('Last used', client.lastUsedAt === null ? 'Never' : longDateTime(client.lastUsedAt))}
          ${summaryRow(
            'Status',
            client.revokedAt === null
              ? html`<strong class="govuk-tag govuk-tag--green">Active</strong>`
              : html`<strong class="govuk-tag govuk-tag--grey">Revoked</strong> ${longDateTime(client.revokedAt)}`,
          )}
        </dl>
      </div>
    </div>`
}

function list(clients: readonly ApiClient[]): SafeHtml {
  if (clients.length === 0) {
    return html`<p class="govuk-body govuk-!-font-weight-bold">No partner systems have access yet.</p>`
  }
  // Active clients first: they are the ones that can still read records.
  const sorted = [...clients].sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null))
  return html`${sorted.map(card)}`
}

async function showList(frame: Frame): Promise<void> {
  if ((await requirePerson(frame.container, frame.context, ['ADMINISTRATOR'])) === null) return
  let below: SafeHtml
  try {
    below = list((await request(API_CLIENTS, {}, { signal: frame.context.signal })).apiClients)
  } catch (error) {
    if (showFailure(frame, error).length === 0) return
    below = html``
  }
  if (frame.context.signal.aborted) return
  showBody(
    frame,
    html`
      <p class="govuk-body">Partner systems read children’s records through the API, each only the fields it was granted.</p>
      <a href="${apiClientLinks.add()}" role="button" draggable="false" class="govuk-button" data-module="govuk-button">Add a partner client</a>
      ${below}`,
  )
}

function route(container: HTMLElement, context: RouteContext): string {
  const id = (context.query.get('id') ?? '').trim()
  switch (context.query.get('action')) {
    case 'add': {
      const frame = openFrame(container, context, { title: 'Add a partner client', back })
      void addApiClient(frame)
      return frame.title
    }
    case 'rotate': {
      const frame = openFrame(container, context, { title: 'Issue a new token', back })
      void rotateApiClient(frame, id)
      return frame.title
    }
    case 'revoke': {
      const frame = openFrame(container, context, { title: 'Revoke a partner client', back })
      void revokeApiClient(frame, id)
      return frame.title
    }
    default: {
      const frame = openFrame(container, context, { title: TITLE, loading: 'Loading partner clients…' })
      void showList(frame)
      return frame.title
    }
  }
}

export const apiClientsView: View = (container, context) => ({ title: route(container, context) })
