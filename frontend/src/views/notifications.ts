/**
 * The inbox: what practitioners should know about the children they work with, newest
 * first. New ones also arrive live (the badge in the menu); reading the inbox is audited
 * by the server because notifications name children.
 */
import { graphql, request, type ResultOf } from '../api'
import { html, setHtml, type SafeHtml } from '../dom'
import { longDateTime, problemsFrom, summary } from '../forms'
import type { RouteContext, View } from '../router'
import { requirePerson } from '../session'
import { setUnread } from '../shell'

const INBOX = graphql(`
  query Inbox($first: Int!) {
    notifications(first: $first) { id kind childId message createdAt readAt }
    unreadNotificationCount
  }
`)
const MARK_ALL = graphql(`mutation MarkAllRead { markAllNotificationsRead }`)

type Notification = ResultOf<typeof INBOX>['notifications'][number]

const TITLE = 'Notifications'

function item(notification: Notification): SafeHtml {
  return html`
    <li class="govuk-!-margin-bottom-4">
      ${notification.readAt === null ? html`<strong class="govuk-tag govuk-tag--blue">New</strong> ` : ''}
      <a class="govuk-link" href="/children/${encodeURIComponent(notification.childId)}">${notification.message}</a>
      <br><span class="govuk-hint govuk-!-font-size-16">${longDateTime(notification.createdAt)}</span>
    </li>`
}

function render(container: HTMLElement, context: RouteContext, notifications: readonly Notification[], unread: number): void {
  setHtml(
    container,
    html`
      <h1 class="govuk-heading-l">${TITLE}</h1>
      ${notifications.length === 0
        ? html`<p class="govuk-body">You have no notifications. You will be told here when another service becomes involved with a child you work with.</p>`
        : html`
            ${unread > 0 ? html`<button type="button" class="govuk-button govuk-button--secondary" data-module="govuk-button" id="mark-all">Mark all as read</button>` : ''}
            <ul class="govuk-list">${notifications.map(item)}</ul>`}`,
  )
  container.querySelector('#mark-all')?.addEventListener('click', () => {
    void (async () => {
      await request(MARK_ALL, {}, { signal: context.signal })
      setUnread(0)
      if (!context.signal.aborted) render(container, context, notifications.map((n) => ({ ...n, readAt: n.readAt ?? 'now' })), 0)
    })()
  })
}

export const notificationsView: View = (container, context) => {
  setHtml(container, html`<h1 class="govuk-heading-l">${TITLE}</h1><p class="govuk-body">Loading…</p>`)
  void (async () => {
    if ((await requirePerson(container, context)) === null) return
    try {
      const data = await request(INBOX, { first: 50 }, { signal: context.signal })
      if (context.signal.aborted) return
      setUnread(data.unreadNotificationCount)
      render(container, context, data.notifications, data.unreadNotificationCount)
    } catch (error) {
      if (!context.signal.aborted) setHtml(container, html`<h1 class="govuk-heading-l">${TITLE}</h1>${summary(problemsFrom(error), [])}`)
    }
  })()
  return { title: TITLE }
}
