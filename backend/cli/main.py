"""`contactpoint`: serve, db upgrade, demo-data, users, api-clients, audit, secrets, retention.

Exit codes (SPEC section 10): 0 success, 1 a failed check, 2 bad usage or bad input
(one line on stderr saying what to do).
"""

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import NoReturn

from pydantic import ValidationError

from backend.cli import commands
from backend.errors import ContactPointError, SetupError, describe_unexpected

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be a positive whole number (1 or more)")
    return value


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-09-01") from None


class OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line on stderr (SPEC section 10), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="contactpoint",
        description="ContactPoint: who else is working with this child.",
    )
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=OneLineParser
    )

    serve = sub.add_parser("serve", help="run the web app and GraphQL API")
    serve.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8000)")
    serve.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        help="server processes sharing the port (default: one per core)",
    )
    serve.set_defaults(run=commands.serve)

    db = sub.add_parser("db", help="database schema").add_subparsers(
        dest="db_command", required=True, metavar="ACTION", parser_class=OneLineParser
    )
    db.add_parser("upgrade", help="migrate the database to the newest schema").set_defaults(
        run=commands.db_upgrade
    )

    demo = sub.add_parser("demo-data", help="load realistic demo children and users")
    demo.add_argument("--children", type=positive_int, required=True, help="how many children")
    demo.add_argument("--seed", type=int, default=1, help="same seed, same data (default 1)")
    demo.add_argument("--credentials", metavar="FILE", help="also write the sign-ins as JSON")
    demo.add_argument(
        "--if-empty",
        action="store_true",
        help="do nothing (but print the sign-ins) when the directory already holds children",
    )
    demo.set_defaults(run=commands.demo_data)

    users = sub.add_parser("users", help="user accounts").add_subparsers(
        dest="users_command", required=True, metavar="ACTION", parser_class=OneLineParser
    )
    add_user = users.add_parser("add", help="add a user; prints their TOTP secret once")
    add_user.add_argument("--email", required=True)
    add_user.add_argument("--name", required=True)
    add_user.add_argument("--org", required=True, help="organisation code (ONS code for an LA)")
    add_user.add_argument(
        "--role",
        action="append",
        required=True,
        choices=["PRACTITIONER", "MANAGER", "ADMINISTRATOR", "AUDITOR"],
        help="repeat for several roles",
    )
    add_user.add_argument("--trained-on", type=iso_date, help="date training was completed")
    add_user.add_argument("--vetted-until", type=iso_date, help="date vetting expires")
    add_user.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add_user.set_defaults(run=commands.users_add)

    clients = sub.add_parser("api-clients", help="partner systems' API access").add_subparsers(
        dest="clients_command", required=True, metavar="ACTION", parser_class=OneLineParser
    )
    add_client = clients.add_parser("add", help="add a partner client; prints its token once")
    add_client.add_argument("--org", required=True, help="the partner organisation's code")
    add_client.add_argument("--name", required=True, help="what the system is called")
    add_client.add_argument(
        "--field", action="append", required=True, help="a Child field it may read; repeat"
    )
    add_client.set_defaults(run=commands.api_clients_add)
    revoke_client = clients.add_parser("revoke", help="revoke a partner client's token now")
    revoke_client.add_argument("--id", required=True, help="the client id printed by add")
    revoke_client.set_defaults(run=commands.api_clients_revoke)
    rotate_client = clients.add_parser(
        "rotate", help="give a partner client a new token (shown once); the old one stops"
    )
    rotate_client.add_argument("--id", required=True, help="the client id printed by add")
    rotate_client.set_defaults(run=commands.api_clients_rotate)
    list_clients = clients.add_parser("list", help="partner clients, with their last use")
    list_clients.add_argument(
        "--include-revoked", action="store_true", help="also list revoked clients"
    )
    list_clients.set_defaults(run=commands.api_clients_list)

    audit = sub.add_parser("audit", help="the audit log").add_subparsers(
        dest="audit_command", required=True, metavar="ACTION", parser_class=OneLineParser
    )
    audit.add_parser("verify", help="check every hash chain of the audit log").set_defaults(
        run=commands.audit_verify
    )

    secrets = sub.add_parser("secrets", help="secrets sealed at rest").add_subparsers(
        dest="secrets_command", required=True, metavar="ACTION", parser_class=OneLineParser
    )
    secrets.add_parser(
        "reseal", help="seal every TOTP secret with the current CONTACTPOINT_SECRET_KEY"
    ).set_defaults(run=commands.secrets_reseal)

    linkage = sub.add_parser("linkage", help="the match weights of search").add_subparsers(
        dest="linkage_command", required=True, metavar="ACTION", parser_class=OneLineParser
    )
    train = linkage.add_parser(
        "train",
        help="estimate the match weights from the directory (u from random pairs, m by EM),"
        " store them with the date and print them; search uses the newest",
    )
    train.add_argument(
        "--random-pairs", type=positive_int, default=50_000, help="pairs sampled for u"
    )
    train.add_argument(
        "--blocked-children",
        type=positive_int,
        default=5_000,
        help="children whose look-alikes are compared for m",
    )
    train.set_defaults(run=commands.linkage_train)

    sources = sub.add_parser("sources", help="the source systems feeds come from").add_subparsers(
        dest="sources_command", required=True, metavar="ACTION", parser_class=OneLineParser
    )
    add_source = sources.add_parser(
        "add", help="register a source; on each field the lower precedence number wins"
    )
    add_source.add_argument("--code", required=True, help="e.g. NHS_PDS")
    add_source.add_argument("--name", required=True, help="what the source system is")
    add_source.add_argument(
        "--precedence", type=int, required=True, help="1 (wins over all) to 1000, every field"
    )
    add_source.add_argument(
        "--field",
        action="append",
        metavar="FIELD=N",
        help="a precedence of its own on one field (e.g. nhs_number=1); repeat",
    )
    add_source.set_defaults(run=commands.sources_add)
    sources.add_parser("list", help="registered sources and their precedence").set_defaults(
        run=commands.sources_list
    )

    feed = sub.add_parser(
        "import", help="load a source's extract (docs/FEEDS.md): match, update, review, add"
    )
    feed.add_argument("--source", required=True, help="a registered source's code")
    feed.add_argument("file", metavar="FILE")
    feed.add_argument(
        "--format", choices=["csv", "jsonl"], help="default: jsonl for .jsonl files, else csv"
    )
    feed.add_argument("--dry-run", action="store_true", help="match and count, then write nothing")
    feed.add_argument(
        "--skip-invalid",
        action="store_true",
        help="load the valid records and write the others, with why, to a rejects file",
    )
    feed.add_argument("--rejects", metavar="FILE", help="where --skip-invalid writes rejects")
    feed.set_defaults(run=commands.import_feed, commits_in_batches=True)

    retention = sub.add_parser("retention", help="archive and purge records").add_subparsers(
        dest="retention_command", required=True, metavar="ACTION", parser_class=OneLineParser
    )
    run_retention = retention.add_parser(
        "run",
        help="archive children past 18 (plus CONTACTPOINT_RETENTION_GRACE_MONTHS) and purge"
        " archives older than CONTACTPOINT_RETENTION_ARCHIVE_YEARS; prints the counts",
    )
    run_retention.add_argument(
        "--dry-run", action="store_true", help="only count what a run would archive and purge"
    )
    run_retention.set_defaults(run=commands.retention_run, commits_in_batches=True)
    return parser


def _invalid(error: ValidationError) -> str:
    """The first problem, naming the environment variable when a setting is wrong."""
    first = error.errors()[0]
    message = first["msg"]
    if message.startswith("Value error, "):
        return message.removeprefix("Value error, ")  # our own validators name the setting
    if error.title == "Settings" and first["loc"]:
        return f"CONTACTPOINT_{str(first['loc'][0]).upper()}: {message}"
    return message


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except (SetupError, ContactPointError) as error:
        print(f"contactpoint: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ValidationError as error:
        print(f"contactpoint: {_invalid(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        # A driver's message can quote row values; the traceback is for a developer only.
        if os.environ.get("CONTACTPOINT_DEBUG"):
            raise
        committed = (
            "the batches finished before it are committed; running it again finishes the rest"
            if getattr(args, "commits_in_batches", False)
            else "nothing was committed"
        )
        print(
            f"contactpoint: unexpected {describe_unexpected(error)}; {committed}."
            " Run again with CONTACTPOINT_DEBUG=1 to see the traceback.",
            file=sys.stderr,
        )
        return EXIT_CHECK_FAILED


if __name__ == "__main__":
    sys.exit(main())
