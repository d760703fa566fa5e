"""Demo sign-ins: fixed people, reproducible secrets, and SPEC section 10's JSON shape."""

from datetime import date, timedelta

import pyotp

from backend.demo.users import demo_users

TODAY = date(2026, 11, 24)


def test_same_seed_gives_the_same_passwords_and_secrets() -> None:
    assert demo_users(3, TODAY) == demo_users(3, TODAY)


def test_different_seed_gives_different_passwords() -> None:
    first = {u.email: u.password for u in demo_users(3, TODAY)}
    second = {u.email: u.password for u in demo_users(4, TODAY)}
    assert all(first[email] != second[email] for email in first)


def test_passwords_are_at_least_fourteen_characters() -> None:
    assert all(len(u.password) >= 14 for u in demo_users(3, TODAY))


def test_totp_secrets_are_usable_base32() -> None:
    for user in demo_users(3, TODAY):
        assert len(pyotp.TOTP(user.totp_secret).now()) == 6


def test_required_demo_people_are_present() -> None:
    roles = {(u.organisation_code, role) for u in demo_users(3, TODAY) for role in u.roles}
    assert {
        ("E08000035", "PRACTITIONER"),
        ("E08000035", "MANAGER"),
        ("E08000003", "PRACTITIONER"),
        ("BARNARDOS", "PRACTITIONER"),
        ("CONTACTPOINT", "ADMINISTRATOR"),
        ("CONTACTPOINT", "AUDITOR"),
    } <= roles


def test_only_the_untrained_practitioner_lacks_training_and_vetting() -> None:
    blocked = [u.email for u in demo_users(3, TODAY) if u.trained_on is None]
    assert blocked == ["untrained.leeds@demo.contactpoint.test"]
    assert all(
        u.vetted_until is None
        for u in demo_users(3, TODAY)
        if u.email == "untrained.leeds@demo.contactpoint.test"
    )


def test_training_was_100_days_ago_and_vetting_lasts_two_years() -> None:
    user = demo_users(3, TODAY)[0]
    assert user.trained_on == TODAY - timedelta(days=100)
    assert user.vetted_until == date(2028, 11, 24)


def test_credential_json_has_the_public_shape() -> None:
    user = demo_users(3, TODAY)[0]
    assert user.credential().as_json() == {
        "email": "practitioner.leeds@demo.contactpoint.test",
        "password": user.password,
        "totpSecret": user.totp_secret,
        "organisationCode": "E08000035",
        "roles": ["PRACTITIONER"],
    }
