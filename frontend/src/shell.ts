/**
 * The page around every view: the menu for the signed-in person's roles, the unread
 * notifications badge kept live over a WebSocket subscription, signing out, and the
 * warning before an idle session ends.
 */
import { graphql, request } from './api'
import { html, setHtml } from './dom'
import { onRequestAnswered } from './graphql'
import { hasRole, onPersonChange, person, refreshPerson, type Person } from './session'

const IDLE_LIMIT_MS = 30 * 60 * 1000 // the server ends a session after 30 idle minutes
const WARN_BEFORE_MS = 5 * 60 * 1000

const UNREAD = graphql(`query Unread { unreadNotificationCount }`)
const SIGN_OUT = graphql(`mutation SignOut { signOut }`)
const STAY = graphql(`query Stay { me { id } }`)
const LIVE = `subscription Live { notificationReceived { id message } }`

interface MenuItem {
  readonly href: string
  readonly text: string
  readonly show: (who: Person) => boolean
}

const MENU: readonly MenuItem[] = [
  { href: '/search', text: 'Search', show: (who) => who.canAccessChildData },
  { href: '/notifications', text: 'Notifications', show: (who) => who.canAccessChildData },
  { href: '/manage/users', text: 'Users', show: (who) => hasRole(who, 'MANAGER', 'ADMINISTRATOR') },
  { href: '/manage/shielding', text: 'Shielding', show: (who) => hasRole(who, 'MANAGER', 'ADMINISTRATOR') },
  { href: '/manage/match-reviews', text: 'Feed reviews', show: (who) => hasRole(who, 'MANAGER', 'ADMINISTRATOR') },
  { href: '/audit', text: 'Audit', show: (who) => hasRole(who, 'MANAGER', 'AUDITOR', 'ADMINISTRATOR') },
  { href: '/admin/organisations', text: 'Organisations', show: (who) => hasRole(who, 'ADMINISTRATOR') },
  { href: '/admin/api-clients', text: 'Partner access', show: (who) => hasRole(who, 'ADMINISTRATOR') },
]

let unread = 0
let socket: WebSocket | null = null
let idleTimers: number[] = []

function announce(text: string): void {
  const announcer = document.getElementById('live-announcer')
  if (announcer) announcer.textContent = text
}

function renderMenu(who: Person | null): void {
  const nav = document.getElementById('service-nav')
  if (!nav) return
  if (who === null) {
    nav.hidden = true
    nav.replaceChildren()
    return
  }
  const current = window.location.pathname
  setHtml(
    nav,
    html`<ul class="govuk-service-navigation__list">
      ${MENU.filter((item) => item.show(who)).map(
        (item) => html`
          <li class="govuk-service-navigation__item${current.startsWith(item.href) ? ' govuk-service-navigation__item--active' : ''}">
            <a class="govuk-service-navigation__link" href="${item.href}">${item.text}${
              item.href === '/notifications'
                ? html` <strong class="govuk-tag govuk-tag--red cp-badge" id="unread-badge" ${unread === 0 ? 'hidden' : ''}>${unread}<span class="govuk-visually-hidden"> unread</span></strong>`
                : ''
            }</a>
          </li>`,
      )}
      <li class="govuk-service-navigation__item">
        <a class="govuk-service-navigation__link" href="/sign-out" id="sign-out-link">Sign out<span class="govuk-visually-hidden"> (${who.name})</span></a>
      </li>
    </ul>`,
  )
  nav.hidden = false
}

function renderBadge(): void {
  const badge = document.getElementById('unread-badge')
  if (!badge) return
  setHtml(badge, html`${unread}<span class="govuk-visually-hidden"> unread</span>`)
  badge.hidden = unread === 0
}

/** Set the unread count (e.g. after reading the inbox). */
export function setUnread(count: number): void {
  unread = count
  renderBadge()
}

function listen(): void {
  if (socket !== null) return
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws'
  const ws = new WebSocket(`${scheme}://${window.location.host}/graphql`, 'graphql-transport-ws')
  socket = ws
  ws.addEventListener('open', () => ws.send(JSON.stringify({ type: 'connection_init' })))
  ws.addEventListener('message', (event) => {
    const message: unknown = JSON.parse(String(event.data))
    if (typeof message !== 'object' || message === null) return
    const kind = (message as { type?: string }).type
    if (kind === 'connection_ack') {
      ws.send(JSON.stringify({ id: 'live', type: 'subscribe', payload: { query: LIVE } }))
    } else if (kind === 'next') {
      const text = (message as { payload?: { data?: { notificationReceived?: { message?: string } } } }).payload?.data
        ?.notificationReceived?.message
      if (text) {
        setUnread(unread + 1)
        announce(`New notification: ${text}`)
      }
    } else if (kind === 'ping') {
      ws.send(JSON.stringify({ type: 'pong' }))
    }
  })
  ws.addEventListener('close', () => {
    socket = null
    // Reconnect while still signed in (a server restart, a dropped network).
    window.setTimeout(() => void person().then((who) => who?.canAccessChildData && listen()), 5000)
  })
}

function stopListening(): void {
  const ws = socket
  socket = null
  ws?.close()
}

function clearIdle(): void {
  for (const timer of idleTimers) window.clearTimeout(timer)
  idleTimers = []
  const warning = document.getElementById('session-warning')
  if (warning) warning.replaceChildren()
}

function armIdle(): void {
  clearIdle()
  idleTimers.push(
    window.setTimeout(showIdleWarning, IDLE_LIMIT_MS - WARN_BEFORE_MS),
    window.setTimeout(() => {
      clearIdle()
      window.location.assign('/sign-in?expired=1')
    }, IDLE_LIMIT_MS),
  )
}

function showIdleWarning(): void {
  const warning = document.getElementById('session-warning')
  if (!warning) return
  setHtml(
    warning,
    html`<div class="govuk-notification-banner" role="alert" aria-labelledby="idle-title" data-module="govuk-notification-banner">
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id="idle-title">Important</h2>
      </div>
      <div class="govuk-notification-banner__content">
        <p class="govuk-notification-banner__heading">You will be signed out in 5 minutes because you have not used ContactPoint.</p>
        <button type="button" class="govuk-button" id="stay-signed-in">Stay signed in</button>
      </div>
    </div>`,
  )
  document.getElementById('stay-signed-in')?.addEventListener('click', () => void request(STAY, {}))
}

async function signOut(): Promise<void> {
  try {
    await request(SIGN_OUT, {})
  } finally {
    stopListening()
    clearIdle()
    await refreshPerson()
    window.location.assign('/')
  }
}

async function showPerson(who: Person | null): Promise<void> {
  renderMenu(who)
  if (who === null) {
    stopListening()
    clearIdle()
    return
  }
  armIdle()
  if (who.canAccessChildData) {
    try {
      setUnread((await request(UNREAD, {})).unreadNotificationCount)
    } catch {
      // The badge is a convenience: the inbox itself shows the truth.
    }
    listen()
  }
}

export function startShell(): void {
  onPersonChange((who) => void showPerson(who))
  onRequestAnswered(() => {
    if (idleTimers.length > 0) armIdle()
  })
  document.addEventListener('click', (event) => {
    if (event.target instanceof Element && event.target.closest('#sign-out-link')) {
      event.preventDefault()
      void signOut()
    }
  })
  // Keep the active menu item in step with the page.
  window.addEventListener('popstate', () => void person().then(renderMenu))
  document.addEventListener('cp:navigated', () => void person().then(renderMenu))
  void person().then(showPerson)
}
