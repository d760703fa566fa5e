"""What of an audit event's detail a reader may see.

The detail of an event can carry child data: a search's criteria (names, a date of
birth, a postcode), a shielding's reason, whether an involvement was a sensitive service,
the ids a listing returned. Auditors see no child data (SPEC section 2), and a
management team sees only its own authority's children in full; for everyone else the
detail keeps its shape (which criteria were given, how many ids) without the values.
Administrators see it all.
"""

from typing import Any

# Events whose very action says their child is (or was) shielded.
SHIELDING_ACTIONS = frozenset(
    {
        "CHILD_SHIELDED",
        "CHILD_UNSHIELDED",
        "CONTACT_REQUESTED",
        "CONTACT_REQUEST_ACCEPTED",
        "CONTACT_REQUEST_DECLINED",
        "CHILD_VIEW_EMERGENCY",
        "EMERGENCY_ACCESS_GRANTED",
        "EMERGENCY_ACCESS_REFUSED",
        "EMERGENCY_ACCESS_REVIEWED",
    }
)

_DROPPED = frozenset({"reason", "sensitive", "note", "reviewDate", "shielded", "withheld"})
# A record view's disclosed fields tell a shielded child from another (its address is not
# among them), so they go too: the reader learns who looked, when, at which child.
_DROPPED_BY_ACTION = {
    "CHILD_VIEW": frozenset({"fields"}),
    "CHILD_VIEW_EMERGENCY": frozenset({"fields"}),
    "EMERGENCY_ACCESS_REFUSED": frozenset({"why", "id"}),
}
_COUNTED = frozenset({"ids", "childIds", "requestIds", "reviewIds"})


def redacted(detail: dict[str, Any], action: str = "") -> dict[str, Any]:
    shown: dict[str, Any] = {}
    dropped = _DROPPED | _DROPPED_BY_ACTION.get(action, frozenset())
    for key, value in detail.items():
        if key in dropped:
            continue
        if key == "criteria" and isinstance(value, dict):
            shown["criteriaGiven"] = sorted(value)
        elif key in _COUNTED and isinstance(value, list):
            shown[f"{key}Count"] = len(value)
        else:
            shown[key] = value
    shown["redacted"] = True
    return shown


def says_shielded(action: str, detail: dict[str, Any], child_shielded: bool) -> bool:
    """Whether an event, with its child's id, would tell a reader the child is or was
    shielded: a shielding decision or contact request by its very action, a view by its
    detail, anything about a child shielded now by the company it keeps (the next view of
    that child would be withheld)."""
    return (
        action in SHIELDING_ACTIONS
        or child_shielded
        or (action == "CHILD_VIEW" and detail.get("shielded") is True)
    )


def names_child(
    action: str,
    detail: dict[str, Any],
    *,
    child_shielded: bool,
    sees_everything: bool,
    readers_authority: int | None,
    childs_authority: int | None,
) -> bool:
    """Whether this reader sees which child an event is about. Which children are
    shielded is known to each child's team and to administrators (SPEC section 3): an
    auditor or another team sees that a shielded record was viewed, not which one."""
    if sees_everything or childs_authority is None:
        return True
    if readers_authority is not None and childs_authority == readers_authority:
        return True
    return not says_shielded(action, detail, child_shielded)


def detail_for(
    action: str,
    detail: dict[str, Any],
    *,
    sees_everything: bool,
    readers_authority: int | None,
    childs_authority: int | None,
) -> dict[str, Any]:
    """The detail as this reader may see it: `readers_authority` is a management team's
    organisation (None for auditors and administrators)."""
    if sees_everything:
        return detail
    if readers_authority is not None and childs_authority in (None, readers_authority):
        return detail
    return redacted(detail, action)
