"""The bundled app loads in a real browser, styled as a GOV.UK service, with no a11y faults."""

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from e2e.helpers import sign_in_with_form


def test_start_page_loads_in_chromium_with_govuk_styles(page: Page, output_path: str) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("ContactPoint")
    font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "GDS Transport" in font
    Path(output_path).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(output_path) / "start.png"), full_page=True)


def test_start_page_has_no_accessibility_violations(page: Page) -> None:
    page.goto("/")
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


def test_sign_in_page_has_no_accessibility_violations(page: Page) -> None:
    page.goto("/sign-in")
    expect(page.get_by_label("Email address")).to_be_visible()
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


def test_a_practitioner_signs_in_with_password_and_a_real_totp_code(
    page: Page, demo_credentials: list[dict[str, str]], output_path: str
) -> None:
    person = next(c for c in demo_credentials if c["email"].startswith("practitioner2.leeds"))
    sign_in_with_form(page, person)
    expect(page.get_by_role("heading", level=1)).to_have_text("Search for a child")
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert cookies["cp_session"]["httpOnly"] is True
    assert cookies["cp_session"]["sameSite"] == "Strict"
    Path(output_path).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(output_path) / "signed-in.png"), full_page=True)


def test_a_wrong_code_shows_a_govuk_error_summary(
    page: Page, demo_credentials: list[dict[str, str]]
) -> None:
    person = next(c for c in demo_credentials if c["email"].startswith("manager.leeds"))
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(person["email"])
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("not right")


def test_signing_out_ends_the_session_and_hides_the_menu(
    page: Page, demo_credentials: list[dict[str, str]]
) -> None:
    person = next(c for c in demo_credentials if c["email"].startswith("practitioner.manchester"))
    sign_in_with_form(page, person)
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Search")).to_be_visible()
    menu.get_by_role("link", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ContactPoint")
    page.goto("/search")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to ContactPoint")


def test_a_person_blocked_from_child_data_is_told_why(
    page: Page, demo_credentials: list[dict[str, str]]
) -> None:
    person = next(c for c in demo_credentials if c["email"].startswith("untrained.leeds"))
    sign_in_with_form(page, person)
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot search for children yet")
    expect(page.get_by_text("training has not been recorded")).to_be_visible()
