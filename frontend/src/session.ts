/**
 * Who is signed in, fetched once per page load and after signing in or out.
 *
 * Views that need a signed-in person call `requirePerson`; it sends anyone else to the
 * sign-in page and brings them back afterwards (`?next=`). Listeners (the header) hear
 * every change, so the navigation always matches the person.
 */
import { graphql, request, type ResultOf } from './api'
import { GraphQLRequestError } from './graphql'
import type { RouteContext } from './router'

export const ME_QUERY = graphql(`
  query Me {
    me {
      id
      email
      name
      roles
      canAccessChildData
      blockedReasons
      organisation { code name kind }
    }
  }
`)

export type Person = NonNullable<ResultOf<typeof ME_QUERY>['me']>
export type Role = Person['roles'][number]

type Listener = (person: Person | null) => void

let current: Promise<Person | null> | null = null
const listeners = new Set<Listener>()

export function onPersonChange(listener: Listener): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

async function fetchPerson(): Promise<Person | null> {
  try {
    const data = await request(ME_QUERY, {})
    return data.me ?? null
  } catch (error) {
    if (error instanceof GraphQLRequestError && error.code === 'UNAUTHENTICATED') return null
    throw error
  }
}

/** The signed-in person (cached for this page load), or null. */
export function person(): Promise<Person | null> {
  current ??= fetchPerson()
  return current
}

/** Forget the cached person (after signing in or out) and tell the listeners. */
export async function refreshPerson(): Promise<Person | null> {
  current = fetchPerson()
  const found = await current
  for (const listener of listeners) listener(found)
  return found
}

export function hasRole(who: Person | null, ...roles: readonly Role[]): boolean {
  return who !== null && roles.some((role) => who.roles.includes(role))
}

/**
 * The signed-in person, or null after sending the visitor to sign in. With `roles`,
 * someone signed in without any of them is shown a plain "you cannot use this page".
 */
export async function requirePerson(
  container: HTMLElement,
  context: RouteContext,
  roles: readonly Role[] = [],
): Promise<Person | null> {
  const who = await person()
  if (context.signal.aborted) return null
  if (who === null) {
    const next = window.location.pathname + window.location.search
    context.navigate(`/sign-in?next=${encodeURIComponent(next)}`)
    return null
  }
  if (roles.length > 0 && !hasRole(who, ...roles)) {
    const heading = document.createElement('h1')
    heading.className = 'govuk-heading-l'
    heading.textContent = 'You cannot use this page'
    const text = document.createElement('p')
    text.className = 'govuk-body'
    text.textContent = 'Your roles do not include it. Ask your organisation’s ContactPoint team if you need it.'
    container.replaceChildren(heading, text)
    context.setTitle('You cannot use this page')
    return null
  }
  return who
}
