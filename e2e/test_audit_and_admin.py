"""The audit and administration screens in a real browser: an auditor searches the log
and reads the reports; an administrator manages partner API clients and organisations.

Each test makes what it needs (activity to chart, a uniquely named client or
organisation), so they pass in any order and beside the other files' tests.
"""

import json
import re
import secrets
from typing import Any

from playwright.sync_api import Page, expect

from e2e.helpers import check_accessible, screenshot

LEEDS = "E08000035"

SEARCH = """
query E2eSearch($criteria: ChildSearchInput!) {
  searchChildren(criteria: $criteria) { matches { child { contactPointId } } }
}
"""
OPEN = "query E2eOpen($id: ID!) { child(id: $id) { contactPointId } }"
AUDIT_READ = "query E2eAuditRead { auditEvents(first: 1) { nextCursor } }"


def _graphql(page: Page, query: str, variables: dict[str, Any]) -> Any:
    """Send an operation with the page's session, as the app does (JSON, same origin)."""
    response = page.request.post(
        "/graphql",
        data=json.dumps({"query": query, "variables": variables}),
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 200, response.text()
    return response.json()


def _make_record_activity(page_as: Any) -> None:
    """A practitioner searches and opens a record: activity for the chart to show."""
    page = page_as("practitioner.leeds")
    found = _graphql(page, SEARCH, {"criteria": {"familyName": "Smith", "postcode": "LS1"}})
    matches = (found.get("data") or {}).get("searchChildren", {}).get("matches") or []
    child_id = matches[0]["child"]["contactPointId"] if matches else "000000000000"
    _graphql(page, OPEN, {"id": child_id})  # audited as a record view, found or not


def _fits_a_narrow_screen(page: Page, output_path: str, name: str) -> None:
    """At 320 px wide the page does not scroll sideways (wide tables scroll inside it)."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, output_path, name)
    if size is not None:
        page.set_viewport_size(size)


def test_an_auditor_searches_the_audit_for_sign_ins_and_reads_the_reports(
    page_as: Any, output_path: str
) -> None:
    _make_record_activity(page_as)
    page = page_as("auditor")
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    page.goto("/audit")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    page.get_by_label("Action").select_option("SIGN_IN")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/audit\?action=SIGN_IN$"))
    table = page.get_by_role("table", name="Audit events")
    expect(table.locator("tbody tr").first).to_contain_text("Sign in")
    expect(table).not_to_contain_text("Record viewed")
    check_accessible(page)
    screenshot(page, output_path, "audit-sign-ins")
    _fits_a_narrow_screen(page, output_path, "audit-sign-ins-320")

    # An inverted range is refused with an error summary linked to the field.
    page.get_by_label("From", exact=True).fill("2025-02-01")
    page.get_by_label("To", exact=True).fill("2025-01-01")
    page.get_by_role("button", name="Search").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("From must be the same as or before To")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#field-since")
    expect(page).to_have_title(re.compile("^Error: "))

    # The API's own errors are shown the same way, linked to the field it names.
    page.goto("/audit?childId=123")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("childId")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#field-childId")

    # The back button returns to the earlier searches (they are URLs).
    page.go_back()
    expect(page).to_have_url(re.compile(r"since=2025-02-01"))

    # More than a page of events (each read of the audit is itself audited): next page.
    for _ in range(51):
        _graphql(page, AUDIT_READ, {})
    page.goto("/audit?action=AUDIT_SEARCHED")
    expect(page.get_by_role("table", name="Audit events").locator("tbody tr")).to_have_count(50)
    page.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"action=AUDIT_SEARCHED&after="))
    expect(page.get_by_role("table", name="Audit events").locator("tbody tr").first).to_be_visible()
    expect(page.get_by_role("link", name="First page of results")).to_be_visible()

    page.goto("/audit/reports")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit reports")
    chart = page.get_by_role("img", name=re.compile("Bar chart of record views and searches"))
    expect(chart).to_be_visible()
    assert chart.locator("rect").count() > 0
    for heading in ("Heaviest viewers", "Views of shielded records", "Out-of-hours activity"):
        expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
    page.get_by_text("Show the figures as a table").click()
    expect(page.get_by_role("table", name=re.compile("Record views and searches"))).to_be_visible()
    check_accessible(page)
    screenshot(page, output_path, "audit-reports")
    _fits_a_narrow_screen(page, output_path, "audit-reports-320")
    assert refused == [], refused  # no inline style or script anywhere on the way


def test_an_administrator_adds_a_partner_client_sees_its_token_once_and_revokes_it(
    page_as: Any, output_path: str
) -> None:
    page = page_as("administrator")
    name = f"E2E case system {secrets.token_hex(3)}"

    page.goto("/admin/api-clients")
    expect(page.get_by_role("heading", level=1)).to_have_text("Partner access")
    check_accessible(page)
    page.get_by_role("button", name="Add a partner client").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a partner client")

    # Nothing filled in: every problem is linked to its field.
    page.get_by_role("button", name="Add partner client").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_count(3)
    expect(summary.get_by_role("link", name="Choose at least one field")).to_have_attribute(
        "href", "#field-fields"
    )

    page.get_by_label("Organisation code").fill("BARNARDOS")
    page.get_by_label("Name of the system").fill(name)
    page.get_by_label("Given names (givenNames)").check()
    page.get_by_label("Family name (familyName)").check()
    page.get_by_role("button", name="Add partner client").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Partner client added")
    token = page.locator("#issued-token").inner_text().strip()
    assert len(token) >= 40
    expect(page.get_by_text("It will not be shown again", exact=False)).to_be_visible()
    check_accessible(page)
    screenshot(page, output_path, "api-client-token")

    page.get_by_role("link", name=re.compile("back to partner access")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partner access")
    card = page.locator(".govuk-summary-card", has_text=name)
    expect(card).to_contain_text("Given names")
    assert token not in page.content()

    # A new token replaces the old one, and is likewise shown once.
    card.get_by_role("link", name=f"Issue a new token for {name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Issue a new token")
    page.get_by_role("button", name="Issue a new token").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New token issued")
    new_token = page.locator("#issued-token").inner_text().strip()
    assert len(new_token) >= 40
    assert new_token != token
    page.get_by_role("link", name=re.compile("back to partner access")).click()
    card = page.locator(".govuk-summary-card", has_text=name)

    card.get_by_role("link", name=f"Revoke for {name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke a partner client")
    page.get_by_role("button", name="Revoke partner client").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{name} has been revoked")
    card = page.locator(".govuk-summary-card", has_text=name)
    expect(card).to_contain_text("Revoked")
    expect(card.get_by_role("link", name=re.compile("Revoke"))).to_have_count(0)
    screenshot(page, output_path, "api-client-revoked")


def test_an_administrator_adds_a_school_and_deactivates_it(page_as: Any, output_path: str) -> None:
    page = page_as("administrator")
    code = f"E2E-{secrets.token_hex(3).upper()}"
    name = f"E2E Primary School {code}"

    page.goto("/admin/organisations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    expect(page.get_by_role("table", name="Organisations").locator("tbody tr")).not_to_have_count(0)
    check_accessible(page)

    # The filter is a URL too: by code and kind.
    page.get_by_label("Name or code").fill(LEEDS)
    page.get_by_label("Kind").select_option(label="Local authority")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(rf"search={LEEDS}&kind=LOCAL_AUTHORITY"))
    rows = page.get_by_role("table", name="Organisations").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Leeds")

    page.get_by_role("button", name="Add an organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an organisation")
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Kind").select_option(label="School")
    page.get_by_label("Local authority code (optional)").fill(LEEDS)
    page.get_by_role("button", name="Add organisation").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"({code}) has been added")
    row = page.get_by_role("row", name=re.compile(code))
    expect(row).to_contain_text("School")
    expect(row).to_contain_text(LEEDS)
    expect(row).to_contain_text("Active")
    check_accessible(page)
    screenshot(page, output_path, "organisation-added")

    row.get_by_role("link", name=f"Change {name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change an organisation")
    page.get_by_label("Team email address").fill("not an email")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary").get_by_role("link")).to_have_attribute(
        "href", "#field-teamEmail"
    )
    page.get_by_label("Team email address").fill("office@e2e-school.example")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been changed")
    row = page.get_by_role("row", name=re.compile(code))
    expect(row).to_contain_text("office@e2e-school.example")

    row.get_by_role("link", name=f"Deactivate {name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deactivate an organisation")
    page.get_by_role("button", name="Deactivate organisation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been deactivated")
    expect(page.get_by_role("row", name=re.compile(code))).to_contain_text("Deactivated")


INVITE = """
mutation E2eInvite($input: InviteUserInput!) { inviteUser(input: $input) { user { email } } }
"""


def test_an_auditor_finds_a_managers_invitation_in_the_audit(
    page_as: Any, output_path: str
) -> None:
    manager = page_as("manager.leeds")
    email = f"audited.{secrets.token_hex(3)}@leeds.example"
    invited = _graphql(
        manager,
        INVITE,
        {"input": {"email": email, "name": "Audited Newcomer", "roles": ["PRACTITIONER"]}},
    )
    assert "errors" not in invited, invited

    page: Page = page_as("auditor")
    page.goto("/audit?action=USER_INVITED")
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Helen Okafor")
    screenshot(page, output_path, "auditor-finds-invitation")
    check_accessible(page)
