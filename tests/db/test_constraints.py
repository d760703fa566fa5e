"""The rules that matter are the database's: Python only makes the messages friendlier."""

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import factories


async def test_a_contact_point_id_with_a_wrong_check_digit_is_refused(engine: AsyncEngine) -> None:
    with pytest.raises(IntegrityError, match="child_contact_point_id_valid"):
        async with engine.begin() as conn:
            la = await factories.authority(conn)
            await factories.child_row(conn, la, contact_point_id="000000123450")


async def test_an_nhs_number_failing_its_modulus_11_check_is_refused(engine: AsyncEngine) -> None:
    with pytest.raises(IntegrityError, match="child_nhs_number_valid"):
        async with engine.begin() as conn:
            la = await factories.authority(conn)
            await factories.child_row(conn, la, nhs_number="9434765918")


async def test_a_valid_nhs_number_is_accepted(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        la = await factories.authority(conn)
        await factories.child(conn, la, nhs_number="9434765919")


async def test_a_local_authority_needs_an_ons_code(engine: AsyncEngine) -> None:
    with pytest.raises(IntegrityError, match="organisation_local_authority_ons_code"):
        async with engine.begin() as conn:
            await factories.authority(conn, code="LEEDS")


async def test_an_unnormalised_postcode_is_refused(engine: AsyncEngine) -> None:
    with pytest.raises(IntegrityError, match="child_postcode_normalised"):
        async with engine.begin() as conn:
            la = await factories.authority(conn)
            await factories.child_row(conn, la, postcode="ls14ap")


async def test_a_child_has_at_most_one_active_lead_professional(engine: AsyncEngine) -> None:
    with pytest.raises(IntegrityError, match="involvement_one_active_lead"):
        async with engine.begin() as conn:
            la = await factories.authority(conn)
            school = await factories.service(conn, la)
            child_id, _ = await factories.child(conn, la)
            await factories.involvement(conn, child_id, school, is_lead=True)
            await factories.involvement(conn, child_id, school, is_lead=True, service_type="GP")


async def test_an_ended_involvement_cannot_be_the_lead(engine: AsyncEngine) -> None:
    with pytest.raises(IntegrityError, match="involvement_lead_is_active"):
        async with engine.begin() as conn:
            la = await factories.authority(conn)
            school = await factories.service(conn, la)
            child_id, _ = await factories.child(conn, la)
            await factories.involvement(
                conn, child_id, school, is_lead=True, end_date=date(2023, 1, 1)
            )


async def test_an_involvement_cannot_end_before_it_starts(engine: AsyncEngine) -> None:
    with pytest.raises(IntegrityError, match="involvement_ends_after_start"):
        async with engine.begin() as conn:
            la = await factories.authority(conn)
            school = await factories.service(conn, la)
            child_id, _ = await factories.child(conn, la)
            await factories.involvement(conn, child_id, school, end_date=date(2020, 1, 1))


async def test_a_sensitive_service_needs_recorded_consent(engine: AsyncEngine) -> None:
    with pytest.raises(IntegrityError, match="involvement_sensitive_needs_consent"):
        async with engine.begin() as conn:
            la = await factories.authority(conn)
            clinic = await factories.service(conn, la, kind="HEALTH_SERVICE")
            child_id, _ = await factories.child(conn, la)
            await factories.involvement(
                conn, child_id, clinic, service_type="SEXUAL_HEALTH", sensitive=True
            )


async def test_an_involvement_cannot_disown_its_service_types_sensitivity(
    engine: AsyncEngine,
) -> None:
    with pytest.raises(IntegrityError, match="involvement_service_type_fk"):
        async with engine.begin() as conn:
            la = await factories.authority(conn)
            clinic = await factories.service(conn, la, kind="HEALTH_SERVICE")
            child_id, _ = await factories.child(conn, la)
            await factories.involvement(
                conn, child_id, clinic, service_type="SEXUAL_HEALTH", sensitive=False
            )


async def test_a_child_has_at_most_one_active_shielding(engine: AsyncEngine) -> None:
    with pytest.raises(IntegrityError, match="shielding_one_active"):
        async with engine.begin() as conn:
            la = await factories.authority(conn)
            child_id, _ = await factories.child(conn, la)
            await factories.shielding(conn, child_id)
            await factories.shielding(conn, child_id)


async def test_shielding_for_another_reason_needs_a_note(engine: AsyncEngine) -> None:
    with pytest.raises(IntegrityError, match="shielding_other_needs_note"):
        async with engine.begin() as conn:
            la = await factories.authority(conn)
            child_id, _ = await factories.child(conn, la)
            await factories.shielding(conn, child_id, reason="OTHER", note="  ")
