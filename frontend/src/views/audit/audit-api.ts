/** The audit's API operations and the types read from them. */
import { graphql, type ResultOf } from '../../api'
import type { Role } from '../../session'

/** Who may read the audit: management teams (their own people and children), auditors and administrators. */
export const AUDIT_ROLES: readonly Role[] = ['MANAGER', 'AUDITOR', 'ADMINISTRATOR']

export const AUDIT_EVENTS = graphql(`
  query AuditEvents($filter: AuditEventFilter!, $first: Int!, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      events {
        id
        occurredAt
        actorUserId
        actorName
        actorEmail
        actorClient
        actorOrganisation
        action
        outcome
        childId
        subjectUserEmail
        detail
        withheld {
          field
          reason
        }
      }
      nextCursor
    }
  }
`)

export const AUDIT_REPORTS = graphql(`
  query AuditReports($since: DateTime!, $until: DateTime!, $shielded: AuditEventFilter!) {
    auditActivity(since: $since, until: $until) {
      day
      views
      searches
    }
    heaviestViewers(since: $since, until: $until) {
      userId
      name
      email
      organisationCode
      count
    }
    shieldedViews: auditEvents(filter: $shielded, first: 50) {
      events {
        id
        occurredAt
        actorUserId
        actorName
        actorEmail
        actorClient
        actorOrganisation
        action
        outcome
        childId
        subjectUserEmail
        detail
        withheld {
          field
          reason
        }
      }
      nextCursor
    }
    outsideAreaViewers(since: $since, until: $until) {
      userId
      name
      email
      organisationCode
      count
    }
    outOfHoursActivity(since: $since, until: $until) {
      day
      userId
      name
      count
    }
    emergencyAccessReport(since: $since, until: $until) {
      id
      childId
      childName
      authorityName
      holderName
      holderEmail
      purpose
      reason
      grantedAt
      overdue
      outcome
      reviewedBy
      reviewNote
    }
  }
`)

export type AuditEvent = ResultOf<typeof AUDIT_EVENTS>['auditEvents']['events'][number]
export type AuditReports = ResultOf<typeof AUDIT_REPORTS>
export type ViewerCount = AuditReports['heaviestViewers'][number]
export type OutOfHoursDay = AuditReports['outOfHoursActivity'][number]
export type EmergencyFinding = AuditReports['emergencyAccessReport'][number]
export type ActivityDay = AuditReports['auditActivity'][number]
