"""The review queue in a real browser: a doubtful feed record, loaded through the real
CLI, waits beside its candidate; the Leeds team decides it with the keyboard alone."""

import csv
import os
import secrets
import subprocess
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from backend.db.urls import render, to_async_url
from backend.feeds.records import COLUMNS
from e2e.conftest import CONTACTPOINT
from e2e.helpers import check_accessible, screenshot


def _psql(e2e_database: str, sql: str) -> str:
    url = render(to_async_url(e2e_database).set(drivername="postgresql"))
    return subprocess.run(
        ["psql", url, "-tAF|", "-c", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def _queue_a_doubtful_record(e2e_database: str, folder: Path) -> tuple[str, str]:
    """A school census record of a Leeds child with another given name (a twin, or a new
    name): (the record's id, the child's ContactPoint ID)."""
    found = _psql(
        e2e_database,
        "SELECT c.contact_point_id, c.family_name, c.date_of_birth, c.gender,"
        " c.address_line1, c.town, c.postcode FROM child c"
        " JOIN organisation o ON o.id = c.responsible_authority_id"
        " WHERE o.code = 'E08000035' AND c.status = 'ACTIVE' AND NOT c.shielded"
        " AND c.postcode IS NOT NULL ORDER BY random() LIMIT 1",
    )
    cp_id, family, born, gender, line1, town, postcode = found.split("|")
    record_id = f"E2E-{secrets.token_hex(4)}"
    path = folder / f"{record_id}.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerow(
            {column: "" for column in COLUMNS}
            | {
                "source_record_id": record_id,
                "given_names": "Zebedee",
                "family_name": family,
                "date_of_birth": born,
                "gender": gender,
                "address_line_1": line1,
                "town": town,
                "postcode": postcode,
                "responsible_authority": "E08000035",
            }
        )
    loaded = subprocess.run(
        [CONTACTPOINT, "import", "--source", "SCHOOL_CENSUS", str(path)],
        env={**os.environ, "DATABASE_URL": e2e_database},
        check=True,
        capture_output=True,
        text=True,
    )
    assert "1 for review" in loaded.stdout, loaded.stdout + loaded.stderr
    return record_id, cp_id


def test_a_reviewer_compares_a_feed_record_and_decides_it_by_keyboard(
    page_as: Any, e2e_database: str, tmp_path: Path, output_path: str
) -> None:
    record_id, cp_id = _queue_a_doubtful_record(e2e_database, tmp_path)
    page = page_as("manager.leeds")
    page.goto("/manage/match-reviews")
    expect(page.get_by_role("heading", level=1)).to_have_text("Feed records to review")
    card = page.locator(".govuk-summary-card", has_text=record_id)
    expect(card).to_contain_text("Zebedee")
    expect(card.get_by_role("columnheader", name=cp_id)).to_be_visible()
    given = card.get_by_role("row", name="Given names")
    expect(given).to_contain_text("Different")
    expect(card.get_by_role("row", name="Date of birth")).to_contain_text("Agrees")
    check_accessible(page)
    screenshot(page, output_path, "feed-review")

    confirm = card.get_by_role("button", name="Confirm decision")
    confirm.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose which child")
    check_accessible(page)

    card.get_by_label(f"The same child as candidate 1 ({cp_id})", exact=False).focus()
    page.keyboard.press("Space")
    card.get_by_role("button", name="Confirm decision").focus()
    page.keyboard.press("Enter")
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("The record was updated")
    expect(banner).to_contain_text(cp_id)
    expect(page.locator(".govuk-summary-card", has_text=record_id)).to_have_count(0)
    check_accessible(page)


def test_a_practitioner_cannot_open_the_review_queue(page_as: Any) -> None:
    page = page_as("practitioner.leeds")
    page.goto("/manage/match-reviews")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Feed records to review")
