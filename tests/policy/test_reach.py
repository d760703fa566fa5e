"""Who may grant which roles, and act on whom: nobody grants more than they hold, nor
outside their reach, and nobody changes their own account (SPEC section 6, lessons)."""

import uuid

import pytest

from backend.errors import Forbidden
from backend.policy.caller import Caller, Role
from backend.policy.reach import (
    grantable_roles,
    require_audit_reader,
    require_may_act_on,
    require_reach,
)

OWN, OTHER = 1, 2
P, M, A, AU = Role.PRACTITIONER, Role.MANAGER, Role.ADMINISTRATOR, Role.AUDITOR
ED = Role.EMERGENCY_DUTY


def _person(*roles: Role, organisation: int = OWN) -> Caller:
    return Caller(
        organisation_id=organisation,
        organisation_code="E08000035",
        roles=frozenset(roles),
        user_id=uuid.uuid4(),
    )


# who -> the roles they may grant
GRANTS = {
    "administrator": (_person(A), {P, M, A, AU, ED}),
    # EMERGENCY_DUTY opens the authority's own shielded records: a manager sees them all.
    "manager who practises": (_person(P, M), {P, M, ED}),
    "manager only": (_person(M), {M, ED}),
    "practitioner": (_person(P), set()),
    "emergency duty worker": (_person(P, ED), set()),
    "auditor": (_person(AU), set()),
    "partner system": (
        Caller(organisation_id=OWN, organisation_code="BARNARDOS", client_id=uuid.uuid4()),
        set(),
    ),
}


@pytest.mark.parametrize("who", GRANTS)
@pytest.mark.parametrize("role", list(Role))
def test_the_grant_matrix(who: str, role: Role) -> None:
    caller, may = GRANTS[who]
    assert (role in grantable_roles(caller)) == (role in may)


@pytest.mark.parametrize(
    ("who", "organisation", "reaches"),
    [
        ("administrator", OTHER, True),
        ("manager who practises", OWN, True),
        ("manager who practises", OTHER, False),
        ("practitioner", OWN, False),
    ],
)
def test_reach_over_organisations(who: str, organisation: int, reaches: bool) -> None:
    caller, _ = GRANTS[who]
    if reaches:
        require_reach(caller, organisation, "organisationCode")
    else:
        with pytest.raises(Forbidden):
            require_reach(caller, organisation, "organisationCode")


def test_nobody_acts_on_their_own_account() -> None:
    caller = _person(A)
    assert caller.user_id is not None
    with pytest.raises(Forbidden):
        require_may_act_on(caller, caller.user_id, OWN, [A], "userId")


def test_a_manager_cannot_act_on_someone_holding_a_role_they_cannot_grant() -> None:
    with pytest.raises(Forbidden):
        require_may_act_on(_person(P, M), uuid.uuid4(), OWN, [AU], "userId")


def test_a_manager_acts_on_a_practitioner_of_their_own_organisation() -> None:
    require_may_act_on(_person(P, M), uuid.uuid4(), OWN, [P], "userId")


@pytest.mark.parametrize(
    ("roles", "allowed"), [((AU,), True), ((M,), True), ((A,), True), ((P,), False)]
)
def test_who_may_review_the_audit(roles: tuple[Role, ...], allowed: bool) -> None:
    if allowed:
        require_audit_reader(_person(*roles))
    else:
        with pytest.raises(Forbidden):
            require_audit_reader(_person(*roles))
