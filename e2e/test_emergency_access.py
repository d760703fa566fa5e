"""Breaking the glass in a real browser: Leeds's emergency duty worker opens a shielded
record at night (purpose, reason, a new code), sees it with a countdown; the management
team sees the alert in its inbox and reviews the access in the shielding workbench."""

import time
from datetime import date, timedelta
from typing import Any

import pyotp
from playwright.sync_api import Page, expect

from e2e.helpers import check_accessible, screenshot
from e2e.test_management import _graphql, _heading, _unshielded_leeds_child

REASON = "Police at the door at 2am: the child may be with the person she was shielded from."


def _shield(manager: Page, child_id: str) -> None:
    manager.goto("/manage/shielding")
    expect(_heading(manager)).to_have_text("Shielded children")
    _graphql(
        manager,
        "mutation($id: ID!, $review: Date!) {"
        " shieldChild(childId: $id, reason: DOMESTIC_VIOLENCE, reviewDate: $review) { id } }",
        {"id": child_id, "review": (date.today() + timedelta(days=60)).isoformat()},
    )


def test_the_duty_worker_breaks_the_glass_and_the_team_reviews_it(
    page_as: Any, credential: Any, e2e_database: str, output_path: str
) -> None:
    child_id = _unshielded_leeds_child(e2e_database)
    manager = page_as("manager.leeds")
    _shield(manager, child_id)

    duty = page_as("duty.leeds")
    duty.goto(f"/children/{child_id}")
    banner = duty.get_by_role("region", name="Shielded record")
    expect(banner).to_contain_text("Out of hours, call the emergency duty team on")
    duty.get_by_text("Use emergency access").click()
    expect(banner).to_contain_text("your ContactPoint team is told at once")
    check_accessible(duty)
    screenshot(duty, output_path, "emergency-route")

    duty.get_by_role("button", name="Open the record in an emergency").click()
    expect(duty.locator(".govuk-error-summary")).to_contain_text("Choose why you need the record")
    check_accessible(duty)
    duty.get_by_label("The police have asked").check()
    duty.get_by_label("Reason", exact=True).fill(REASON)
    secret = pyotp.TOTP(credential("duty.leeds")["totpSecret"])
    # The sign-in spent its step's code; the next step's is accepted (one step of drift).
    duty.get_by_label("A new security code").fill(secret.at(int(time.time()) + 30))
    duty.get_by_role("button", name="Open the record in an emergency").click()

    emergency = duty.get_by_role("region", name="Emergency access")
    expect(emergency).to_contain_text("minutes")
    expect(emergency).to_contain_text("Your ContactPoint team has been told")
    expect(duty.get_by_text("Services involved", exact=True)).to_be_visible()
    expect(duty.get_by_role("region", name="Shielded record")).to_have_count(0)
    check_accessible(duty)
    screenshot(duty, output_path, "emergency-record")

    manager.goto("/notifications")
    expect(manager.locator("main")).to_contain_text("Emergency access: Megan Doyle")
    manager.goto("/manage/shielding")
    expect(manager.locator("#emergency-access-link")).to_be_visible()
    manager.locator("#emergency-access-link").click()
    expect(_heading(manager)).to_have_text("Emergency access to review")
    card = manager.locator(".govuk-summary-card", has_text=child_id)
    expect(card).to_contain_text(REASON)
    expect(card).to_contain_text("Megan Doyle")
    check_accessible(manager)
    screenshot(manager, output_path, "emergency-review")

    card.get_by_label("Not justified: reported as misuse").check()
    card.get_by_role("button", name="Record the review").click()
    expect(manager.locator(".govuk-error-summary")).to_contain_text("Say what you found")
    card.get_by_label("Note").fill("No police request was logged that night")
    card.get_by_role("button", name="Record the review").click()
    expect(manager.locator(".govuk-notification-banner--success")).to_contain_text(
        "Review recorded: not justified"
    )
    reviewed = manager.locator("tbody tr", has=manager.locator(f'a[href="/children/{child_id}"]'))
    expect(reviewed).to_contain_text("Not justified")
    check_accessible(manager)

    auditor = page_as("auditor")
    auditor.goto("/audit/reports")
    findings = auditor.locator("section", has=auditor.locator("#emergency"))
    finding = findings.locator("tbody tr", has_text="Megan Doyle").first
    expect(finding).to_contain_text("Not justified")
    expect(finding).to_contain_text("A shielded record of Leeds City Council")
    expect(findings).not_to_contain_text(child_id)
    expect(findings).not_to_contain_text(REASON)
    check_accessible(auditor)
    _graphql(
        manager,
        'mutation($id: ID!) { unshieldChild(childId: $id, note: "test over") { id } }',
        {"id": child_id},
    )


def test_a_practitioner_without_the_role_is_not_offered_the_emergency_route(
    page_as: Any, e2e_database: str
) -> None:
    child_id = _unshielded_leeds_child(e2e_database)
    manager = page_as("manager.leeds")
    _shield(manager, child_id)
    practitioner = page_as("practitioner.leeds")
    practitioner.goto(f"/children/{child_id}")
    banner = practitioner.get_by_role("region", name="Shielded record")
    expect(banner).to_contain_text("Out of hours, call the emergency duty team on")
    expect(practitioner.get_by_text("Use emergency access")).to_have_count(0)
    _graphql(
        manager,
        'mutation($id: ID!) { unshieldChild(childId: $id, note: "test over") { id } }',
        {"id": child_id},
    )
