"""The bundled app loads in a real browser, styled as a GOV.UK service, with no a11y faults."""

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect


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
