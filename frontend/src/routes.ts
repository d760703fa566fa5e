/** Every page of the app: path pattern → view. Unknown paths get `notFoundView`. */
import type { Route } from './router'
import { apiClientsView } from './views/admin/api-clients'
import { organisationsView } from './views/admin/organisations'
import { auditReportsView, auditView } from './views/audit/audit'
import { childView } from './views/child'
import { enrolView } from './views/enrol'
import { homeView } from './views/home'
import { endInvolvementView, recordInvolvementView } from './views/involvement'
import { matchReviewsView } from './views/manage/match-reviews'
import { contactRequestsView, emergencyAccessView, shieldingView } from './views/manage/shielding'
import { inviteUserView, usersView, userView } from './views/manage/users'
import { notFoundView } from './views/not-found'
import { notificationsView } from './views/notifications'
import { searchView } from './views/search'
import { signInView } from './views/sign-in'

export const routes: readonly Route[] = [
  { pattern: '/', view: homeView },
  { pattern: '/sign-in', view: signInView },
  { pattern: '/set-up', view: enrolView },
  { pattern: '/search', view: searchView },
  { pattern: '/children/:id', view: childView },
  { pattern: '/children/:id/involvements/new', view: recordInvolvementView },
  { pattern: '/children/:id/involvements/:involvement/end', view: endInvolvementView },
  { pattern: '/notifications', view: notificationsView },
  { pattern: '/manage/users', view: usersView },
  { pattern: '/manage/users/invite', view: inviteUserView },
  { pattern: '/manage/users/:id', view: userView },
  { pattern: '/manage/shielding', view: shieldingView },
  { pattern: '/manage/contact-requests', view: contactRequestsView },
  { pattern: '/manage/emergency-access', view: emergencyAccessView },
  { pattern: '/manage/match-reviews', view: matchReviewsView },
  { pattern: '/audit', view: auditView },
  { pattern: '/audit/reports', view: auditReportsView },
  { pattern: '/admin/organisations', view: organisationsView },
  { pattern: '/admin/api-clients', view: apiClientsView },
]

export { notFoundView }
