/** Every page of the app: path pattern → view. Unknown paths get `notFoundView`. */
import type { Route } from './router'
import { childView } from './views/child'
import { homeView } from './views/home'
import { notFoundView } from './views/not-found'
import { searchView } from './views/search'
import { signInView } from './views/sign-in'

export const routes: readonly Route[] = [
  { pattern: '/', view: homeView },
  { pattern: '/sign-in', view: signInView },
  { pattern: '/search', view: searchView },
  { pattern: '/children/:id', view: childView },
]

export { notFoundView }
