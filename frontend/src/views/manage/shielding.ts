/**
 * The management team's shielding pages: the workbench of shielded children
 * (/manage/shielding, with ?unshield=<id> for lifting one) and the requests to be put in
 * touch about them (/manage/contact-requests). Each lives in its own module.
 */
export { contactRequestsView } from './contact-requests'
export { emergencyAccessView } from './emergency-access'
export { shieldingView } from './shielded-children'
