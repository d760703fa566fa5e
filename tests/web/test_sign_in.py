"""Signing in with password and TOTP over real HTTP; what each failure says and records."""

import time
from datetime import date, timedelta
from typing import Any

import httpx
import pyotp
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.audit.writer import Actor
from backend.services.users import NewUser, create_user
from backend.settings import Settings
from tests import factories

PASSWORD = "correct horse battery"
SIGN_IN = """mutation($email: String!, $password: String!, $code: String!) {
  signIn(email: $email, password: $password, totpCode: $code) {
    me { email roles canAccessChildData blockedReasons organisation { code } }
  }
}"""


async def _user(engine: AsyncEngine, *, vetted_until: date | None = date(2030, 1, 1)) -> NewUser:
    async with engine.begin() as conn:
        await factories.authority(conn)
        return await create_user(
            conn,
            Actor(request_id="test"),
            email="Sam.Jones@leeds.example",
            name="Sam Jones",
            organisation_code="E08000035",
            roles=["PRACTITIONER"],
            password=PASSWORD,
            trained_on=date(2026, 1, 5),
            vetted_until=vetted_until,
        )


async def _sign_in(
    client: httpx.AsyncClient, email: str, password: str, code: str
) -> httpx.Response:
    client.cookies.clear()
    return await client.post(
        "/graphql",
        json={"query": SIGN_IN, "variables": {"email": email, "password": password, "code": code}},
    )


def _code(user: NewUser, offset: int = 0) -> str:
    return str(pyotp.TOTP(user.totp_secret).at(int(time.time()) + offset))


async def test_sign_in_with_password_and_code_sets_an_httponly_strict_cookie(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    user = await _user(engine)
    response = await _sign_in(client, "sam.jones@leeds.example", PASSWORD, _code(user))
    me = response.json()["data"]["signIn"]["me"]
    assert me == {
        "email": "sam.jones@leeds.example",
        "roles": ["PRACTITIONER"],
        "canAccessChildData": True,
        "blockedReasons": [],
        "organisation": {"code": "E08000035"},
    }
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie


async def test_the_session_cookie_identifies_later_requests(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    user = await _user(engine)
    await _sign_in(client, user.email, PASSWORD, _code(user))
    response = await client.post("/graphql", json={"query": "{ me { email } }"})
    assert response.json()["data"]["me"] == {"email": user.email}


async def test_a_wrong_password_is_refused_with_the_generic_message(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    user = await _user(engine)
    response = await _sign_in(client, user.email, "wrong password!", _code(user))
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "not right" in error["message"]
    assert "set-cookie" not in response.headers


async def test_an_unknown_email_gets_exactly_the_same_answer(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    user = await _user(engine)
    known = await _sign_in(client, user.email, "wrong password!", _code(user))
    unknown = await _sign_in(client, "nobody@leeds.example", "wrong password!", "123456")
    assert known.json()["errors"][0]["message"] == unknown.json()["errors"][0]["message"]


async def test_a_wrong_code_is_refused(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    user = await _user(engine)
    response = await _sign_in(client, user.email, PASSWORD, _code(user, offset=600))
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_code_cannot_be_used_twice(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    user = await _user(engine)
    code = _code(user)
    first = await _sign_in(client, user.email, PASSWORD, code)
    assert "errors" not in first.json()
    replay = await _sign_in(client, user.email, PASSWORD, code)
    assert replay.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_five_failures_lock_the_account_even_for_the_right_password(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    user = await _user(engine)
    for _ in range(5):
        await _sign_in(client, user.email, "wrong password!", _code(user))
    response = await _sign_in(client, user.email, PASSWORD, _code(user))
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    async with engine.connect() as conn:
        outcomes = (
            (
                await conn.execute(
                    text("SELECT outcome FROM audit_event WHERE action = 'SIGN_IN' ORDER BY id")
                )
            )
            .scalars()
            .all()
        )
    assert outcomes == ["FAILED"] * 4 + ["LOCKED", "LOCKED"]


async def test_a_missing_code_names_the_field(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    user = await _user(engine)
    response = await _sign_in(client, user.email, PASSWORD, "12")
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "totpCode"}


async def test_a_user_with_expired_vetting_signs_in_but_is_told_why_they_are_blocked(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    user = await _user(engine, vetted_until=date.today() - timedelta(days=1))
    response = await _sign_in(client, user.email, PASSWORD, _code(user))
    me = response.json()["data"]["signIn"]["me"]
    assert me["canAccessChildData"] is False
    assert any("vetting" in reason for reason in me["blockedReasons"])


async def test_an_expired_session_is_refused(
    client: httpx.AsyncClient, engine: AsyncEngine, owner_engine: AsyncEngine
) -> None:
    user = await _user(engine)
    await _sign_in(client, user.email, PASSWORD, _code(user))
    async with owner_engine.begin() as conn:
        await conn.execute(
            text("UPDATE user_session SET last_seen_at = now() - interval '31 minutes'")
        )
    response = await client.post("/graphql", json={"query": '{ child(id: "000000123459") { id } }'})
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "expired" in error["message"]


async def test_sign_out_ends_the_session(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    user = await _user(engine)
    await _sign_in(client, user.email, PASSWORD, _code(user))
    await client.post("/graphql", json={"query": "mutation { signOut }"})
    response = await client.post("/graphql", json={"query": "{ me { email } }"})
    assert response.json()["data"]["me"] is None


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
async def test_a_post_that_is_not_json_is_refused(
    client: httpx.AsyncClient, content_type: str
) -> None:
    response = await client.post(
        "/graphql",
        content=b'{"query": "mutation { signOut }"}',
        headers={"content-type": content_type},
    )
    assert response.status_code == 415


async def test_a_mutation_over_get_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "mutation { signOut }"})
    assert response.status_code in (400, 405)


async def test_a_suspended_user_signs_in_only_to_see_why_they_are_blocked(
    client: httpx.AsyncClient, engine: AsyncEngine, owner_engine: AsyncEngine
) -> None:
    user = await _user(engine)
    async with owner_engine.begin() as conn:
        await conn.execute(text("UPDATE user_account SET status = 'SUSPENDED'"))
    response = await _sign_in(client, user.email, PASSWORD, _code(user))
    me = response.json()["data"]["signIn"]["me"]
    assert me["canAccessChildData"] is False
    assert "your account is not active" in me["blockedReasons"]
    child = await client.post("/graphql", json={"query": '{ child(id: "000000123459") { id } }'})
    assert child.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_many_failures_from_one_address_make_it_wait_whatever_the_account(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: Settings, monkeypatch: Any
) -> None:
    """Spraying one password over many accounts never locks any of them: the address is
    held back instead."""
    monkeypatch.setattr(settings, "sign_in_failures_per_address", 3)
    user = await _user(engine)
    for n in range(3):
        await _sign_in(client, f"nobody{n}@test.example", "a guessed password", "123456")
    response = await _sign_in(client, user.email, PASSWORD, _code(user))
    assert response.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
