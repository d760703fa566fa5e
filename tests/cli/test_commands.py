"""The `contactpoint` console script, run as a user would: exit codes and one-line errors."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import factories

CONTACTPOINT = str(Path(sys.executable).with_name("contactpoint"))


def run(
    *args: str, database_url: str | None = None, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **env}
    if database_url:
        environment["DATABASE_URL"] = database_url
    return subprocess.run(
        [CONTACTPOINT, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_demo_data_refuses_a_count_below_one_in_one_line() -> None:
    result = run("demo-data", "--children", "0")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "positive whole number" in result.stderr


def test_a_database_url_that_is_not_postgresql_is_refused_in_one_line() -> None:
    result = run("db", "upgrade", DATABASE_URL="mysql://root@127.0.0.1/contactpoint")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "contactpoint: DATABASE_URL must be a PostgreSQL URL such as "
        "postgresql://user@127.0.0.1:5432/contactpoint"
    ]


def test_an_unreachable_database_is_named_with_what_to_do() -> None:
    result = run("db", "upgrade", DATABASE_URL="postgresql://postgres@127.0.0.1:1/nowhere")
    assert result.returncode == 2
    assert "cannot reach the database at 127.0.0.1:1/nowhere" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unwritable_data_directory_is_refused_in_one_line() -> None:
    result = run("db", "upgrade", DATABASE_URL="", CONTACTPOINT_DATA_DIR="/proc/contactpoint-data")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not writable" in result.stderr


@pytest.mark.usefixtures("empty_tables")
async def test_users_add_prints_the_totp_secret_once(
    database_url: str, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        await factories.authority(conn)
    result = run(
        "users",
        "add",
        "--email",
        "new.person@leeds.example",
        "--name",
        "New Person",
        "--org",
        "E08000035",
        "--role",
        "PRACTITIONER",
        "--password-stdin",
        database_url=database_url,
        stdin="a long enough password\n",
    )
    assert result.returncode == 0, result.stderr
    assert "TOTP secret" in result.stdout
    assert "cannot see child data" in result.stdout  # no training or vetting dates given


@pytest.mark.usefixtures("empty_tables")
async def test_users_add_refuses_an_existing_email(database_url: str, engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await factories.authority(conn)
    args = (
        "users",
        "add",
        "--email",
        "twice@leeds.example",
        "--name",
        "Twice",
        "--org",
        "E08000035",
        "--role",
        "PRACTITIONER",
        "--password-stdin",
    )
    run(*args, database_url=database_url, stdin="a long enough password\n")
    result = run(*args, database_url=database_url, stdin="a long enough password\n")
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "contactpoint: a user with email twice@leeds.example already exists"
    )


@pytest.mark.usefixtures("empty_tables")
async def test_api_clients_add_refuses_matching_identifiers(
    database_url: str, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        await factories.authority(
            conn, code="BARNARDOS", name="Barnardo's", kind="NATIONAL_PARTNER"
        )
    result = run(
        "api-clients",
        "add",
        "--org",
        "BARNARDOS",
        "--name",
        "Case system",
        "--field",
        "familyName",
        "--field",
        "nhsNumber",
        database_url=database_url,
    )
    assert result.returncode == 2
    assert "not nhsNumber" in result.stderr


@pytest.mark.usefixtures("empty_tables")
async def test_api_clients_add_prints_a_token_stored_only_as_a_hash(
    database_url: str, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        await factories.authority(conn, code="KIDS", name="KIDS", kind="NATIONAL_PARTNER")
    result = run(
        "api-clients",
        "add",
        "--org",
        "KIDS",
        "--name",
        "Case system",
        "--field",
        "familyName",
        database_url=database_url,
    )
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().rsplit(" ", 1)[-1]
    async with engine.connect() as conn:
        stored = (await conn.execute(text("SELECT token_hash FROM api_client"))).scalar_one()
    assert token not in stored
    assert len(stored) == 64


@pytest.mark.usefixtures("empty_tables")
async def test_audit_verify_exits_1_naming_a_broken_link(
    database_url: str, engine: AsyncEngine, owner_engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        await factories.authority(conn, code="KIDS", name="KIDS", kind="NATIONAL_PARTNER")
    run(
        "api-clients",
        "add",
        "--org",
        "KIDS",
        "--name",
        "A",
        "--field",
        "familyName",
        database_url=database_url,
    )
    assert run("audit", "verify", database_url=database_url).returncode == 0
    async with owner_engine.begin() as conn:
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        await conn.execute(text("UPDATE audit_event SET outcome = 'EDITED'"))
    result = run("audit", "verify", database_url=database_url)
    assert result.returncode == 1
    assert "does not match its hash" in result.stderr


@pytest.mark.usefixtures("empty_tables")
async def test_api_clients_revoke_stops_the_token_and_refuses_a_second_revoke(
    database_url: str, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        await factories.authority(conn, code="KIDS", name="KIDS", kind="NATIONAL_PARTNER")
    added = run(
        "api-clients",
        "add",
        "--org",
        "KIDS",
        "--name",
        "Case system",
        "--field",
        "familyName",
        database_url=database_url,
    )
    client_id = added.stdout.split()[3]
    first = run("api-clients", "revoke", "--id", client_id, database_url=database_url)
    assert first.returncode == 0, first.stderr
    again = run("api-clients", "revoke", "--id", client_id, database_url=database_url)
    assert again.returncode == 2
    assert "already revoked" in again.stderr


@pytest.mark.usefixtures("empty_tables")
async def test_api_clients_rotate_prints_a_new_token_and_list_shows_the_client(
    database_url: str, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        await factories.authority(conn, code="KIDS", name="KIDS", kind="NATIONAL_PARTNER")
    added = run(
        "api-clients",
        "add",
        "--org",
        "KIDS",
        "--name",
        "Case system",
        "--field",
        "familyName",
        database_url=database_url,
    )
    assert added.returncode == 0, added.stderr
    client_id = added.stdout.split()[3]
    old_token = added.stdout.strip().splitlines()[-1]
    rotated = run("api-clients", "rotate", "--id", client_id, database_url=database_url)
    assert rotated.returncode == 0, rotated.stderr
    new_token = rotated.stdout.strip().splitlines()[-1]
    assert new_token != old_token
    assert len(new_token) >= 32
    listed = run("api-clients", "list", database_url=database_url)
    assert client_id in listed.stdout
    assert "Case system" in listed.stdout
    assert new_token not in listed.stdout


@pytest.mark.usefixtures("empty_tables")
async def test_api_clients_rotate_refuses_a_revoked_client(
    database_url: str, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        await factories.authority(conn, code="KIDS", name="KIDS", kind="NATIONAL_PARTNER")
    added = run(
        "api-clients",
        "add",
        "--org",
        "KIDS",
        "--name",
        "Old",
        "--field",
        "familyName",
        database_url=database_url,
    )
    client_id = added.stdout.split()[3]
    run("api-clients", "revoke", "--id", client_id, database_url=database_url)
    rotated = run("api-clients", "rotate", "--id", client_id, database_url=database_url)
    assert rotated.returncode == 2
    assert "revoked" in rotated.stderr


@pytest.mark.usefixtures("empty_tables")
async def test_linkage_train_stores_a_dated_model_and_prints_its_weights(
    database_url: str, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        authority = await factories.authority(conn)
        for n, (given, family) in enumerate([("Amelia", "Smith"), ("Oliver", "Jones"),
                                             ("Isla", "Brown"), ("Noah", "Taylor")]):  # fmt: skip
            await factories.child(conn, authority, given_names=given, family_name=family,
                                  postcode=f"LS{n + 1} 1AA")  # fmt: skip
    result = run(
        "linkage", "train", "--random-pairs", "2", "--blocked-children", "4",
        database_url=database_url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("linkage model ")
    assert "BIRTH     EXACT" in result.stdout
    async with engine.connect() as conn:
        stored = (
            await conn.execute(text("SELECT count(*), min(trained_at) FROM linkage_model"))
        ).one()
    assert stored[0] == 1
    assert stored[1] is not None


FEED_HEADER = (
    "source_record_id,nhs_number,upn,given_names,family_name,previous_family_name,"
    "date_of_birth,gender,address_line_1,address_line_2,town,postcode,responsible_authority\n"
)


async def _one_record_feed(engine: AsyncEngine, tmp_path: Path) -> Path:
    """A school census file of one new child, with the authority it names."""
    async with engine.begin() as conn:
        await factories.authority(conn)
    feed = tmp_path / "census.csv"
    feed.write_text(
        FEED_HEADER + "SC-1,,,Amelia,Smith,,2015-03-14,F,12 Park Road,,Leeds,LS1 4AP,E08000035\n"
    )
    return feed


@pytest.mark.usefixtures("empty_tables")
async def test_import_prints_the_outcome_counts_and_exits_0(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    feed = await _one_record_feed(engine, tmp_path)
    result = run("import", "--source", "SCHOOL_CENSUS", str(feed), database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "imported 1 records: 0 exact matches, 0 probable matches, 0 for review,"
        " 1 new children, 0 unchanged, 0 rejected"
    )
    assert "loading: 1/1 records" in result.stderr


@pytest.mark.usefixtures("empty_tables")
async def test_import_of_a_bad_file_lists_the_problems_and_exits_2(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    async with engine.begin() as conn:
        await factories.authority(conn)
    feed = tmp_path / "census.csv"
    feed.write_text(FEED_HEADER + "SC-1,123,,Amelia,Smith,,2015-02-30,F,,,,,E08000035\n")
    result = run("import", "--source", "SCHOOL_CENSUS", str(feed), database_url=database_url)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "line 2, column nhs_number: is not a valid NHS number (10 digits, modulus 11 check)",
        "line 2, column date_of_birth: '2015-02-30' is not a date (YYYY-MM-DD)",
        "contactpoint: the file was refused, nothing was written",
    ]


@pytest.mark.usefixtures("empty_tables")
async def test_sources_add_registers_a_source_with_its_own_field_precedence(
    database_url: str, owner_engine: AsyncEngine
) -> None:
    result = run(
        "sources", "add", "--code", "NHS_PDS", "--name", "NHS PDS", "--precedence", "5",
        "--field", "nhs_number=1", database_url=database_url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    again = run(
        "sources", "add", "--code", "NHS_PDS", "--name", "x", "--precedence", "5",
        database_url=database_url,
    )  # fmt: skip
    assert again.returncode == 2
    assert "already registered" in again.stderr
    async with owner_engine.connect() as conn:
        rank = await conn.execute(text("SELECT cp_feed_rank('NHS_PDS', 'nhs_number')"))
        assert rank.scalar_one() == 1


async def _until(engine: AsyncEngine, sql: str, seconds: float = 15.0) -> bool:
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        async with engine.connect() as conn:
            if (await conn.execute(text(sql))).scalar_one():
                return True
        await asyncio.sleep(0.2)
    return False


WAITING_IMPORT = (
    "SELECT count(*) > 0 FROM pg_stat_activity WHERE datname = current_database()"
    " AND wait_event_type = 'Lock' AND application_name = 'contactpoint'"
)


@pytest.mark.usefixtures("empty_tables")
async def test_a_killed_import_leaves_no_statement_running_in_the_database(
    engine: AsyncEngine, owner_engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    # Its backend would otherwise wait on, then run, its statement to the end, holding
    # the import lock: the operator's resume would be refused as "another import".
    feed = await _one_record_feed(engine, tmp_path)
    async with engine.connect() as blocker:
        await blocker.execute(text("LOCK TABLE import_run IN ACCESS EXCLUSIVE MODE"))
        process = await asyncio.create_subprocess_exec(
            CONTACTPOINT, "import", "--source", "SCHOOL_CENSUS", str(feed),
            env={**os.environ, "DATABASE_URL": database_url},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            # As the owner: the app role cannot see other sessions' statements.
            assert await _until(owner_engine, WAITING_IMPORT)
        finally:
            process.kill()
            await process.wait()
        assert await _until(owner_engine, f"SELECT NOT ({WAITING_IMPORT})", seconds=10)
        await blocker.rollback()


@pytest.mark.usefixtures("empty_tables")
async def test_secrets_reseal_prints_how_many_it_resealed_and_exits_0(database_url: str) -> None:
    result = run("secrets", "reseal", database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "resealed 0 TOTP secrets with the current key"
