"""Whereabouts-blind ranking as a property: for random criteria, the postcode typed never
changes whether a shielded child is found or how it is weighed, for any caller who may
not see its whereabouts; and the ranking's notion of "may see" is the policy's own."""

import uuid
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.db.queries.child_search import search_children
from backend.policy.caller import Caller, Role
from backend.policy.decide import ChildFacts, decide
from backend.policy.search_scope import WhereaboutsScope, sees_whereabouts, whereabouts_scope
from backend.search.criteria import parse_criteria
from backend.services.search import search_parameters
from tests import factories

CHILD_POSTCODE = "LS9 9ZZ"
BLIND_SCOPES = (
    WhereaboutsScope(sees_all=False, team=None),  # practitioners, partners
    WhereaboutsScope(sees_all=False, team=-1),  # another authority's management team
)
criteria = st.fixed_dictionaries(
    {"family_name": st.sampled_from(["Shieldson", "Shieldsen", "Sheildson", "Shields"])},
    optional={
        "given_name": st.sampled_from(["Riley", "Rylee", "Reilly", "Sam"]),
        "date_of_birth": st.sampled_from(["2015-03-14", "2015-03-15", "2015-01-14", "2014-03-14"]),
        "gender": st.sampled_from(["FEMALE", "MALE"]),
    },
)


@pytest.fixture
async def shielded_child(engine: AsyncEngine) -> int:
    async with engine.begin() as conn:
        authority = await factories.authority(conn)
        child_id, _ = await factories.child(
            conn,
            authority,
            given_names="Riley",
            family_name="Shieldson",
            date_of_birth=date(2015, 3, 14),
            postcode=CHILD_POSTCODE,
        )
        await factories.shielding(conn, child_id)
        # Neighbours whose whereabouts anyone may see, so the location routes have work.
        for n, postcode in enumerate(["LS9 9ZZ", "LS9 9ZY", "LS9 1AA", "M1 1AA"]):
            await factories.child(
                conn, authority, given_names="Riley", family_name=f"Shield{'s' * n}on",
                postcode=postcode,
            )  # fmt: skip
    return child_id


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(criteria=criteria, scope=st.sampled_from(BLIND_SCOPES))
async def test_the_postcode_typed_changes_nothing_about_a_child_whose_whereabouts_are_unseen(
    engine: AsyncEngine, shielded_child: int, criteria: dict[str, str], scope: WhereaboutsScope
) -> None:
    seen = []
    async with engine.connect() as conn:
        for postcode in (CHILD_POSTCODE, "LS9", "LS9 9", "M1 1AA", "SW1A 1AA"):
            try:
                parsed = parse_criteria(**criteria, postcode=postcode, today=date(2026, 12, 1))
            except ValueError:
                return
            params = await search_parameters(conn, parsed, scope=scope)
            found = await search_children(conn, params)
            seen.append(
                [(m.weight, dict(m.levels)) for m in found.matches if m.child.id == shielded_child]
            )
    assert all(entry == seen[0] for entry in seen), (criteria, seen)


CALLERS = [
    Caller(organisation_id=1, organisation_code="A", roles=frozenset({Role.PRACTITIONER})),
    Caller(
        organisation_id=1, organisation_code="A", roles=frozenset({Role.PRACTITIONER, Role.MANAGER})
    ),
    Caller(
        organisation_id=2, organisation_code="B", roles=frozenset({Role.PRACTITIONER, Role.MANAGER})
    ),
    Caller(organisation_id=3, organisation_code="N", roles=frozenset({Role.ADMINISTRATOR})),
    Caller(
        organisation_id=4,
        organisation_code="P",
        client_id=uuid.UUID(int=1),
        client_fields=frozenset({"familyName", "postcode"}),
    ),
]


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: f"{c.organisation_code}{sorted(c.roles)}")
@pytest.mark.parametrize("shielded", [True, False])
def test_the_ranking_counts_whereabouts_exactly_where_the_policy_shows_them(
    caller: Caller, shielded: bool
) -> None:
    facts = ChildFacts(responsible_authority_id=1, shielded=shielded, archived=False)
    shown = decide(caller, facts).discloses("postcode")
    assert sees_whereabouts(whereabouts_scope(caller), shielded=shielded, authority_id=1) is shown
