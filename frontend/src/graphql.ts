/**
 * The app's one way to talk to the backend: POST JSON to /graphql.
 *
 * Same-origin only, with the session cookie (`credentials: 'same-origin'`).
 * The `Content-Type: application/json` header is part of the CSRF defence: a
 * cross-site form cannot send it without a CORS preflight, which the server
 * refuses.
 */

export const GRAPHQL_ENDPOINT = '/graphql'

/** Told after every answered request: the session's idle clock restarts with each one. */
const requestListeners = new Set<() => void>()

export function onRequestAnswered(listener: () => void): () => void {
  requestListeners.add(listener)
  return () => requestListeners.delete(listener)
}

/** Codes the server uses (SPEC/CONVENTIONS), plus the client-side ones below. */
export type KnownErrorCode =
  | 'BAD_USER_INPUT'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  /** The read's or change's audit event could not be written, so nothing was given. */
  | 'AUDIT_UNAVAILABLE'
  /** fetch itself failed: offline or server down. */
  | 'NETWORK_ERROR'
  /** The caller's AbortSignal fired (e.g. the user navigated away). */
  | 'ABORTED'
  /** The server answered with something that is not a GraphQL response. */
  | 'BAD_RESPONSE'
  /** A GraphQL error arrived without `extensions.code`. */
  | 'UNKNOWN'

export type ErrorCode = KnownErrorCode | (string & {})

export type Variables = Readonly<Record<string, unknown>>

export interface GraphQLErrorItem {
  readonly message: string
  readonly path?: readonly (string | number)[]
  readonly extensions?: {
    readonly code?: string
    /** Input field the error is about, when the server names one. */
    readonly field?: string
    readonly [key: string]: unknown
  }
}

/** Thrown by `gql` for every failure; `code` is the first error's `extensions.code`. */
export class GraphQLRequestError extends Error {
  readonly code: ErrorCode
  readonly errors: readonly GraphQLErrorItem[]
  /** HTTP status, or 0 when no response arrived. */
  readonly status: number

  constructor(message: string, code: ErrorCode, errors: readonly GraphQLErrorItem[], status: number) {
    super(message)
    this.name = 'GraphQLRequestError'
    this.code = code
    this.errors = errors
    this.status = status
  }

  /** The `extensions.field` of the first error, if any. */
  get field(): string | undefined {
    return this.errors[0]?.extensions?.field
  }
}

export interface GqlOptions {
  /** Abort the request, e.g. when the user navigates away. */
  readonly signal?: AbortSignal
}

interface GraphQLResponse<T> {
  readonly data?: T | null
  readonly errors?: readonly GraphQLErrorItem[]
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

function isErrorItem(value: unknown): value is GraphQLErrorItem {
  return isObject(value) && typeof value['message'] === 'string'
}

function parseResponse<T>(body: unknown): GraphQLResponse<T> | null {
  if (!isObject(body)) return null
  const errors = body['errors']
  if (errors !== undefined && !(Array.isArray(errors) && errors.every(isErrorItem))) return null
  if (!('data' in body) && errors === undefined) return null
  return body as GraphQLResponse<T>
}

/**
 * Run a GraphQL operation and return its `data`.
 *
 * Throws `GraphQLRequestError` if the request fails, the response is not
 * GraphQL, or the response has any `errors` (partial data is not returned: the
 * callers of this app treat a partly failed answer as failed).
 */
export async function gql<T>(query: string, variables: Variables = {}, options: GqlOptions = {}): Promise<T> {
  let response: Response
  try {
    response = await fetch(GRAPHQL_ENDPOINT, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/graphql-response+json, application/json',
      },
      body: JSON.stringify({ query, variables }),
      signal: options.signal ?? null,
    })
  } catch {
    if (options.signal?.aborted) {
      throw new GraphQLRequestError('The request was cancelled.', 'ABORTED', [], 0)
    }
    const message = 'ContactPoint could not be reached. Check your connection and try again.'
    throw new GraphQLRequestError(message, 'NETWORK_ERROR', [], 0)
  }

  for (const listener of requestListeners) listener()
  let body: unknown
  try {
    body = await response.json()
  } catch {
    body = undefined
  }
  const result = parseResponse<T>(body)
  if (result === null) {
    const message = `ContactPoint sent an unexpected answer (HTTP ${response.status}). Try again later.`
    throw new GraphQLRequestError(message, 'BAD_RESPONSE', [], response.status)
  }

  const errors = result.errors ?? []
  const first = errors[0]
  if (first !== undefined) {
    throw new GraphQLRequestError(first.message, first.extensions?.code ?? 'UNKNOWN', errors, response.status)
  }
  if (result.data === undefined || result.data === null) {
    throw new GraphQLRequestError('ContactPoint sent no data. Try again later.', 'BAD_RESPONSE', [], response.status)
  }
  return result.data
}
