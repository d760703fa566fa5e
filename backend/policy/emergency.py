"""Emergency ("break-glass") access to a shielded record: who may break the glass, on
which child, and what an open grant opens.

Pure rules, decided here and nowhere else (backend/policy/decide.py asks `grant_opens`):
  - only a person holding EMERGENCY_DUTY, in good standing, of the child's own
    responsible authority; never a partner system, never an auditor;
  - only on a shielded child (an unshielded record has nothing to open);
  - a grant opens that one child's shielded fields for that one person while it is open
    (the record view finds it only while `expires_at` is ahead), and nothing else: the
    matching identifiers stay the management team's, and search results, notifications
    and every other path never carry a grant.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from backend.errors import BadInput, Forbidden
from backend.policy.caller import Caller, Role

UK = ZoneInfo("Europe/London")
# A grant lasts `emergency_access_minutes` (settings), at most this.
LONGEST_WINDOW = timedelta(hours=4)
# More grants than this by one person in a day, not all reviewed, lock the route for them.
GRANTS_PER_DAY = 3
REASON_AT_LEAST = 20


def may_break_glass(caller: Caller) -> bool:
    """Whether this caller could ever break the glass (on some child of their authority)."""
    return (
        not caller.is_client
        and caller.user_id is not None
        and caller.has(Role.EMERGENCY_DUTY)
        and not caller.has(Role.AUDITOR)
        and not caller.blocked_reasons
    )


def require_may_break_glass(caller: Caller) -> None:
    """Permission before existence: checked before any child is looked up."""
    if caller.is_client or caller.user_id is None or not caller.has(Role.EMERGENCY_DUTY):
        raise Forbidden("only an emergency duty worker of the child's authority can do this")
    if caller.has(Role.AUDITOR):
        raise Forbidden("an auditor cannot break the glass: auditors see no child data")
    if caller.blocked_reasons:
        raise Forbidden(
            "you cannot use emergency access until this is resolved: "
            + "; ".join(caller.blocked_reasons)
        )


def grant_opens(
    caller: Caller, *, responsible_authority_id: int, shielded: bool, grant: str | None
) -> bool:
    """Whether an open grant lifts this child's shielding for this caller."""
    return (
        grant is not None
        and shielded
        and may_break_glass(caller)
        and caller.organisation_id == responsible_authority_id
    )


def check_role_holder(roles: Iterable[str], organisation_kind: str, field: str = "roles") -> None:
    """EMERGENCY_DUTY goes only to people of a local authority (the only organisations
    responsible for children), and never with AUDITOR (auditors see no child data)."""
    held = {str(role) for role in roles}
    if Role.EMERGENCY_DUTY.value not in held:
        return
    if organisation_kind != "LOCAL_AUTHORITY":
        raise BadInput(
            "EMERGENCY_DUTY is only for people of a local authority: it opens that"
            " authority's own shielded records",
            field=field,
        )
    if Role.AUDITOR.value in held:
        raise BadInput("EMERGENCY_DUTY cannot be held with AUDITOR", field=field)


REVIEW_WORKING_DAYS = 3


def review_due(granted_at: datetime) -> datetime:
    """When a grant's review is overdue: 3 working days (Monday to Friday, UK time; bank
    holidays are not known here) after it was opened."""
    moment = granted_at.astimezone(UK)
    left = REVIEW_WORKING_DAYS
    while left:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            left -= 1
    return moment
