/**
 * The operations of a user's page: reading the account and the changes a management
 * team makes to it. Every operation selects the same account fields, so each
 * answer can replace the account shown.
 */
import { graphql, request, type ResultOf } from '../../api'
import type { Role } from '../../session'

const FIND = graphql(`
  query FindUser($id: ID!) {
    user(id: $id) {
      id
      email
      name
      jobTitle
      phone
      roles
      status
      trainedOn
      vettedUntil
      hasSecondFactor
      createdAt
      organisation { name }
    }
  }
`)

const UPDATE = graphql(`
  mutation UpdateUser($userId: ID!, $input: UpdateUserInput!) {
    updateUser(userId: $userId, input: $input) {
      id
      email
      name
      jobTitle
      phone
      roles
      status
      trainedOn
      vettedUntil
      hasSecondFactor
      createdAt
      organisation { name }
    }
  }
`)

const SET_ROLES = graphql(`
  mutation SetUserRoles($userId: ID!, $roles: [Role!]!) {
    setUserRoles(userId: $userId, roles: $roles) {
      id
      email
      name
      jobTitle
      phone
      roles
      status
      trainedOn
      vettedUntil
      hasSecondFactor
      createdAt
      organisation { name }
    }
  }
`)

const SUSPEND = graphql(`
  mutation SuspendUser($userId: ID!) {
    suspendUser(userId: $userId) {
      id
      email
      name
      jobTitle
      phone
      roles
      status
      trainedOn
      vettedUntil
      hasSecondFactor
      createdAt
      organisation { name }
    }
  }
`)

const REACTIVATE = graphql(`
  mutation ReactivateUser($userId: ID!) {
    reactivateUser(userId: $userId) {
      id
      email
      name
      jobTitle
      phone
      roles
      status
      trainedOn
      vettedUntil
      hasSecondFactor
      createdAt
      organisation { name }
    }
  }
`)

const RESET = graphql(`
  mutation ResetSecondFactor($userId: ID!) {
    resetSecondFactor(userId: $userId) {
      enrolmentCode
      expiresAt
      user {
        id
        email
        name
        jobTitle
        phone
        roles
        status
        trainedOn
        vettedUntil
        hasSecondFactor
        createdAt
        organisation { name }
      }
    }
  }
`)

export type Account = NonNullable<ResultOf<typeof FIND>['user']>
export type DetailsInput = { -readonly [K in 'name' | 'jobTitle' | 'phone' | 'trainedOn' | 'vettedUntil']?: string | null }

export interface NewCode {
  readonly account: Account
  readonly code: string
  readonly expiresAt: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The account with `id`: searched by `email` first, then through the whole list. */
export async function findAccount(id: string, _email: string | null, signal: AbortSignal): Promise<Account | null> {
  if (!UUID.test(id)) return null
  return (await request(FIND, { id }, { signal })).user ?? null
}

export async function updateDetails(userId: string, input: DetailsInput, signal: AbortSignal): Promise<Account> {
  return (await request(UPDATE, { userId, input }, { signal })).updateUser
}

export async function setRoles(userId: string, roles: Role[], signal: AbortSignal): Promise<Account> {
  return (await request(SET_ROLES, { userId, roles }, { signal })).setUserRoles
}

export async function suspend(userId: string, signal: AbortSignal): Promise<Account> {
  return (await request(SUSPEND, { userId }, { signal })).suspendUser
}

export async function reactivate(userId: string, signal: AbortSignal): Promise<Account> {
  return (await request(REACTIVATE, { userId }, { signal })).reactivateUser
}

export async function resetSecondFactor(userId: string, signal: AbortSignal): Promise<NewCode> {
  const made = (await request(RESET, { userId }, { signal })).resetSecondFactor
  return { account: made.user, code: made.enrolmentCode, expiresAt: made.expiresAt }
}
