/** Links to the steps of the partner clients page (/admin/api-clients?action=...). */
import { withQuery } from './page'

export const API_CLIENTS_PATH = '/admin/api-clients'

export const apiClientLinks = {
  list: (): string => API_CLIENTS_PATH,
  add: (): string => withQuery(API_CLIENTS_PATH, { action: 'add' }),
  rotate: (id: string): string => withQuery(API_CLIENTS_PATH, { action: 'rotate', id }),
  revoke: (id: string): string => withQuery(API_CLIENTS_PATH, { action: 'revoke', id }),
}

export const backToApiClients = { href: API_CLIENTS_PATH, text: 'Back to partner access' }
