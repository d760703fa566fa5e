/** Links to the steps of the organisations page (/admin/organisations?action=...). */
import { withQuery } from './page'

export const ORGANISATIONS_PATH = '/admin/organisations'

export const organisationLinks = {
  list: (code?: string): string => withQuery(ORGANISATIONS_PATH, { search: code }),
  add: (): string => withQuery(ORGANISATIONS_PATH, { action: 'add' }),
  change: (code: string): string => withQuery(ORGANISATIONS_PATH, { action: 'change', code }),
  status: (code: string, active: boolean): string =>
    withQuery(ORGANISATIONS_PATH, { action: active ? 'deactivate' : 'reactivate', code }),
}

export const backToOrganisations = { href: ORGANISATIONS_PATH, text: 'Back to organisations' }
