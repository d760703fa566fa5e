"""A practitioner's day in a real browser: search with a misspelt name, open the record,
record an involvement; the practitioner already involved is told, live; a shielded child
shows only the banner and whom to contact. Each flow saves screenshots; axe checks every
screen."""

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest
from playwright.sync_api import Page, expect

from backend.db.urls import render, to_async_url
from e2e.helpers import check_accessible, screenshot


@dataclass(frozen=True)
class DemoChild:
    contact_point_id: str
    given: str
    family: str
    date_of_birth: str


def _query(url: str, sql: str) -> list[Any]:
    async def run() -> list[Any]:
        conn = await asyncpg.connect(render(to_async_url(url).set(drivername="postgresql")))
        try:
            return list(await conn.fetch(sql))
        finally:
            await conn.close()

    # Playwright's sync API keeps an event loop running in this thread: use another.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run()).result()


@pytest.fixture(scope="session")
def involved_child(e2e_database: str, demo_credentials: Any) -> DemoChild:
    """An unshielded child the demo practitioner.leeds is involved with (one given name,
    a family name long enough to misspell)."""
    (row,) = _query(
        e2e_database,
        "SELECT c.contact_point_id, c.given_names, c.family_name, c.date_of_birth"
        " FROM involvement i JOIN user_account u ON u.id = i.practitioner_user_id"
        " JOIN child c ON c.id = i.child_id"
        " WHERE u.email LIKE 'practitioner.leeds@%' AND i.end_date IS NULL"
        " AND c.status = 'ACTIVE' AND length(c.family_name) >= 5"
        " AND c.given_names NOT LIKE '% %' AND c.family_name NOT LIKE '%-%'"
        " AND NOT EXISTS (SELECT 1 FROM shielding s WHERE s.child_id = c.id"
        "                 AND s.unshielded_at IS NULL)"
        " AND NOT EXISTS (SELECT 1 FROM involvement j JOIN user_account v"
        "                 ON v.id = j.practitioner_user_id WHERE j.child_id = c.id"
        "                 AND v.email LIKE 'practitioner2.leeds@%')"
        " ORDER BY c.contact_point_id LIMIT 1",
    )
    return DemoChild(
        contact_point_id=row["contact_point_id"],
        given=row["given_names"],
        family=row["family_name"],
        date_of_birth=row["date_of_birth"].strftime("%d/%m/%Y"),
    )


@pytest.fixture(scope="session")
def shielded_child(e2e_database: str, demo_credentials: Any) -> str:
    """A shielded child held by Leeds."""
    (row,) = _query(
        e2e_database,
        "SELECT c.contact_point_id FROM shielding s JOIN child c ON c.id = s.child_id"
        " JOIN organisation o ON o.id = c.responsible_authority_id"
        " WHERE s.unshielded_at IS NULL AND o.code = 'E08000035' AND c.status = 'ACTIVE'"
        " ORDER BY c.contact_point_id LIMIT 1",
    )
    return str(row["contact_point_id"])


def _misspelt(name: str) -> str:
    """One letter dropped from the middle: the kind of slip made on the phone."""
    middle = len(name) // 2
    return name[:middle] + name[middle + 1 :]


def test_a_practitioner_finds_a_child_through_a_misspelt_name_and_records_an_involvement(
    page_as: Any, involved_child: DemoChild, output_path: str
) -> None:
    page: Page = page_as("practitioner2.leeds")
    page.goto("/search")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search for a child")
    check_accessible(page)
    page.get_by_label("Family name").fill(_misspelt(involved_child.family))
    page.get_by_label("Given name").fill(involved_child.given)
    page.get_by_label("Date of birth").fill(involved_child.date_of_birth)
    page.get_by_role("button", name="Search").click()

    result = page.get_by_role("link", name=f"{involved_child.given} {involved_child.family}")
    expect(result.first).to_be_visible()
    screenshot(page, output_path, "1-search-results")
    check_accessible(page)

    result.first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{involved_child.given} {involved_child.family}"
    )
    expect(page.get_by_role("heading", name="Services involved")).to_be_visible()
    screenshot(page, output_path, "2-record")
    check_accessible(page)

    page.get_by_role("link", name="Record your involvement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record your involvement")
    check_accessible(page)
    page.get_by_label("Service", exact=True).select_option("YOUTH_SUPPORT")
    page.get_by_role("button", name="Record involvement").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{involved_child.given} {involved_child.family}"
    )
    expect(page.get_by_text("Youth support").first).to_be_visible()
    screenshot(page, output_path, "3-involvement-recorded")


def test_a_sensitive_service_without_consent_shows_an_error_summary_linked_to_the_field(
    page_as: Any, involved_child: DemoChild
) -> None:
    page: Page = page_as("practitioner2.leeds")
    page.goto(f"/children/{involved_child.contact_point_id}/involvements/new")
    page.get_by_label("Service", exact=True).select_option("CAMHS")
    page.get_by_role("button", name="Record involvement").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_contain_text("consent")
    expect(page).to_have_title(re.compile("^Error: "))
    check_accessible(page)


def test_the_practitioner_already_involved_is_told_live_and_in_the_inbox(
    page_as: Any, involved_child: DemoChild, output_path: str
) -> None:
    told: Page = page_as("practitioner.leeds")
    told.goto("/search")
    expect(told.get_by_role("link", name="Sign out")).to_be_visible()
    told.wait_for_timeout(1000)  # the live subscription opens after the menu

    actor: Page = page_as("manager.leeds")
    actor.goto(f"/children/{involved_child.contact_point_id}/involvements/new")
    actor.get_by_label("Service", exact=True).select_option("FAMILY_SUPPORT")
    actor.get_by_label("Your role").fill("Team manager")
    actor.get_by_role("button", name="Record involvement").click()
    expect(actor.get_by_role("heading", level=1)).to_have_text(
        f"{involved_child.given} {involved_child.family}"
    )

    badge = told.locator("#unread-badge")
    expect(badge).to_be_visible(timeout=10000)
    screenshot(told, output_path, "1-live-badge")
    told.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(told.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(
        told.get_by_role(
            "link", name=re.compile(f"is now involved with {involved_child.given}")
        ).first
    ).to_be_visible()
    screenshot(told, output_path, "2-inbox")
    check_accessible(told)


def test_a_shielded_child_shows_only_the_banner_and_whom_to_contact(
    page_as: Any, shielded_child: str, output_path: str
) -> None:
    page: Page = page_as("practitioner2.leeds")
    page.goto(f"/children/{shielded_child}")
    expect(page.get_by_role("heading", name="Shielded record")).to_be_visible()
    expect(page.get_by_text("Services involved withheld: the child is shielded")).to_be_visible()
    expect(page.get_by_text("Address")).to_have_count(0)
    screenshot(page, output_path, "shielded")
    check_accessible(page)
    page.get_by_label("Why do you need to work with this child?").fill(
        "I am the new school's designated safeguarding lead."
    )
    page.get_by_role("button", name="Send request").click()
    expect(page.locator("#request-sent")).to_be_visible()


def test_the_app_works_at_320_pixels_wide(page_as: Any, involved_child: DemoChild) -> None:
    page: Page = page_as("practitioner2.leeds")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"/children/{involved_child.contact_point_id}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page is {width} px wide"


def test_ending_an_involvement_and_first_sign_in_pages_are_accessible(
    page_as: Any, involved_child: DemoChild, page: Page
) -> None:
    practitioner: Page = page_as("practitioner.leeds")
    practitioner.goto(f"/children/{involved_child.contact_point_id}")
    practitioner.get_by_role("link", name="End this involvement").first.click()
    expect(practitioner.get_by_role("heading", level=1)).to_have_text("End your involvement")
    check_accessible(practitioner)
    page.goto("/set-up")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your account")
    check_accessible(page)
