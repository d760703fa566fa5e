"""Who may manage whom: roles a person may grant, users and audit they may reach.

SPEC section 6, lessons: nobody grants more than they hold, nor outside their reach.
  - An administrator reaches every organisation and may grant every role.
  - A manager reaches their own organisation only, and may grant only the roles among
    PRACTITIONER and MANAGER that they hold themselves, and EMERGENCY_DUTY (what it opens,
    their own authority's shielded records, a manager already sees in full).
  - Nobody changes their own roles or status, and nobody acts on a user who holds a role
    they could not grant (a manager cannot suspend an administrator).
Pure functions: a reader can check them against the SPEC without a database.
"""

import uuid
from collections.abc import Iterable

from backend.errors import Forbidden
from backend.policy.caller import Caller, Role

_MANAGER_GRANTABLE = frozenset({Role.PRACTITIONER, Role.MANAGER})


def grantable_roles(caller: Caller) -> frozenset[Role]:
    if caller.is_client:
        return frozenset()
    if caller.has(Role.ADMINISTRATOR):
        return frozenset(Role)
    if caller.has(Role.MANAGER):
        return (caller.roles & _MANAGER_GRANTABLE) | {Role.EMERGENCY_DUTY}
    return frozenset()


def manages_users(caller: Caller) -> bool:
    return bool(grantable_roles(caller))


def reaches_organisation(caller: Caller, organisation_id: int) -> bool:
    if caller.has(Role.ADMINISTRATOR):
        return True
    return caller.has(Role.MANAGER) and caller.organisation_id == organisation_id


def require_in_good_standing(caller: Caller) -> None:
    """Management, audit and administration powers need what child data needs: an active
    account, training and current vetting. A suspended or lapsed manager keeps none."""
    if caller.blocked_reasons:
        raise Forbidden(
            "you cannot do this until this is resolved: " + "; ".join(caller.blocked_reasons)
        )


def require_user_manager(caller: Caller) -> None:
    """Permission before existence: someone who manages nobody learns nothing of users."""
    if caller.user_id is None or not manages_users(caller):
        raise Forbidden("only a ContactPoint management team or an administrator can do this")
    require_in_good_standing(caller)


def require_reach(caller: Caller, organisation_id: int, field: str) -> None:
    if not reaches_organisation(caller, organisation_id):
        raise Forbidden("that organisation is outside what you manage", field=field)


def require_grantable(caller: Caller, roles: Iterable[Role], field: str = "roles") -> None:
    beyond = sorted(role.value for role in set(roles) - grantable_roles(caller))
    if beyond:
        raise Forbidden(f"you cannot grant {', '.join(beyond)}", field=field)


def require_may_act_on(
    caller: Caller, target_id: uuid.UUID, organisation_id: int, roles: Iterable[Role], field: str
) -> None:
    """May this caller change this user at all (status, dates, second factor, roles)?"""
    if target_id == caller.user_id:
        raise Forbidden("you cannot change your own account's roles or status", field=field)
    require_reach(caller, organisation_id, field)
    held_beyond = set(roles) - grantable_roles(caller)
    if held_beyond:
        raise Forbidden(
            "this user holds a role you cannot grant: ask an administrator", field=field
        )


def audits_everything(caller: Caller) -> bool:
    return caller.user_id is not None and (
        caller.has(Role.AUDITOR) or caller.has(Role.ADMINISTRATOR)
    )


def require_audit_reader(caller: Caller) -> None:
    if caller.user_id is None or not (audits_everything(caller) or caller.has(Role.MANAGER)):
        raise Forbidden("only management teams, auditors and administrators can review the audit")
    require_in_good_standing(caller)
