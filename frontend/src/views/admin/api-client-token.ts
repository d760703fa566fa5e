/**
 * A partner client's token, shown once (after adding a client or rotating its token),
 * and the confirmation steps for rotating and revoking.
 *
 * The token lives only in this page's memory: it is never put in the URL or stored,
 * so leaving the page (or reloading it) is the end of it.
 */
import './admin.css'
import { request } from '../../api'
import { html, requireElement } from '../../dom'
import type { RouteContext } from '../../router'
import { requirePerson } from '../../session'
import { apiClientLinks, backToApiClients } from './api-client-links'
import { findApiClient, REVOKE_API_CLIENT, ROTATE_API_CLIENT_TOKEN, type ApiClient, type IssuedToken } from './api-clients-api'
import { confirmation, flashNext, nothingHere, onConfirm, replacePage, showBody, showFailure, type Frame } from './page'

/** Replace the page with the token in a GOV.UK panel, and a warning to copy it now. */
export function showToken(container: HTMLElement, context: RouteContext, issued: IssuedToken, title: string): void {
  replacePage(
    container,
    context,
    title,
    html`
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <div class="govuk-panel govuk-panel--confirmation">
            <h1 class="govuk-panel__title">${title}</h1>
            <div class="govuk-panel__body govuk-!-font-size-24">
              The token for ${issued.client.name} is
              <strong class="cp-token" id="issued-token">${issued.token}</strong>
            </div>
          </div>
          <div class="govuk-warning-text">
            <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
            <strong class="govuk-warning-text__text">
              <span class="govuk-visually-hidden">Warning</span>
              Copy this token now and give it to ${issued.client.organisationName} securely. It will not be
              shown again: if it is lost, issue a new token from the partner access page.
            </strong>
          </div>
          <button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" id="copy-token" hidden>Copy token</button>
          <p class="govuk-body" role="status" id="copy-status"></p>
          <p class="govuk-body"><a class="govuk-link" href="${apiClientLinks.list()}">I have copied the token: back to partner access</a></p>
        </div>
      </div>`,
  )
  const button = requireElement(container, '#copy-token', HTMLButtonElement)
  const status = requireElement(container, '#copy-status', HTMLElement)
  if (!('clipboard' in navigator)) return
  button.hidden = false
  button.addEventListener('click', () => {
    navigator.clipboard.writeText(issued.token).then(
      () => {
        status.textContent = 'Token copied.'
      },
      () => {
        status.textContent = 'The token could not be copied: select it and copy it yourself.'
      },
    )
  })
}

function describe(client: ApiClient): string {
  return `${client.name} (${client.organisationName})`
}

async function load(frame: Frame, id: string): Promise<ApiClient | null> {
  if ((await requirePerson(frame.container, frame.context, ['ADMINISTRATOR'])) === null) return null
  let client: ApiClient | null
  try {
    client = id === '' ? null : await findApiClient(id, frame.context.signal)
  } catch (error) {
    if (showFailure(frame, error).length > 0) showBody(frame, html``)
    return null
  }
  if (frame.context.signal.aborted) return null
  if (client === null) {
    nothingHere(frame, 'No partner client has that id.', backToApiClients)
    return null
  }
  if (client.revokedAt !== null) {
    nothingHere(frame, `${describe(client)} has been revoked: its token no longer works.`, backToApiClients)
    return null
  }
  return client
}

export async function rotateApiClient(frame: Frame, id: string): Promise<void> {
  const client = await load(frame, id)
  if (client === null) return
  showBody(
    frame,
    html`
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <p class="govuk-body-l">Issue a new token for ${describe(client)}?</p>
          ${confirmation({
            warning: 'The current token stops working at once. The partner must start using the new token.',
            button: 'Issue a new token',
            cancelHref: apiClientLinks.list(),
            destructive: true,
          })}
        </div>
      </div>`,
  )
  onConfirm(frame, async () => {
    try {
      const issued = await request(ROTATE_API_CLIENT_TOKEN, { id: client.id }, { signal: frame.context.signal })
      showToken(frame.container, frame.context, issued.rotateApiClientToken, 'New token issued')
    } catch (error) {
      showFailure(frame, error)
    }
  })
}

export async function revokeApiClient(frame: Frame, id: string): Promise<void> {
  const client = await load(frame, id)
  if (client === null) return
  showBody(
    frame,
    html`
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <p class="govuk-body-l">Revoke ${describe(client)}?</p>
          ${confirmation({
            warning: 'Its token stops working at once and the client cannot be restored. To give the partner access again, add a new client.',
            button: 'Revoke partner client',
            cancelHref: apiClientLinks.list(),
            destructive: true,
          })}
        </div>
      </div>`,
  )
  onConfirm(frame, async () => {
    try {
      const revoked = await request(REVOKE_API_CLIENT, { id: client.id }, { signal: frame.context.signal })
      flashNext(`${revoked.revokeApiClient.name} has been revoked`)
      frame.context.navigate(apiClientLinks.list())
    } catch (error) {
      showFailure(frame, error)
    }
  })
}
