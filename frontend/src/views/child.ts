/**
 * A child's record: identity, whom to contact, address, parents and carers, the services
 * involved (lead professional marked), CAF and history; the caller's own involvements
 * with "end" links; and, on a shielded record, a clear banner with the team to contact
 * (and its out-of-hours number), the request to be put in touch and, for the authority's
 * emergency duty workers, the emergency route (./emergency-access.ts).
 *
 * Withheld is not empty: a section the API withheld says so, with the reason, and never
 * reads as "none". Opening a record is audited by the server.
 */
import { graphql, request, type ResultOf } from '../api'
import { html, requireElement, setHtml, type SafeHtml } from '../dom'
import { formText, longDate, problemsFrom, showProblems, summary, textArea, words, type Problems } from '../forms'
import { focusHeading, type RouteContext, type View } from '../router'
import { hasRole, requirePerson, type Person } from '../session'
import {
  emergencyBanner,
  emergencyRoute,
  startCountdown,
  wireEmergencyForm,
  type EmergencyRefusal,
  type EmergencyState,
} from './emergency-access'

const RECORD = graphql(`
  query ChildRecord($id: ID!) {
    child(id: $id) {
      id
      contactPointId
      givenNames
      familyName
      otherNames
      dateOfBirth
      gender
      shielded
      responsibleAuthority { code name teamName teamPhone teamEmail teamOutOfHoursPhone }
      address { line1 line2 town postcode }
      parentsAndCarers { name relationship parentalResponsibility phone }
      involvements {
        id serviceTypeLabel practitionerName practitionerRole phone email startDate leadProfessional
        organisation { name }
        withheld { field reason }
      }
      involvementHistory {
        id serviceTypeLabel practitionerName startDate endDate endedBy
        organisation { name }
      }
      myInvolvements { id serviceTypeLabel startDate organisation { name } }
      caf { status startedOn completedOn closedOn holderName holderPhone holderEmail holder { name } }
      emergencyAccess { grantId purpose grantedAt expiresAt }
      withheld { field reason }
    }
  }
`)

const REQUEST_CONTACT = graphql(`
  mutation RequestContact($childId: ID!, $message: String!) {
    requestContact(childId: $childId, message: $message) { id status }
  }
`)

export type Child = NonNullable<ResultOf<typeof RECORD>['child']>
type Reason = Child['withheld'][number]['reason']

const REASONS: Readonly<Record<Reason, string>> = {
  SHIELDED: 'the child is shielded',
  ROLE: 'your role does not include it',
  SCOPE: 'your access does not include it',
  CONSENT: 'it is a sensitive service recorded with consent',
  SUMMARY: 'open the record to see it',
}

function withheldReason(child: Child, field: string): Reason | undefined {
  return child.withheld.find((item) => item.field === field)?.reason
}

/** Shown instead of a section the caller may not see: never an empty list. */
function withheldNotice(child: Child, field: string, what: string): SafeHtml {
  const reason = withheldReason(child, field)
  return html`<p class="govuk-body govuk-hint">${what} withheld: ${reason ? REASONS[reason] : 'not available to you'}.</p>`
}

function summaryRow(key: string, value: SafeHtml | string): SafeHtml {
  return html`<div class="govuk-summary-list__row">
    <dt class="govuk-summary-list__key">${key}</dt>
    <dd class="govuk-summary-list__value">${value}</dd>
  </div>`
}

/** A mailto: link whose address cannot add headers (?cc=, &body=) to the message. */
export function mailto(email: string): SafeHtml {
  return html`<a class="govuk-link" href="mailto:${encodeURIComponent(email).replace(/%40/g, '@')}">${email}</a>`
}

function contactLines(phone: string | null, email: string | null): SafeHtml {
  return html`${phone ? html`${phone}<br>` : ''}${email ? mailto(email) : ''}`
}

function shieldedBanner(child: Child, emergency: EmergencyState | null): SafeHtml {
  const team = child.responsibleAuthority
  return html`
    <div class="govuk-notification-banner" role="region" aria-labelledby="shielded-title" data-module="govuk-notification-banner">
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id="shielded-title">Shielded record</h2>
      </div>
      <div class="govuk-notification-banner__content">
        <p class="govuk-notification-banner__heading">This child is shielded. Their details are withheld to keep them safe.</p>
        <p class="govuk-body">
          Contact ${team?.teamName ?? 'the ContactPoint team'} at ${team?.name ?? 'the responsible authority'}
          ${team?.teamPhone ? html`on ${team.teamPhone}` : ''}
          ${team?.teamEmail ? html`or ${mailto(team.teamEmail)}` : ''}.
        </p>
        ${team?.teamOutOfHoursPhone ? html`<p class="govuk-body" id="out-of-hours">Out of hours, call the emergency duty team on <strong>${team.teamOutOfHoursPhone}</strong>.</p>` : ''}
        <p class="govuk-body">If you need to work with this child, ask the team to pass your details on.</p>
        ${emergency ? emergencyRoute(emergency) : ''}
      </div>
    </div>`
}

function requestForm(problems: Problems, sent: boolean): SafeHtml {
  if (sent) {
    return html`<div class="govuk-inset-text" id="request-sent">Your request has been sent to the ContactPoint team. You will get a notification when they answer.</div>`
  }
  return html`
    <h2 class="govuk-heading-m">Ask to be put in touch</h2>
    ${summary(problems, ['message'])}
    <form id="request-form" novalidate>
      ${textArea({
        name: 'message',
        label: 'Why do you need to work with this child?',
        hint: 'Say who you are and your role. Do not include anything about where the child may be.',
        problems,
      })}
      <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Send request</button>
    </form>`
}

function identity(child: Child): SafeHtml {
  const team = child.responsibleAuthority
  return html`
    <dl class="govuk-summary-list">
      ${summaryRow('ContactPoint ID', child.contactPointId ?? child.id)}
      ${summaryRow('Date of birth', longDate(child.dateOfBirth))}
      ${summaryRow('Gender', words(child.gender))}
      ${child.otherNames && child.otherNames.length > 0 ? summaryRow('Other names', child.otherNames.join(', ')) : ''}
      ${summaryRow(
        'Responsible authority',
        html`${team?.name ?? ''}${team?.teamName ? html`<br>${team.teamName}` : ''}${team ? html`<br>${contactLines(team.teamPhone, team.teamEmail)}` : ''}`,
      )}
      ${child.address
        ? summaryRow(
            'Address',
            html`${[child.address.line1, child.address.line2, child.address.town, child.address.postcode]
              .filter(Boolean)
              .map((line) => html`${line}<br>`)}`,
          )
        : ''}
    </dl>`
}

function involvementsSection(child: Child): SafeHtml {
  if (child.involvements === null) return withheldNotice(child, 'involvements', 'Services involved')
  const partial = withheldReason(child, 'involvements')
  return html`
    ${child.involvements.length === 0
      ? html`<p class="govuk-body">${partial ? 'No involvements you may see.' : 'No services have recorded an involvement with this child.'}</p>`
      : html`<dl class="govuk-summary-list">
          ${child.involvements.map((item) =>
            summaryRow(
              item.organisation.name,
              html`
                ${item.leadProfessional ? html`<strong class="govuk-tag govuk-tag--green">Lead professional</strong><br>` : ''}
                ${item.serviceTypeLabel ?? html`<span class="govuk-hint">Service withheld (${REASONS.CONSENT})</span>`}<br>
                ${item.practitionerName}${item.practitionerRole ? `, ${item.practitionerRole}` : ''}<br>
                ${contactLines(item.phone, item.email)}<br>
                <span class="govuk-hint">Since ${longDate(item.startDate)}</span>`,
            ),
          )}
        </dl>`}
    ${partial ? html`<p class="govuk-body govuk-hint">Some involvements are not shown: ${REASONS[partial]}.</p>` : ''}`
}

function mineSection(child: Child): SafeHtml {
  const mine = child.myInvolvements ?? []
  return html`
    <h2 class="govuk-heading-m">Your involvement</h2>
    ${mine.length === 0
      ? html`<p class="govuk-body">You have not recorded an involvement with this child.</p>`
      : html`<ul class="govuk-list">
          ${mine.map(
            (item) => html`<li>
              ${item.serviceTypeLabel ?? 'Service'} (${item.organisation.name}) since ${longDate(item.startDate)} —
              <a class="govuk-link" href="/children/${encodeURIComponent(child.id)}/involvements/${encodeURIComponent(item.id)}/end">End this involvement</a>
            </li>`,
          )}
        </ul>`}
    <a class="govuk-button govuk-button--secondary" data-module="govuk-button" href="/children/${encodeURIComponent(child.id)}/involvements/new">Record your involvement</a>`
}

function cafSection(child: Child): SafeHtml {
  if (child.caf === null && withheldReason(child, 'caf')) return withheldNotice(child, 'caf', 'CAF')
  if (child.caf === null) return html`<p class="govuk-body">No Common Assessment Framework assessment is recorded.</p>`
  const caf = child.caf
  return html`<dl class="govuk-summary-list">
    ${summaryRow('Status', words(caf.status))}
    ${summaryRow('Started', longDate(caf.startedOn))}
    ${caf.completedOn ? summaryRow('Completed', longDate(caf.completedOn)) : ''}
    ${caf.closedOn ? summaryRow('Closed', longDate(caf.closedOn)) : ''}
    ${summaryRow('Held by', html`${caf.holderName}, ${caf.holder.name}<br>${contactLines(caf.holderPhone, caf.holderEmail)}`)}
  </dl>`
}

function carersSection(child: Child): SafeHtml {
  if (child.parentsAndCarers === null) return withheldNotice(child, 'parentsAndCarers', 'Parents and carers')
  if (child.parentsAndCarers.length === 0) return html`<p class="govuk-body">No parents or carers are recorded.</p>`
  return html`<dl class="govuk-summary-list">
    ${child.parentsAndCarers.map((carer) =>
      summaryRow(
        carer.name,
        html`${words(carer.relationship)}${carer.parentalResponsibility ? ', has parental responsibility' : ''}${carer.phone ? html`<br>${carer.phone}` : ''}`,
      ),
    )}
  </dl>`
}

function historySection(child: Child): SafeHtml {
  if (child.involvementHistory === null) return withheldNotice(child, 'involvementHistory', 'History')
  if (child.involvementHistory.length === 0) return html`<p class="govuk-body">No involvements have ended.</p>`
  return html`<ul class="govuk-list">
    ${child.involvementHistory.map(
      (item) => html`<li>${item.organisation.name}: ${item.serviceTypeLabel ?? 'service withheld'}, ${item.practitionerName},
        ${longDate(item.startDate)} to ${longDate(item.endDate)}${item.endedBy ? ` (ended by ${item.endedBy})` : ''}</li>`,
    )}
  </ul>`
}

/** The emergency route is offered only to the child's own authority's duty workers. */
function emergencyFor(who: Person, child: Child, refusal: EmergencyRefusal | null): EmergencyState | null {
  if (!child.shielded || child.emergencyAccess !== null || child.involvements !== null) return null
  if (!hasRole(who, 'EMERGENCY_DUTY') || who.organisation.code !== child.responsibleAuthority?.code) return null
  return refusal ?? { problems: [], purpose: '', reason: '' }
}

function recordMarkup(who: Person, child: Child, problems: Problems, sent: boolean, refusal: EmergencyRefusal | null): SafeHtml {
  const name = `${child.givenNames ?? ''} ${child.familyName ?? ''}`.trim()
  return html`
    <a href="/search" class="govuk-back-link">Back to search</a>
    <span class="govuk-caption-l">Child record</span>
    <h1 class="govuk-heading-l">${name}</h1>
    ${child.emergencyAccess ? emergencyBanner(child.emergencyAccess) : ''}
    ${child.shielded && !child.emergencyAccess ? shieldedBanner(child, emergencyFor(who, child, refusal)) : ''}
    ${identity(child)}
    ${child.shielded && child.involvements === null ? requestForm(problems, sent) : ''}
    <h2 class="govuk-heading-m">Services involved</h2>
    ${involvementsSection(child)}
    ${mineSection(child)}
    <h2 class="govuk-heading-m">Parents and carers</h2>
    ${carersSection(child)}
    <h2 class="govuk-heading-m">Common Assessment Framework</h2>
    ${cafSection(child)}
    <h2 class="govuk-heading-m">Ended involvements</h2>
    ${historySection(child)}`
}

function mount(
  container: HTMLElement,
  context: RouteContext,
  who: Person,
  child: Child,
  problems: Problems,
  sent: boolean,
  refusal: EmergencyRefusal | null = null,
): void {
  const name = `${child.givenNames ?? ''} ${child.familyName ?? ''}`.trim()
  setHtml(container, recordMarkup(who, child, problems, sent, refusal))
  showProblems(container, context.setTitle, name, [...problems, ...(refusal?.problems ?? [])])
  const reload = (): void => void load(container, context, who)
  if (child.emergencyAccess) startCountdown(container, context, child.emergencyAccess.expiresAt, reload)
  wireEmergencyForm(container, context, child.id, {
    opened: reload,
    refused: (refused) => mount(container, context, who, child, [], false, refused),
  })
  const form = container.querySelector<HTMLFormElement>('#request-form')
  form?.addEventListener('submit', (event) => {
    event.preventDefault()
    const message = formText(form, 'message')
    if (message === '') {
      mount(container, context, who, child, [{ field: 'message', message: 'Say why you need to work with this child' }], false)
      return
    }
    void (async () => {
      try {
        await request(REQUEST_CONTACT, { childId: child.id, message }, { signal: context.signal })
        if (!context.signal.aborted) {
          mount(container, context, who, child, [], true)
          requireElement(container, '#request-sent', HTMLElement).focus()
        }
      } catch (error) {
        if (!context.signal.aborted) mount(container, context, who, child, problemsFrom(error), false)
      }
    })()
  })
}

async function load(container: HTMLElement, context: RouteContext, who: Person): Promise<void> {
  const id = context.params['id'] ?? ''
  try {
    const data = await request(RECORD, { id }, { signal: context.signal })
    if (context.signal.aborted) return
    if (data.child === null) throw new Error('no child')
    mount(container, context, who, data.child, [], false)
    focusHeading(container)
  } catch (error) {
    if (context.signal.aborted) return
    const problems = problemsFrom(error)
    setHtml(
      container,
      html`<a href="/search" class="govuk-back-link">Back to search</a>
        <h1 class="govuk-heading-l">Child record not available</h1>
        <p class="govuk-body">${problems[0]?.message ?? 'No child has that ContactPoint ID.'}</p>`,
    )
    context.setTitle('Child record not available')
  }
}

export const childView: View = (container, context) => {
  setHtml(container, html`<h1 class="govuk-heading-l">Child record</h1><p class="govuk-body">Loading…</p>`)
  void (async () => {
    const who = await requirePerson(container, context)
    if (who === null) return
    await load(container, context, who)
  })()
  return { title: 'Child record' }
}
