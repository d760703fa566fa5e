/** Deactivating or reactivating an organisation, after a confirmation step. */
import { request } from '../../api'
import { html } from '../../dom'
import { requirePerson } from '../../session'
import { backToOrganisations, organisationLinks } from './organisation-links'
import { DEACTIVATE_ORGANISATION, findOrganisation, kindName, REACTIVATE_ORGANISATION, type OrganisationDetail } from './organisations-api'
import { confirmation, flashNext, nothingHere, onConfirm, showBody, showFailure, type Frame } from './page'

async function apply(frame: Frame, organisation: OrganisationDetail, reactivate: boolean): Promise<void> {
  const variables = { code: organisation.code }
  const options = { signal: frame.context.signal }
  try {
    const name = reactivate
      ? (await request(REACTIVATE_ORGANISATION, variables, options)).reactivateOrganisation.name
      : (await request(DEACTIVATE_ORGANISATION, variables, options)).deactivateOrganisation.name
    flashNext(`${name} (${organisation.code}) has been ${reactivate ? 'reactivated' : 'deactivated'}`)
    frame.context.navigate(organisationLinks.list(organisation.code))
  } catch (error) {
    showFailure(frame, error)
  }
}

export async function changeOrganisationStatus(frame: Frame, code: string, reactivate: boolean): Promise<void> {
  if ((await requirePerson(frame.container, frame.context, ['ADMINISTRATOR'])) === null) return
  let organisation: OrganisationDetail | null
  try {
    organisation = code === '' ? null : await findOrganisation(code, frame.context.signal)
  } catch (error) {
    if (showFailure(frame, error).length > 0) showBody(frame, html``)
    return
  }
  if (frame.context.signal.aborted) return
  if (organisation === null) {
    nothingHere(frame, 'No organisation has that code.', backToOrganisations)
    return
  }
  if (organisation.active === reactivate) {
    nothingHere(frame, `${organisation.name} is already ${organisation.active ? 'active' : 'deactivated'}.`, backToOrganisations)
    return
  }
  const found = organisation
  showBody(
    frame,
    html`
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <p class="govuk-body-l">${reactivate ? 'Reactivate' : 'Deactivate'} ${found.name} (${found.code}), ${kindName(found.kind).toLowerCase()}?</p>
          ${confirmation({
            warning: reactivate
              ? 'Users and partner clients can be added to it again.'
              : 'While it is deactivated, no users or partner clients can be added to it. You can reactivate it later.',
            button: reactivate ? 'Reactivate organisation' : 'Deactivate organisation',
            cancelHref: organisationLinks.list(found.code),
            destructive: !reactivate,
          })}
        </div>
      </div>`,
  )
  onConfirm(frame, () => apply(frame, found, reactivate))
}
