"""Searching the audit log (SPEC section 6; the misuse reports are in audit_reports.py).

Event search is keyset-paginated newest first on (occurred_at, id), and its WHERE clause
is assembled only from the filters given, out of fixed fragments, so PostgreSQL plans
each combination on the index that fits it (actor, child, action, organisation or time)
instead of one generic plan full of `IS NULL OR` branches. Every value is bound.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.driver import driver
from backend.policy.audit_detail import SHIELDING_ACTIONS


@dataclass(frozen=True, slots=True)
class EventQuery:
    since: datetime
    until: datetime
    actor_user_id: uuid.UUID | None = None
    child_contact_point_id: str | None = None
    action: str | None = None
    # A management team's reach: its own people's events and events about its children.
    organisation_id: int | None = None
    shielded_views_only: bool = False
    # With shielded_views_only: only children of this authority (a team's own).
    shielded_of: int | None = None
    # Leave out the events that would say a child outside this authority (-1: any child)
    # is shielded: shielding decisions, contact requests, views of a shielded record and
    # anything about a child shielded now. Asked by child, they would name it.
    hide_shielding_outside: int | None = None
    after: tuple[datetime, int] | None = None
    limit: int = 50


@dataclass(frozen=True, slots=True)
class EventRow:
    id: int
    occurred_at: datetime
    actor_user_id: uuid.UUID | None
    actor_name: str | None
    actor_email: str | None
    actor_client: str | None
    actor_organisation: str | None
    actor_roles: tuple[str, ...]
    action: str
    outcome: str
    child_id: str | None
    child_authority_id: int | None
    # The child is shielded now (whatever it was when the event happened).
    child_shielded: bool
    subject_user_email: str | None
    client_address: str | None
    request_id: str | None
    detail: dict[str, Any]
    # Set for a reader who may not know which child it was (backend/policy/audit_detail.py).
    child_withheld: bool = False


_EVENTS = """
SELECT e.id, e.occurred_at, e.actor_user_id, u.name AS actor_name, u.email AS actor_email,
       ac.name AS actor_client, o.code AS actor_organisation, e.actor_roles, e.action,
       e.outcome, c.contact_point_id AS child_id, c.responsible_authority_id AS child_authority,
       coalesce(c.shielded, false) AS child_shielded,
       su.email AS subject_user_email,
       e.client_address, e.request_id, e.detail
  FROM audit_event e
  LEFT JOIN user_account u ON u.id = e.actor_user_id
  LEFT JOIN api_client ac ON ac.id = e.actor_client_id
  LEFT JOIN organisation o ON o.id = e.actor_organisation_id
  LEFT JOIN child c ON c.id = e.subject_child_id
  LEFT JOIN user_account su ON su.id = e.subject_user_id
 WHERE {where}
 ORDER BY e.occurred_at DESC, e.id DESC
 LIMIT {limit}
"""


def _event_sql(query: EventQuery) -> tuple[str, list[Any]]:
    values: list[Any] = [query.since, query.until]
    where = ["e.occurred_at >= $1", "e.occurred_at < $2"]

    def bind(value: Any) -> str:
        values.append(value)
        return f"${len(values)}"

    if query.actor_user_id is not None:
        where.append(f"e.actor_user_id = {bind(query.actor_user_id)}")
    if query.child_contact_point_id is not None:
        child = bind(query.child_contact_point_id)
        where.append(
            f"e.subject_child_id = (SELECT id FROM child WHERE contact_point_id = {child})"  # noqa: S608
        )
    if query.action is not None:
        where.append(f"e.action = {bind(query.action)}")
    if query.organisation_id is not None:
        organisation = bind(query.organisation_id)
        where.append(
            f"(e.actor_organisation_id = {organisation}"
            f" OR c.responsible_authority_id = {organisation})"
        )
    if query.shielded_views_only:
        # Emergency views are all of shielded records (written as two terms so the partial
        # index of migration 0006 still serves the first).
        where.append(
            "((e.action = 'CHILD_VIEW' AND e.detail->>'shielded' = 'true')"
            " OR e.action = 'CHILD_VIEW_EMERGENCY')"
        )
        if query.shielded_of is not None:
            where.append(f"c.responsible_authority_id = {bind(query.shielded_of)}")
    if query.hide_shielding_outside is not None:
        actions, outside = bind(sorted(SHIELDING_ACTIONS)), bind(query.hide_shielding_outside)
        where.append(
            f"NOT ((e.action = ANY({actions}::text[]) OR c.shielded"
            " OR (e.action = 'CHILD_VIEW' AND e.detail->>'shielded' = 'true'))"
            f" AND c.responsible_authority_id IS DISTINCT FROM {outside})"
        )
    if query.after is not None:
        at, event_id = query.after
        where.append(f"(e.occurred_at, e.id) < ({bind(at)}, {bind(event_id)})")
    limit = bind(query.limit)
    return _EVENTS.format(where=" AND ".join(where), limit=limit), values


def _json(value: Any) -> dict[str, Any]:
    parsed = json.loads(value) if isinstance(value, str) else value
    return parsed if isinstance(parsed, dict) else {}


async def events(conn: AsyncConnection, query: EventQuery) -> list[EventRow]:
    statement, values = _event_sql(query)
    rows = await (await driver(conn)).fetch(statement, *values)
    return [
        EventRow(
            id=row["id"],
            occurred_at=row["occurred_at"],
            actor_user_id=row["actor_user_id"],
            actor_name=row["actor_name"],
            actor_email=row["actor_email"],
            actor_client=row["actor_client"],
            actor_organisation=row["actor_organisation"],
            actor_roles=tuple(row["actor_roles"] or ()),
            action=row["action"],
            outcome=row["outcome"],
            child_id=row["child_id"],
            child_authority_id=row["child_authority"],
            child_shielded=row["child_shielded"],
            subject_user_email=row["subject_user_email"],
            client_address=row["client_address"],
            request_id=row["request_id"],
            detail=_json(row["detail"]),
        )
        for row in rows
    ]
