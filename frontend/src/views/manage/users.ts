/**
 * The management team's user pages: the list (/manage/users), inviting someone
 * (/manage/users/invite) and one account (/manage/users/:id). Each lives in its own module.
 */
export { inviteUserView } from './invite-user'
export { userView } from './user-account'
export { usersView } from './users-list'
