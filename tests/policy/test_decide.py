"""The permission matrix: every caller kind x own/other authority x shielded or not x every
Child field. The table below is the specification; check it against SPEC section 3.
"""

import uuid

import pytest
import strawberry

from backend.errors import Forbidden
from backend.policy.caller import Caller, Role
from backend.policy.decide import ChildFacts, decide, require_child_access
from backend.policy.fields import CHILD_FIELDS, GRANTABLE_TO_CLIENTS, INVOLVEMENT_FIELDS, Reason
from backend.schema.children import Child, Involvement

OWN, OTHER = 1, 2  # organisation ids: the child's responsible authority, and another one

IDENTITY = (
    "contactPointId",
    "givenNames",
    "familyName",
    "otherNames",
    "dateOfBirth",
    "gender",
    "shielded",
)
AUTHORITY = ("responsibleAuthority",)
WHEREABOUTS = (
    "address",
    "postcode",
    "town",
    "postcodeDistrict",
    "parentsAndCarers",
    "involvements",
    "involvementHistory",
    "caf",
)
MATCHING = ("nhsNumber", "upn", "status")
OWN_INVOLVEMENTS = ("myInvolvements", "emergencyAccess")
OK = None

# The child's state: unshielded, shielded, or shielded with an open emergency grant held
# by the caller (the record view finds only the caller's own grant).
PLAIN, SHIELDED, GRANT = "unshielded", "shielded", "shielded, caller holds an open grant"
STATES = {
    PLAIN: ChildFacts(responsible_authority_id=OWN, shielded=False, archived=False),
    SHIELDED: ChildFacts(responsible_authority_id=OWN, shielded=True, archived=False),
    GRANT: ChildFacts(
        responsible_authority_id=OWN, shielded=True, archived=False, emergency_grant="g-1"
    ),
}
_AS_SHIELDED = (OK, OK, Reason.SHIELDED, Reason.SHIELDED, OK)

# caller -> the child's state -> outcome for
#   (identity, authority, whereabouts, matching, the caller's own)
MATRIX: dict[str, dict[str, tuple[Reason | None, ...]]] = {
    "practitioner of the responsible authority": {
        PLAIN: (OK, OK, OK, Reason.ROLE, OK),
        SHIELDED: (OK, OK, Reason.SHIELDED, Reason.SHIELDED, OK),
        GRANT: (OK, OK, Reason.SHIELDED, Reason.SHIELDED, OK),
    },
    "practitioner elsewhere": {
        PLAIN: (OK, OK, OK, Reason.ROLE, OK),
        SHIELDED: (OK, OK, Reason.SHIELDED, Reason.SHIELDED, OK),
        GRANT: (OK, OK, Reason.SHIELDED, Reason.SHIELDED, OK),
    },
    "management team of the responsible authority": {
        PLAIN: (OK, OK, OK, OK, OK),
        SHIELDED: (OK, OK, OK, OK, OK),
        GRANT: (OK, OK, OK, OK, OK),
    },
    "management team elsewhere": {
        PLAIN: (OK, OK, OK, Reason.ROLE, OK),
        SHIELDED: (OK, OK, Reason.SHIELDED, Reason.SHIELDED, OK),
        GRANT: (OK, OK, Reason.SHIELDED, Reason.SHIELDED, OK),
    },
    "administrator": {
        PLAIN: (OK, OK, OK, OK, OK),
        SHIELDED: (OK, OK, OK, OK, OK),
        GRANT: (OK, OK, OK, OK, OK),
    },
    "partner granted every field it may have": {
        PLAIN: (OK, OK, OK, Reason.SCOPE, Reason.SCOPE),
        SHIELDED: (OK, OK, Reason.SHIELDED, Reason.SCOPE, Reason.SCOPE),
        GRANT: (OK, OK, Reason.SHIELDED, Reason.SCOPE, Reason.SCOPE),
    },
    "emergency duty worker of the responsible authority": {
        PLAIN: (OK, OK, OK, Reason.ROLE, OK),
        SHIELDED: _AS_SHIELDED,
        # The grant opens the whereabouts, never the management team's matching data.
        GRANT: (OK, OK, OK, Reason.ROLE, OK),
    },
    "emergency duty worker elsewhere": {
        PLAIN: (OK, OK, OK, Reason.ROLE, OK),
        SHIELDED: _AS_SHIELDED,
        GRANT: _AS_SHIELDED,
    },
    "suspended emergency duty worker of the responsible authority": {
        PLAIN: (OK, OK, OK, Reason.ROLE, OK),
        SHIELDED: _AS_SHIELDED,
        GRANT: _AS_SHIELDED,
    },
}

CALLERS = {
    "practitioner of the responsible authority": Caller(
        organisation_id=OWN, organisation_code="E08000035", roles=frozenset({Role.PRACTITIONER})
    ),
    "practitioner elsewhere": Caller(
        organisation_id=OTHER, organisation_code="E08000003", roles=frozenset({Role.PRACTITIONER})
    ),
    "management team of the responsible authority": Caller(
        organisation_id=OWN, organisation_code="E08000035", roles=frozenset({Role.MANAGER})
    ),
    "management team elsewhere": Caller(
        organisation_id=OTHER, organisation_code="E08000003", roles=frozenset({Role.MANAGER})
    ),
    "administrator": Caller(
        organisation_id=99, organisation_code="CONTACTPOINT", roles=frozenset({Role.ADMINISTRATOR})
    ),
    "emergency duty worker of the responsible authority": Caller(
        organisation_id=OWN,
        organisation_code="E08000035",
        roles=frozenset({Role.PRACTITIONER, Role.EMERGENCY_DUTY}),
        user_id=uuid.uuid4(),
    ),
    "emergency duty worker elsewhere": Caller(
        organisation_id=OTHER,
        organisation_code="E08000003",
        roles=frozenset({Role.PRACTITIONER, Role.EMERGENCY_DUTY}),
        user_id=uuid.uuid4(),
    ),
    "suspended emergency duty worker of the responsible authority": Caller(
        organisation_id=OWN,
        organisation_code="E08000035",
        roles=frozenset({Role.PRACTITIONER, Role.EMERGENCY_DUTY}),
        user_id=uuid.uuid4(),
        blocked_reasons=("your account is suspended",),
    ),
    "partner granted every field it may have": Caller(
        organisation_id=50,
        organisation_code="BARNARDOS",
        client_id=uuid.uuid4(),
        client_fields=GRANTABLE_TO_CLIENTS,
    ),
}


def _cases() -> list[tuple[str, str, str, Reason | None]]:
    cases = []
    for who, by_state in MATRIX.items():
        for state, outcomes in by_state.items():
            for fields, outcome in zip(
                (IDENTITY, AUTHORITY, WHEREABOUTS, MATCHING, OWN_INVOLVEMENTS),
                outcomes,
                strict=True,
            ):
                cases.extend((who, state, field, outcome) for field in fields)
    return cases


@pytest.mark.parametrize(("who", "state", "field", "expected"), _cases())
def test_permission_matrix(who: str, state: str, field: str, expected: Reason | None) -> None:
    decision = decide(CALLERS[who], STATES[state])
    assert decision.withheld.get(field) == expected


def test_only_an_opening_grant_is_named_in_the_decision() -> None:
    opened = decide(CALLERS["emergency duty worker of the responsible authority"], STATES[GRANT])
    elsewhere = decide(CALLERS["emergency duty worker elsewhere"], STATES[GRANT])
    assert (opened.emergency_grant, elsewhere.emergency_grant) == ("g-1", None)


def test_the_matrix_covers_every_child_field() -> None:
    covered = set(IDENTITY + AUTHORITY + WHEREABOUTS + MATCHING + OWN_INVOLVEMENTS)
    assert covered == {
        name for name in CHILD_FIELDS if name not in ("id", "withheld", "__typename")
    }


def test_every_field_of_child_has_a_row_in_the_policy_table() -> None:
    names = {
        f.graphql_name or strawberry.utils.str_converters.to_camel_case(f.python_name)
        for f in Child.__strawberry_definition__.fields
    }  # type: ignore[attr-defined]
    assert names <= set(CHILD_FIELDS), names - set(CHILD_FIELDS)


def test_every_field_of_involvement_has_a_row_in_the_policy_table() -> None:
    names = {
        strawberry.utils.str_converters.to_camel_case(f.python_name)
        for f in Involvement.__strawberry_definition__.fields
    }  # type: ignore[attr-defined]
    assert names <= set(INVOLVEMENT_FIELDS), names - set(INVOLVEMENT_FIELDS)


def test_a_partner_sees_only_the_fields_it_was_granted() -> None:
    partner = Caller(
        organisation_id=50,
        organisation_code="KIDS",
        client_id=uuid.uuid4(),
        client_fields=frozenset({"familyName", "dateOfBirth"}),
    )
    decision = decide(
        partner, ChildFacts(responsible_authority_id=OWN, shielded=False, archived=False)
    )
    assert decision.discloses("familyName")
    assert decision.withheld["givenNames"] == Reason.SCOPE
    assert decision.withheld["involvements"] == Reason.SCOPE


def test_an_auditor_alone_may_not_open_child_records() -> None:
    auditor = Caller(
        organisation_id=99, organisation_code="CONTACTPOINT", roles=frozenset({Role.AUDITOR})
    )
    with pytest.raises(Forbidden):
        require_child_access(auditor)


def test_an_untrained_practitioner_is_told_why_they_are_blocked() -> None:
    blocked = Caller(
        organisation_id=OWN,
        organisation_code="E08000035",
        roles=frozenset({Role.PRACTITIONER}),
        blocked_reasons=("your ContactPoint training has not been recorded",),
    )
    with pytest.raises(Forbidden, match="training"):
        require_child_access(blocked)


def test_only_the_recording_organisation_sees_a_sensitive_services_nature() -> None:
    manager = CALLERS["management team of the responsible authority"]
    decision = decide(
        manager, ChildFacts(responsible_authority_id=OWN, shielded=False, archived=False)
    )
    assert decision.service_nature_reason(sensitive=True, organisation_id=77) == Reason.CONSENT
    assert decision.service_nature_reason(sensitive=True, organisation_id=OWN) is None
    assert decision.service_nature_reason(sensitive=False, organisation_id=77) is None


def test_partners_never_see_sensitive_involvements() -> None:
    decision = decide(
        CALLERS["partner granted every field it may have"],
        ChildFacts(responsible_authority_id=OWN, shielded=False, archived=False),
    )
    assert decision.sees_sensitive_involvements is False
