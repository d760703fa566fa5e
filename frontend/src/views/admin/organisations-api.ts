/** Organisations as administrators manage them: the API operations and kinds. */
import { graphql, request, type ResultOf } from '../../api'
import type { Choice } from '../../forms'

export const ORGANISATIONS = graphql(`
  query AdminOrganisations($kind: OrganisationKind, $search: String) {
    organisations(kind: $kind, search: $search) {
      code
      name
      kind
      parentCode
      teamName
      teamPhone
      teamEmail
      active
    }
  }
`)

export const CREATE_ORGANISATION = graphql(`
  mutation CreateOrganisation($input: CreateOrganisationInput!) {
    createOrganisation(input: $input) {
      code
      name
    }
  }
`)

export const UPDATE_ORGANISATION = graphql(`
  mutation UpdateOrganisation($code: String!, $input: UpdateOrganisationInput!) {
    updateOrganisation(code: $code, input: $input) {
      code
      name
    }
  }
`)

export const DEACTIVATE_ORGANISATION = graphql(`
  mutation DeactivateOrganisation($code: String!) {
    deactivateOrganisation(code: $code) {
      code
      name
      active
    }
  }
`)

export const REACTIVATE_ORGANISATION = graphql(`
  mutation ReactivateOrganisation($code: String!) {
    reactivateOrganisation(code: $code) {
      code
      name
      active
    }
  }
`)

export type OrganisationDetail = ResultOf<typeof ORGANISATIONS>['organisations'][number]
export type OrganisationKind = OrganisationDetail['kind']

const KIND_NAMES: Readonly<Record<OrganisationKind, string>> = {
  LOCAL_AUTHORITY: 'Local authority',
  NATIONAL_PARTNER: 'National partner',
  NATIONAL_TEAM: 'National team',
  SCHOOL: 'School',
  GP_PRACTICE: 'GP practice',
  HEALTH_SERVICE: 'Health service',
  SOCIAL_CARE: 'Social care',
  YOUTH_OFFENDING: 'Youth offending',
  OTHER_SERVICE: 'Other service',
}

export const KINDS = Object.keys(KIND_NAMES) as OrganisationKind[]

export function kindName(kind: OrganisationKind): string {
  return KIND_NAMES[kind]
}

/** The kind named in a query string or form, or null. */
export function parseKind(value: string | null): OrganisationKind | null {
  return KINDS.find((kind) => kind === value) ?? null
}

export function kindChoices(empty: string): Choice[] {
  return [{ value: '', text: empty }, ...KINDS.map((kind) => ({ value: kind, text: kindName(kind) }))]
}

/** One organisation by its exact code, or null (the list's search matches codes exactly). */
export async function findOrganisation(code: string, signal: AbortSignal): Promise<OrganisationDetail | null> {
  const data = await request(ORGANISATIONS, { kind: null, search: code }, { signal })
  return data.organisations.find((organisation) => organisation.code === code.toUpperCase()) ?? null
}
