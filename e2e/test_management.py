"""The management team's pages in a real browser: inviting a user (the one-time set-up code),
changing an account, the shielding workbench, and the requests to be put in touch.

Each test makes what it needs (a user with a unique email, a child found unshielded in the
demo data), so the tests pass in any order and alongside other files that do the same.
"""

import re
import secrets
import subprocess
from datetime import date, timedelta
from typing import Any

from playwright.sync_api import Page, expect

from backend.db.urls import render, to_async_url
from e2e.helpers import check_accessible, screenshot


def _heading(page: Page) -> Any:
    return page.get_by_role("heading", level=1)


def _fits_320_pixels(page: Page) -> None:
    """At 320 px wide nothing but the tables' own scrolling regions scrolls sideways."""
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page is {width} px wide at a 320 px viewport"
    page.set_viewport_size({"width": 1280, "height": 800})


def _graphql(page: Page, query: str, variables: dict[str, Any] | None = None) -> Any:
    """Run an operation as the page's signed-in person (the session cookie goes along)."""
    response = page.request.post("/graphql", data={"query": query, "variables": variables or {}})
    body = response.json()
    assert not body.get("errors"), body
    return body["data"]


def _unshielded_leeds_child(e2e_database: str) -> str:
    """The ContactPoint ID of an active, unshielded child Leeds (E08000035) is responsible
    for; picked at random so that tests elsewhere shielding children rarely pick it too."""
    url = render(to_async_url(e2e_database).set(drivername="postgresql"))
    sql = (
        "SELECT c.contact_point_id FROM child c"
        " JOIN organisation o ON o.id = c.responsible_authority_id"
        " WHERE o.code = 'E08000035' AND c.status = 'ACTIVE' AND NOT EXISTS ("
        "   SELECT 1 FROM shielding s WHERE s.child_id = c.id AND s.unshielded_at IS NULL)"
        " ORDER BY random() LIMIT 1"
    )
    found = subprocess.run(
        ["psql", url, "-tAc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert len(found) == 12, f"no unshielded Leeds child in the demo data: {found!r}"
    return found


def _invite(page: Page, email: str, name: str) -> None:
    page.goto("/manage/users/invite")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Job title (optional)").fill("Family support worker")
    page.get_by_label("Date they completed ContactPoint training (optional)").fill(
        (date.today() - timedelta(days=10)).isoformat()
    )
    page.get_by_role("button", name="Send invitation").click()
    expect(_heading(page)).to_have_text("Invitation created")


# --- users --------------------------------------------------------------------------


def test_a_manager_invites_a_user_and_sees_the_one_time_set_up_code(
    page_as: Any, output_path: str
) -> None:
    page = page_as("manager.leeds")
    page.goto("/manage/users")
    expect(_heading(page)).to_have_text("Users")
    expect(page.get_by_role("link", name="Helen Okafor", exact=True)).to_be_visible()
    check_accessible(page)
    _fits_320_pixels(page)

    page.get_by_role("button", name="Invite a user").click()
    expect(_heading(page)).to_have_text("Invite a user")
    expect(page.get_by_label("Email address")).to_be_visible()
    # A manager offers only the roles they hold; no organisation to choose.
    expect(page.get_by_label("Administrator", exact=False)).to_have_count(0)
    expect(page.get_by_label("Organisation code (optional)")).to_have_count(0)
    check_accessible(page)

    page.get_by_role("button", name="Send invitation").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter their email address")
    expect(summary.get_by_role("link", name="Enter their full name")).to_have_attribute(
        "href", "#field-name"
    )
    assert page.title().startswith("Error: ")
    check_accessible(page)

    email = f"invitee-{secrets.token_hex(4)}@example.test"
    _invite(page, email, "Morgan Ellis")
    code = page.locator("#enrolment-code").inner_text().strip()
    assert len(code) >= 20
    expect(page.get_by_text("This code is shown only once")).to_be_visible()
    expect(page.locator("strong", has_text="/set-up")).to_be_visible()
    screenshot(page, output_path, "user-invited")
    check_accessible(page)
    _fits_320_pixels(page)

    page.goto(f"/manage/users?search={email}")
    expect(page.get_by_role("link", name="Morgan Ellis", exact=True)).to_be_visible()
    expect(page.locator("tbody .govuk-tag")).to_have_text("Invited")


def test_inviting_an_email_already_in_use_names_the_email_field(page_as: Any) -> None:
    page = page_as("manager.leeds")
    email = f"twice-{secrets.token_hex(4)}@example.test"
    _invite(page, email, "Jo Twice")
    page.goto("/manage/users/invite")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Full name").fill("Jo Twice Again")
    page.get_by_role("button", name="Send invitation").click()
    link = page.locator(".govuk-error-summary").get_by_role("link")
    expect(link).to_contain_text("already exists")
    expect(link).to_have_attribute("href", "#field-email")
    expect(page.get_by_label("Full name")).to_have_value("Jo Twice Again")


def test_a_manager_records_vetting_and_suspends_a_user_after_confirming(
    page_as: Any, output_path: str
) -> None:
    page = page_as("manager.leeds")
    email = f"vetted-{secrets.token_hex(4)}@example.test"
    _invite(page, email, "Alex Vetted")
    page.get_by_role("link", name="their account").click()
    expect(_heading(page)).to_have_text("Alex Vetted")
    check_accessible(page)

    until = date.today() + timedelta(days=700)
    page.get_by_label("Enhanced DBS check valid until").fill(until.isoformat())
    page.get_by_role("button", name="Save details").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Details saved")
    expect(page.locator("#account-summary")).to_contain_text(str(until.year))

    page.get_by_role("button", name="Suspend account").click()
    expect(page.get_by_role("heading", name="Suspend this account?")).to_be_focused()
    page.get_by_role("button", name="Yes, suspend account").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Account suspended")
    expect(page.locator("#account-summary")).to_contain_text("Suspended")

    page.get_by_role("button", name="Reset second factor").click()
    page.get_by_role("button", name="Yes, reset second factor").click()
    expect(page.locator("#enrolment-code")).not_to_be_empty()
    screenshot(page, output_path, "user-account")
    check_accessible(page)
    _fits_320_pixels(page)


def test_a_managers_own_account_refusal_is_in_the_error_summary(page_as: Any) -> None:
    page = page_as("manager.leeds")
    page.goto("/manage/users?search=manager.leeds")
    page.get_by_role("link", name="Helen Okafor", exact=True).click()
    expect(_heading(page)).to_have_text("Helen Okafor")
    page.get_by_label("Practitioner").uncheck()
    page.get_by_role("button", name="Change roles").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("your own account")
    check_accessible(page)


# --- shielding ----------------------------------------------------------------------


def test_a_manager_shields_a_child_who_then_appears_on_the_workbench(
    page_as: Any, e2e_database: str, output_path: str
) -> None:
    child_id = _unshielded_leeds_child(e2e_database)
    review = date.today() + timedelta(days=90)
    page = page_as("manager.leeds")
    page.goto("/manage/shielding")
    expect(_heading(page)).to_have_text("Shielded children")
    expect(page.get_by_role("heading", name="Shield a child")).to_be_visible()
    check_accessible(page)

    page.get_by_label("ContactPoint ID").fill(child_id)
    page.get_by_label("Other", exact=True).check()
    page.get_by_label("Review date").fill(review.isoformat())
    page.get_by_role("button", name="Shield child").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why in the note")
    page.get_by_label("Note (required for Other)").fill("Placed with a relative out of area")
    page.get_by_role("button", name="Shield child").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is now shielded")
    row = page.locator("tbody tr", has=page.locator(f'a[href="/children/{child_id}"]'))
    expect(row).to_contain_text("Other")
    screenshot(page, output_path, "child-shielded")
    check_accessible(page)
    _fits_320_pixels(page)

    page.get_by_label("Review due by").fill(review.isoformat())
    page.get_by_role("button", name="Show reviews due").click()
    expect(page).to_have_url(re.compile(f"/manage/shielding\\?reviewDueBy={review.isoformat()}$"))
    expect(row).to_be_visible()

    # Lift it again: the confirmation page asks why.
    row.get_by_role("link", name="Unshield").click()
    expect(_heading(page)).to_have_text("Unshield a child")
    expect(page.locator(".govuk-summary-list")).to_contain_text(child_id)
    check_accessible(page)
    page.get_by_role("button", name="Unshield child").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("no longer needs shielding")
    page.get_by_label("Why does the child no longer need shielding?").fill("Family moved on")
    page.get_by_role("button", name="Unshield child").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "no longer shielded"
    )
    expect(page.locator(f'a[href="/children/{child_id}"]')).to_have_count(0)


def test_shielding_a_child_of_another_authority_is_refused_on_the_child_id(
    page_as: Any,
) -> None:
    page = page_as("manager.manchester")
    page.goto("/manage/shielding")
    page.get_by_label("ContactPoint ID").fill("000000000000")
    page.get_by_label("Adoption").check()
    page.get_by_label("Review date").fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Shield child").click()
    link = page.locator(".govuk-error-summary").get_by_role("link")
    expect(link).to_have_attribute("href", "#field-childId")


def test_the_contact_requests_page_is_accessible(page_as: Any, output_path: str) -> None:
    page = page_as("manager.leeds")
    page.goto("/manage/contact-requests")
    expect(_heading(page)).to_have_text("Requests to be put in touch")
    expect(page.get_by_role("heading", name="Waiting for an answer")).to_be_visible()
    check_accessible(page)
    screenshot(page, output_path, "contact-requests")


def test_a_manager_declines_a_practitioners_request_to_be_put_in_touch(
    page_as: Any, e2e_database: str, output_path: str
) -> None:
    child_id = _unshielded_leeds_child(e2e_database)
    manager = page_as("manager.leeds")
    manager.goto("/manage/shielding")
    expect(_heading(manager)).to_have_text("Shielded children")
    _graphql(
        manager,
        "mutation($id: ID!, $review: Date!) {"
        " shieldChild(childId: $id, reason: WITNESS_PROTECTION, reviewDate: $review) { id } }",
        {"id": child_id, "review": (date.today() + timedelta(days=60)).isoformat()},
    )
    practitioner = page_as("practitioner.manchester")
    practitioner.goto("/")
    _graphql(
        practitioner,
        'mutation($id: ID!) { requestContact(childId: $id, message: "I teach this child") { id } }',
        {"id": child_id},
    )

    manager.goto("/manage/contact-requests")
    card = manager.locator(".govuk-summary-card", has_text=child_id)
    expect(card).to_contain_text("I teach this child")
    expect(card).to_contain_text("Aisha Rahman")
    check_accessible(manager)
    screenshot(manager, output_path, "contact-request-pending")
    _fits_320_pixels(manager)

    card.locator("summary", has_text="Decline").click()
    card.get_by_role("button", name="Decline request").click()
    expect(manager.locator(".govuk-error-summary")).to_contain_text("Say why")
    card.get_by_label("Why is the request declined?").fill("The family has asked for no contact")
    card.get_by_role("button", name="Decline request").click()
    expect(manager.locator(".govuk-notification-banner--success")).to_contain_text(
        "Request declined"
    )
    answered = manager.locator("tbody tr", has=manager.locator(f'a[href="/children/{child_id}"]'))
    expect(answered).to_contain_text("Declined")
    check_accessible(manager)
    _graphql(
        manager,
        'mutation($id: ID!) { unshieldChild(childId: $id, note: "test over") { id } }',
        {"id": child_id},
    )


def test_a_practitioner_is_told_they_cannot_use_the_management_pages(page_as: Any) -> None:
    page = page_as("practitioner.leeds")
    for path in ("/manage/users", "/manage/shielding", "/manage/contact-requests"):
        page.goto(path)
        expect(_heading(page)).to_have_text("You cannot use this page")


def test_an_administrator_invites_an_auditor_into_another_organisation(page_as: Any) -> None:
    page = page_as("administrator")
    page.goto("/manage/users")
    expect(page.locator("thead")).to_contain_text("Organisation")
    page.goto("/manage/users/invite")
    page.get_by_label("Email address").fill(f"auditor-{secrets.token_hex(4)}@example.test")
    page.get_by_label("Full name").fill("Sasha Audit")
    page.get_by_label("Practitioner", exact=False).uncheck()
    page.get_by_label("Auditor", exact=False).check()
    page.get_by_label("Organisation code (optional)").fill("NO-SUCH-ORG")
    page.get_by_role("button", name="Send invitation").click()
    link = page.locator(".govuk-error-summary").get_by_role("link")
    expect(link).to_have_attribute("href", "#field-organisationCode")
    page.get_by_label("Organisation code (optional)").fill("E08000003")
    page.get_by_role("button", name="Send invitation").click()
    expect(_heading(page)).to_have_text("Invitation created")
    expect(page.locator("#enrolment-code")).not_to_be_empty()
