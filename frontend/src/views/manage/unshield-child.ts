/**
 * Lifting a child's shielding (/manage/shielding?unshield=<ContactPoint ID>): the
 * shielding as recorded, a warning of what others will then see, and the note saying
 * why, which the server requires and keeps with the shielding history.
 */
import { graphql, request, type ResultOf } from '../../api'
import { html, requireElement, type SafeHtml } from '../../dom'
import { formText, longDate, textArea, type Problems } from '../../forms'
import type { View } from '../../router'
import {
  forManagers,
  gone,
  problemsOf,
  setFlash,
  showBody,
  showProblems,
  startPage,
  successBanner,
  warning,
  type Page,
} from './common'
import { REASON_LABELS } from './shield-child'

const SHIELDED = graphql(`
  query ShieldedChildToLift {
    shieldedChildren {
      childId
      childName
      dateOfBirth
      reason
      note
      shieldedAt
      shieldedBy
      reviewDate
    }
  }
`)

const UNSHIELD = graphql(`
  mutation UnshieldChild($childId: ID!, $note: String!) {
    unshieldChild(childId: $childId, note: $note) {
      id
      shielded
    }
  }
`)

type Shielded = ResultOf<typeof SHIELDED>['shieldedChildren'][number]

const TITLE = 'Unshield a child'
const FIELDS = ['note']

function row(key: string, value: SafeHtml | string): SafeHtml {
  return html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt><dd class="govuk-summary-list__value">${value}</dd></div>`
}

function formMarkup(child: Shielded, note: string, problems: Problems): SafeHtml {
  return html`
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <dl class="govuk-summary-list">
          ${row('Child', html`<a class="govuk-link" href="/children/${encodeURIComponent(child.childId)}">${child.childName}</a>`)}
          ${row('ContactPoint ID', child.childId)}
          ${row('Date of birth', longDate(child.dateOfBirth))}
          ${row('Reason', REASON_LABELS[child.reason])}
          ${child.note ? row('Note', child.note) : ''}
          ${row('Shielded', `${longDate(child.shieldedAt)}${child.shieldedBy ? ` by ${child.shieldedBy}` : ''}`)}
          ${row('Review date', longDate(child.reviewDate))}
        </dl>
        ${warning('Once shielding is lifted, every practitioner who finds this child can see their address, parents and carers, and the services involved.')}
        <form id="unshield-form" method="post" novalidate>
          ${textArea({ name: 'note', label: 'Why does the child no longer need shielding?', hint: 'This is kept with the shielding history.', value: note, problems, rows: 3 })}
          <div class="govuk-button-group">
            <button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button" data-prevent-double-click="true">Unshield child</button>
            <a class="govuk-link" href="/manage/shielding">Cancel</a>
          </div>
        </form>
      </div>
    </div>`
}

function render(page: Page, child: Shielded, note: string, problems: Problems): void {
  showBody(page, formMarkup(child, note, problems))
  showProblems(page, problems, FIELDS)
  const form = requireElement(page.body, '#unshield-form', HTMLFormElement)
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const given = formText(form, 'note')
    if (given === '') {
      render(page, child, given, [{ field: 'note', message: 'Say why the child no longer needs shielding' }])
      return
    }
    requireElement(form, 'button[type="submit"]', HTMLButtonElement).disabled = true
    void (async () => {
      try {
        await request(UNSHIELD, { childId: child.childId, note: given }, { signal: page.context.signal })
      } catch (error) {
        if (!gone(page)) render(page, child, given, problemsOf(error))
        return
      }
      if (gone(page)) return
      setFlash(successBanner(`${child.childName} is no longer shielded`))
      page.context.navigate('/manage/shielding')
    })()
  })
}

export const unshieldView: View = (container, context) => {
  const page = startPage(container, context, TITLE)
  forManagers(page, async () => {
    const id = context.query.get('unshield') ?? ''
    const data = await request(SHIELDED, {}, { signal: context.signal })
    if (gone(page)) return
    const child = data.shieldedChildren.find((found) => found.childId === id)
    if (child === undefined) {
      showBody(
        page,
        html`<p class="govuk-body">This child is not shielded, or is not one your authority is responsible for.</p>
          <p class="govuk-body"><a class="govuk-link" href="/manage/shielding">Back to shielded children</a></p>`,
      )
      return
    }
    render(page, child, '', [])
  })
  return { title: TITLE }
}
