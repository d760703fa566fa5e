/** Partner API clients: the API operations and the Child fields a client may be granted. */
import { graphql, request, type ResultOf } from '../../api'

export const API_CLIENTS = graphql(`
  query AdminApiClients {
    apiClients(includeRevoked: true) {
      id
      organisationCode
      organisationName
      name
      fields
      createdAt
      revokedAt
      lastUsedAt
    }
  }
`)

export const CREATE_API_CLIENT = graphql(`
  mutation CreateApiClient($organisationCode: String!, $name: String!, $fields: [String!]!) {
    createApiClient(organisationCode: $organisationCode, name: $name, fields: $fields) {
      token
      client {
        id
        name
        organisationName
      }
    }
  }
`)

export const ROTATE_API_CLIENT_TOKEN = graphql(`
  mutation RotateApiClientToken($id: ID!) {
    rotateApiClientToken(id: $id) {
      token
      client {
        id
        name
        organisationName
      }
    }
  }
`)

export const REVOKE_API_CLIENT = graphql(`
  mutation RevokeApiClient($id: ID!) {
    revokeApiClient(id: $id) {
      id
      name
      revokedAt
    }
  }
`)

export type ApiClient = ResultOf<typeof API_CLIENTS>['apiClients'][number]
export type IssuedToken = ResultOf<typeof CREATE_API_CLIENT>['createApiClient']

/**
 * The Child fields a partner may be granted (the server's GRANTABLE_TO_CLIENTS; it
 * refuses any other). Shielded details and sensitive services are withheld from
 * partners whatever they are granted.
 */
export const GRANTABLE_FIELDS: readonly (readonly [string, string])[] = [
  ['contactPointId', 'ContactPoint ID'],
  ['givenNames', 'Given names'],
  ['familyName', 'Family name'],
  ['otherNames', 'Other names'],
  ['dateOfBirth', 'Date of birth'],
  ['gender', 'Gender'],
  ['shielded', 'Whether the record is shielded'],
  ['responsibleAuthority', 'Responsible authority'],
  ['address', 'Address'],
  ['postcode', 'Postcode'],
  ['town', 'Town'],
  ['postcodeDistrict', 'Postcode district'],
  ['parentsAndCarers', 'Parents and carers'],
  ['involvements', 'Involvements'],
  ['involvementHistory', 'Involvement history'],
  ['caf', 'CAF assessment'],
]

const FIELD_NAMES = new Map(GRANTABLE_FIELDS)

export function fieldName(field: string): string {
  return FIELD_NAMES.get(field) ?? field
}

/** One client by id (revoked ones included), or null. */
export async function findApiClient(id: string, signal: AbortSignal): Promise<ApiClient | null> {
  const data = await request(API_CLIENTS, {}, { signal })
  return data.apiClients.find((client) => client.id === id) ?? null
}
