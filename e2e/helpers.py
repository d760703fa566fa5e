"""Browser helpers shared by the e2e tests: signing in through the form, the axe check,
screenshots.

A TOTP code is accepted once (replays are refused), so each person signs in through the
form at most once per 30-second step.
"""

import time
from pathlib import Path
from typing import Any

_steps_used: dict[str, int] = {}


def sign_in_with_form(page: Any, credential: dict[str, str]) -> None:
    """Sign in through the app's form with a fresh TOTP code (waits for a new step if this
    person already used the current one)."""
    import pyotp

    email = credential["email"]
    while int(time.time()) // 30 == _steps_used.get(email):
        time.sleep(0.5)
    step = int(time.time()) // 30
    _steps_used[email] = step
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(credential["password"])
    page.get_by_label("Security code").fill(pyotp.TOTP(credential["totpSecret"]).at(step * 30))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def check_accessible(page: Any) -> None:
    """axe-core finds no WCAG 2.x A/AA violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


def screenshot(page: Any, output_path: str, name: str) -> None:
    Path(output_path).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(output_path) / f"{name}.png"), full_page=True)
