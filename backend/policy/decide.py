"""`decide(caller, child)`: which fields of one child this caller sees, and why not the rest.

Computed once per child per request; resolvers only look the answer up.
Shielding wins over every other reason but the management team's own: a shielded child
shows identity, the shielded flag and whom to contact, to everyone else, except to the
one person holding an open emergency grant on that one child (backend/policy/emergency.py).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from backend.errors import Forbidden
from backend.policy.caller import CHILD_DATA_ROLES, Caller, Role
from backend.policy.emergency import grant_opens
from backend.policy.fields import CHILD_FIELDS, SEARCH_SUMMARY_FIELDS, Group, Reason

_PROTECTED_BY_SHIELDING = frozenset(
    {Group.LOCATION, Group.CARERS, Group.INVOLVEMENTS, Group.CAF, Group.MATCHING}
)


@dataclass(frozen=True, slots=True)
class ChildFacts:
    """What the policy needs to know about a child (no values of protected fields)."""

    responsible_authority_id: int
    shielded: bool
    archived: bool
    # The caller's own open emergency grant on this child, if any (only the record view
    # looks it up: search, notifications and every other path leave it None).
    emergency_grant: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    withheld: Mapping[str, Reason]
    # The caller's organisation: the only one that sees the nature of its sensitive services.
    organisation_id: int
    # Partners never see sensitive involvements at all, not even that they exist.
    sees_sensitive_involvements: bool
    # The signed-in person, whose own involvements are theirs to see (None for partners).
    user_id: str | None = None
    # The emergency grant that opened this record's shielded fields, if one did.
    emergency_grant: str | None = None

    def discloses(self, field: str) -> bool:
        return field not in self.withheld

    def service_nature_reason(self, *, sensitive: bool, organisation_id: int) -> Reason | None:
        """Why the nature of this involvement's service is withheld, if it is."""
        if sensitive and organisation_id != self.organisation_id:
            return Reason.CONSENT
        return None


def require_child_access(caller: Caller) -> None:
    """The row-level gate before any child is looked up: permission before existence."""
    if caller.is_client:
        return
    if not (caller.roles & CHILD_DATA_ROLES):
        raise Forbidden("your roles do not include access to child records")
    if caller.blocked_reasons:
        raise Forbidden(
            "you cannot see child records until this is resolved: "
            + "; ".join(caller.blocked_reasons)
        )


def may_see_archived(caller: Caller, facts: ChildFacts) -> bool:
    return caller.has(Role.ADMINISTRATOR) or caller.manages(facts.responsible_authority_id)


def _reason(
    caller: Caller, facts: ChildFacts, field: str, group: Group, emergency: bool
) -> Reason | None:
    if group is Group.META:
        return None
    if caller.is_client:
        if field not in caller.client_fields:
            return Reason.SCOPE
        if facts.shielded and group in _PROTECTED_BY_SHIELDING:
            return Reason.SHIELDED
        if group is Group.MATCHING:
            return Reason.ROLE
        return None
    full_access = caller.has(Role.ADMINISTRATOR) or caller.manages(facts.responsible_authority_id)
    if full_access:
        return None
    if facts.shielded and group in _PROTECTED_BY_SHIELDING and not emergency:
        return Reason.SHIELDED
    if group is Group.MATCHING:
        return Reason.ROLE
    return None


def decide_summary(caller: Caller, facts: ChildFacts) -> Decision:
    """A search result: the record's own decision, and everything past the summary withheld."""
    full = decide(caller, facts)
    withheld = dict(full.withheld)
    for field in CHILD_FIELDS:
        if field not in SEARCH_SUMMARY_FIELDS:
            withheld.setdefault(field, Reason.SUMMARY)
    return Decision(
        withheld=MappingProxyType(withheld),
        organisation_id=full.organisation_id,
        sees_sensitive_involvements=full.sees_sensitive_involvements,
        user_id=full.user_id,
        emergency_grant=full.emergency_grant,
    )


def decide(caller: Caller, facts: ChildFacts) -> Decision:
    emergency = grant_opens(
        caller,
        responsible_authority_id=facts.responsible_authority_id,
        shielded=facts.shielded,
        grant=facts.emergency_grant,
    )
    withheld = {
        field: reason
        for field, group in CHILD_FIELDS.items()
        if (reason := _reason(caller, facts, field, group, emergency)) is not None
    }
    return Decision(
        withheld=MappingProxyType(withheld),
        organisation_id=caller.organisation_id,
        sees_sensitive_involvements=not caller.is_client,
        user_id=str(caller.user_id) if caller.user_id is not None else None,
        emergency_grant=facts.emergency_grant if emergency else None,
    )
