/** The audit's action names (as the API writes them) and their words in the app. */
import type { Choice } from '../../forms'
import { words } from '../../forms'

/** The actions people search for most, in the order the select lists them. */
const ACTIONS: readonly (readonly [string, string])[] = [
  ['CHILD_VIEW', 'Record viewed'],
  ['CHILD_SEARCH', 'Search for a child'],
  ['SIGN_IN', 'Sign in'],
  ['SIGN_OUT', 'Sign out'],
  ['INVOLVEMENT_RECORDED', 'Involvement recorded'],
  ['INVOLVEMENT_UPDATED', 'Involvement changed'],
  ['INVOLVEMENT_ENDED', 'Involvement ended'],
  ['LEAD_PROFESSIONAL_SET', 'Lead professional set'],
  ['LEAD_PROFESSIONAL_UNSET', 'Lead professional removed'],
  ['CAF_RECORDED', 'CAF recorded'],
  ['CHILD_SHIELDED', 'Child shielded'],
  ['CHILD_UNSHIELDED', 'Shielding removed'],
  ['SHIELDED_CHILDREN_LISTED', 'Shielded children listed'],
  ['CONTACT_REQUESTED', 'Contact requested'],
  ['CONTACT_REQUEST_ACCEPTED', 'Contact request accepted'],
  ['CONTACT_REQUEST_DECLINED', 'Contact request declined'],
  ['MATCH_REVIEWS_LISTED', 'Feed reviews listed'],
  ['MATCH_REVIEW_DECIDED', 'Feed review decided'],
  ['CHILD_MERGED', 'Records merged'],
  ['CHILD_UNMERGED', 'Merge undone'],
  ['NOTIFICATIONS_READ', 'Notifications read'],
  ['USER_INVITED', 'User invited'],
  ['USER_UPDATED', 'User changed'],
  ['USER_ROLES_CHANGED', 'User roles changed'],
  ['USER_SUSPENDED', 'User suspended'],
  ['USER_REACTIVATED', 'User reactivated'],
  ['SECOND_FACTOR_RESET', 'Security code reset'],
  ['ENROLMENT_COMPLETED', 'Account set up'],
  ['ORGANISATION_CREATED', 'Organisation added'],
  ['ORGANISATION_UPDATED', 'Organisation changed'],
  ['ORGANISATION_DEACTIVATED', 'Organisation deactivated'],
  ['ORGANISATION_REACTIVATED', 'Organisation reactivated'],
  ['API_CLIENT_CREATED', 'Partner client added'],
  ['API_CLIENT_ROTATED', 'Partner token rotated'],
  ['API_CLIENT_REVOKED', 'Partner client revoked'],
  ['AUDIT_SEARCHED', 'Audit searched'],
  ['AUDIT_REPORTED', 'Audit report run'],
  ['RETENTION_RUN', 'Retention run'],
]

const LABELS = new Map(ACTIONS)

export function actionLabel(action: string): string {
  return LABELS.get(action) ?? words(action)
}

/** The select's choices: "Any action", the known ones, and `current` if it is another. */
export function actionChoices(current: string): Choice[] {
  const choices: Choice[] = [{ value: '', text: 'Any action' }, ...ACTIONS.map(([value, text]) => ({ value, text }))]
  if (current !== '' && !LABELS.has(current)) choices.push({ value: current, text: words(current) })
  return choices
}

/** Outcomes other than OK get a tag that stands out. */
export function outcomeTagClass(outcome: string): string {
  if (outcome === 'OK') return 'govuk-tag govuk-tag--green'
  if (outcome === 'NOT_FOUND') return 'govuk-tag govuk-tag--grey'
  return 'govuk-tag govuk-tag--red'
}

export function outcomeLabel(outcome: string): string {
  return outcome === 'OK' ? 'OK' : words(outcome)
}
