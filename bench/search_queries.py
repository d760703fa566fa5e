"""Shared by the search benchmarks: realistic, corrupted search queries made from real
children, and a demo server to send them to (fresh database, real CLI, signed in).

Each query is built from one sampled child and one kind of corruption, combined with
some of the child's true details so that it meets the minimum criteria (family name plus
a given name, date of birth or postcode), as a practitioner would type it.
"""

import csv
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx
import pyotp

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PRACTITIONER = "practitioner.leeds@demo.contactpoint.test"
SIGN_IN = (
    "mutation($e:String!,$p:String!,$t:String!){signIn(email:$e,password:$p,totpCode:$t){me{name}}}"
)
SEARCH = """query($c: ChildSearchInput!) { searchChildren(criteria: $c) {
  tooManyMatches message
  matches { score weight strength
            child { id givenNames familyName dateOfBirth gender town postcodeDistrict } }
} }"""
# The per-user limit (SPEC 4) would refuse a benchmark after 60 searches a minute.
SEARCH_RATE = "1000000"

# The share of queries of each kind, in the order rare-eligibility kinds first (they pick
# their children first from the sample, so the common kinds cannot use them all up).
MIX: dict[str, float] = {
    "previous_name": 0.08,
    "hyphenated_part": 0.06,
    "dob_day_month_swap": 0.07,
    "nickname": 0.08,
    "diacritics": 0.05,
    "exact": 0.08,
    "family_typo": 0.14,
    "phonetic_family": 0.10,
    "phonetic_given": 0.05,
    "names_swapped": 0.07,
    "no_given_name": 0.07,
    "dob_one_digit": 0.08,
    "postcode_form": 0.07,
}


def psql(url: str, sql: str) -> str:
    return subprocess.run(
        ["psql", url, "-Atqc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the children ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrueChild:
    cp_id: str
    given_names: str
    family_name: str
    other_names: tuple[str, ...]
    date_of_birth: date
    gender: str
    postcode: str

    def describe(self) -> str:
        others = f" (was {', '.join(self.other_names)})" if self.other_names else ""
        return (
            f"{self.given_names} {self.family_name}{others}, {self.date_of_birth},"
            f" {self.gender}, {self.postcode}"
        )


def sample_children(url: str, count: int, seed: int) -> list[TrueChild]:
    """A seeded sample of active children: a broad one, plus those with the rarer traits
    (previous names, double-barrelled names) so every kind of query has enough."""
    columns = (
        "contact_point_id, given_names, family_name, other_names, date_of_birth, gender, postcode"
    )
    order = f"ORDER BY md5(contact_point_id || '{int(seed)}')"
    broad = f"SELECT {columns} FROM child WHERE status = 'ACTIVE' {order} LIMIT {20 * count}"
    rare = (
        f"SELECT {columns} FROM child WHERE status = 'ACTIVE' AND postcode IS NOT NULL"
        f" AND (cardinality(other_names) > 0 OR family_name ~ '[- ]') {order} LIMIT {2 * count}"
    )
    sql = f"SELECT coalesce(json_agg(t), '[]') FROM (({broad}) UNION ({rare})) t"
    rows = json.loads(psql(url, sql))
    children = {
        row["contact_point_id"]: TrueChild(
            cp_id=row["contact_point_id"],
            given_names=row["given_names"],
            family_name=row["family_name"],
            other_names=tuple(row["other_names"] or ()),
            date_of_birth=date.fromisoformat(row["date_of_birth"]),
            gender=row["gender"],
            postcode=row["postcode"],
        )
        for row in rows
        if row["postcode"]
    }
    ordered = sorted(children.values(), key=lambda c: c.cp_id)
    random.Random(seed).shuffle(ordered)
    return ordered


# --- corruptions ----------------------------------------------------------------------

_KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def _neighbours(letter: str) -> str:
    for row_index, row in enumerate(_KEYBOARD):
        col = row.find(letter)
        if col >= 0:
            near = row[max(col - 1, 0) : col] + row[col + 1 : col + 2]
            for other in (row_index - 1, row_index + 1):
                if 0 <= other < len(_KEYBOARD):
                    near += _KEYBOARD[other][max(col - 1, 0) : col + 1]
            return near
    return "aeiou"


def _same_case(template: str, letter: str) -> str:
    return letter.upper() if template.isupper() else letter


def typo(name: str, rng: random.Random) -> tuple[str, str] | None:
    """One keyboard slip: insert, delete, substitute a neighbouring key, or transpose."""
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    if len(letters) < 3:
        return None
    for _ in range(20):
        op = rng.choice(["insert", "delete", "substitute", "transpose"])
        i = rng.choice(letters)
        low = name[i].lower()
        if op == "delete":
            new = name[:i] + name[i + 1 :]
            if i == 0:
                new = new[:1].upper() + new[1:]
        elif op == "insert":
            extra = rng.choice(_neighbours(low) + low)
            new = name[: i + 1] + extra + name[i + 1 :]
        elif op == "substitute":
            new = name[:i] + _same_case(name[i], rng.choice(_neighbours(low))) + name[i + 1 :]
        else:
            if i + 1 >= len(name) or not name[i + 1].isalpha() or low == name[i + 1].lower():
                continue
            a, b = name[i + 1].lower(), low
            new = name[:i] + _same_case(name[i], a) + _same_case(name[i + 1], b) + name[i + 2 :]
        if new.lower() != name.lower():
            return new, op
    return None


# Sound-alike respellings (regex on the lower-case name, replacement, label).
_PHONETIC = [
    (r"ph", "f", "ph>f"),
    (r"(?<![fp])f(?!f)", "ph", "f>ph"),
    (r"(?<=.)y", "i", "y>i"),
    (r"(?<=[^aeiou])i(?=[^aeiou])", "y", "i>y"),
    (r"ck", "k", "ck>k"),
    (r"(?<=[aeiou])k(?!k)", "ck", "k>ck"),
    (r"^c(?=[aoulr])", "k", "c>k"),
    (r"^k", "c", "k>c"),
    (r"([b-df-hj-np-tv-z])\1", r"\1", "double>single"),
    (r"(?<=[aeiou])([lnrtp])(?=[aeiouy]|$)", r"\1\1", "single>double"),
    (r"son$", "sen", "son>sen"),
    (r"sen$", "son", "sen>son"),
    (r"ey$", "ie", "ey>ie"),
    (r"ie$", "ey", "ie>ey"),
    (r"(?<=[^aeiou])y$", "ie", "y>ie"),
    (r"ai", "ay", "ai>ay"),
    (r"ay", "ai", "ay>ai"),
    (r"^th", "t", "th>t"),
    (r"^mc", "mac", "mc>mac"),
    (r"^mac", "mc", "mac>mc"),
    (r"ee", "ea", "ee>ea"),
    (r"ea", "ee", "ea>ee"),
    (r"(?<=..[^aeiou])e$", "", "drop final e"),
    (r"(?<=..[bdklmnrt])$", "e", "add final e"),
    (r"(?<=[aeiou])s(?=[aeiou])", "z", "s>z"),
]


def _recase(template: str, new: str) -> str:
    parts = re.split(r"([- ])", new)
    out = "".join(p[:1].upper() + p[1:] if p not in "- " else p for p in parts)
    return out if template[:1].isupper() else new


def phonetic(name: str, rng: random.Random) -> tuple[str, str] | None:
    low = name.lower()
    options = []
    for pattern, replacement, label in _PHONETIC:
        for match in re.finditer(pattern, low):
            new = low[: match.start()] + match.expand(replacement) + low[match.end() :]
            if new != low and len(re.sub(r"[^a-z]", "", new)) >= 2:
                options.append((new, label))
    if not options:
        return None
    new, label = rng.choice(options)
    return _recase(name, new), label


_ACCENTS = {"a": "áàä", "e": "éèë", "i": "íï", "o": "óöô", "u": "úü", "c": "ç", "n": "ñ"}


def add_accent(name: str, rng: random.Random) -> str | None:
    spots = [i for i, ch in enumerate(name) if ch.lower() in _ACCENTS]
    if not spots:
        return None
    i = rng.choice(spots)
    accented = rng.choice(_ACCENTS[name[i].lower()])
    return name[:i] + _same_case(name[i], accented) + name[i + 1 :]


def strip_accents(name: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _nicknames() -> dict[str, list[str]]:
    path = ROOT / "backend" / "linkage" / "data" / "given_name_variants.csv"
    table: dict[str, list[str]] = {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            table.setdefault(row["canonical"], []).append(row["variant"])
    return table


NICKNAMES = _nicknames()


def _dob_text(dob: date, rng: random.Random) -> str:
    return dob.isoformat() if rng.random() < 0.5 else dob.strftime("%d/%m/%Y")


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def dob_digit_slip(dob: date, rng: random.Random, today: date) -> date | None:
    digits = dob.strftime("%Y%m%d")
    for _ in range(50):
        position = rng.randrange(8)
        digit = rng.choice([d for d in "0123456789" if d != digits[position]])
        text = digits[:position] + digit + digits[position + 1 :]
        slipped = _valid(int(text[:4]), int(text[4:6]), int(text[6:]))
        if slipped and today - timedelta(days=366 * 25) < slipped <= today and slipped != dob:
            return slipped
    return None


@dataclass(slots=True)
class Query:
    kind: str
    detail: str
    criteria: dict[str, str]
    child: TrueChild
    result: dict[str, object] = field(default_factory=dict)


def _first_given(child: TrueChild) -> str:
    return child.given_names.split(" ")[0]


def _with_others(
    child: TrueChild, family: str, rng: random.Random, given: str | None = None
) -> tuple[dict[str, str], str]:
    """The corrupted family name with true details: given + DOB (60%), DOB only (20%) or
    given + postcode (20%)."""
    given = given or _first_given(child)
    roll = rng.random()
    if roll < 0.6:
        return {
            "familyName": family,
            "givenName": given,
            "dateOfBirth": _dob_text(child.date_of_birth, rng),
        }, "given+dob"
    if roll < 0.8:
        return {"familyName": family, "dateOfBirth": _dob_text(child.date_of_birth, rng)}, "dob"
    return {"familyName": family, "givenName": given, "postcode": child.postcode}, "given+postcode"


def make_query(kind: str, child: TrueChild, seed: int, today: date) -> Query | None:
    """The query of `kind` for `child`, or None when that corruption does not apply."""
    rng = random.Random(f"{seed}-{child.cp_id}-{kind}")
    given = _first_given(child)
    dob = _dob_text(child.date_of_birth, rng)
    criteria: dict[str, str]
    if kind == "exact":
        criteria = {"familyName": child.family_name, "givenName": child.given_names}
        criteria["dateOfBirth"] = dob
        detail = "given+family+dob"
    elif kind == "family_typo":
        slip = typo(child.family_name, rng)
        if slip is None:
            return None
        criteria, others = _with_others(child, slip[0], rng)
        detail = f"{slip[1]}; {others}"
    elif kind == "phonetic_family":
        respelt = phonetic(child.family_name, rng)
        if respelt is None:
            return None
        criteria, others = _with_others(child, respelt[0], rng)
        detail = f"{respelt[1]}; {others}"
    elif kind == "phonetic_given":
        respelt = phonetic(given, rng)
        if respelt is None:
            return None
        criteria = {"familyName": child.family_name, "givenName": respelt[0], "dateOfBirth": dob}
        detail = f"{respelt[1]}; family+dob"
    elif kind == "nickname":
        variants = NICKNAMES.get(given.lower())
        if not variants:
            return None
        nick = rng.choice(variants).title()
        criteria = {"familyName": child.family_name, "givenName": nick}
        if rng.random() < 0.75:
            criteria["dateOfBirth"] = dob
            detail = f"{given}>{nick}; family+dob"
        else:
            criteria["postcode"] = child.postcode
            detail = f"{given}>{nick}; family+postcode"
    elif kind == "names_swapped":
        criteria = {"familyName": given, "givenName": child.family_name, "dateOfBirth": dob}
        detail = "given<>family; dob"
    elif kind == "no_given_name":
        criteria = {"familyName": child.family_name, "dateOfBirth": dob}
        detail = "family+dob"
    elif kind == "dob_day_month_swap":
        d = child.date_of_birth
        swapped = _valid(d.year, d.day, d.month) if d.day != d.month else None
        if swapped is None or swapped > today:
            return None
        criteria = {"familyName": child.family_name, "givenName": given}
        criteria["dateOfBirth"] = _dob_text(swapped, rng)
        detail = "given+family"
    elif kind == "dob_one_digit":
        slipped = dob_digit_slip(child.date_of_birth, rng, today)
        if slipped is None:
            return None
        criteria = {"familyName": child.family_name, "givenName": given}
        criteria["dateOfBirth"] = _dob_text(slipped, rng)
        detail = "given+family"
    elif kind == "postcode_form":
        outward = child.postcode.split(" ")[0]
        form = rng.choice(["outward only", "no space", "lower case", "lower, no space"])
        typed = {
            "outward only": outward,
            "no space": child.postcode.replace(" ", ""),
            "lower case": child.postcode.lower(),
            "lower, no space": child.postcode.replace(" ", "").lower(),
        }[form]
        criteria = {"familyName": child.family_name, "givenName": given, "postcode": typed}
        detail = f"{form}; given+family"
    elif kind == "hyphenated_part":
        parts = [p for p in re.split(r"[- ]", child.family_name) if p]
        if len(parts) < 2:
            return None
        part = rng.choice(parts)
        criteria = {"familyName": part, "givenName": given, "dateOfBirth": dob}
        detail = f"{'first' if part == parts[0] else 'second'} part; given+dob"
    elif kind == "diacritics":
        plain_family = strip_accents(child.family_name)
        plain_given = strip_accents(given)
        if plain_family != child.family_name or plain_given != given:
            criteria = {"familyName": plain_family, "givenName": plain_given}
            detail = "dropped"
        else:
            target = rng.choice(["family", "given"])
            accented = add_accent(child.family_name if target == "family" else given, rng)
            if accented is None:
                return None
            criteria = {
                "familyName": accented if target == "family" else child.family_name,
                "givenName": accented if target == "given" else given,
            }
            detail = f"added to {target} name"
        criteria["dateOfBirth"] = dob
        detail += "; given+family+dob"
    elif kind == "previous_name":
        if not child.other_names:
            return None
        old = child.other_names[0].split(" ", 1)
        if len(old) < 2:
            return None
        old_family = old[1]
        if rng.random() < 0.5:
            criteria = {"familyName": old_family, "givenName": given, "dateOfBirth": dob}
            detail = "old name as familyName; given+dob"
        else:
            criteria = {"previousName": old_family, "givenName": given, "dateOfBirth": dob}
            detail = "old name as previousName only; given+dob"
    else:
        raise ValueError(kind)
    if rng.random() < 0.2:
        criteria["gender"] = child.gender
    return Query(kind=kind, detail=detail, criteria=criteria, child=child)


def make_queries(children: list[TrueChild], count: int, seed: int) -> list[Query]:
    """`count` queries in the proportions of MIX, each from a different child."""
    today = date.today()
    quotas = {kind: round(share * count) for kind, share in MIX.items()}
    quotas["family_typo"] += count - sum(quotas.values())
    used: set[str] = set()
    queries: list[Query] = []
    for kind, quota in quotas.items():
        made = 0
        for child in children:
            if made == quota:
                break
            if child.cp_id in used:
                continue
            query = make_query(kind, child, seed, today)
            if query is not None:
                used.add(child.cp_id)
                queries.append(query)
                made += 1
    random.Random(seed).shuffle(queries)
    return queries


# --- the server -----------------------------------------------------------------------


@dataclass(slots=True)
class DemoServer:
    url: str
    name: str
    http: httpx.Client
    pid: int
    load_seconds: float
    # The signed-in practitioner's demo sign-in (email, password, totpSecret, ...).
    credentials: dict[str, str]

    def search(self, criteria: dict[str, str]) -> dict[str, object]:
        body = self.http.post("/graphql", json={"query": SEARCH, "variables": {"c": criteria}})
        return body.json()  # type: ignore[no-any-return]


def sign_in_body(me: dict[str, str], at: float | None = None) -> dict[str, object]:
    """The signIn request of a demo user, with their TOTP code for `at` (default now)."""
    totp = pyotp.TOTP(me["totpSecret"])
    code = totp.now() if at is None else totp.at(at)
    return {
        "query": SIGN_IN,
        "variables": {"e": me["email"], "p": me["password"], "t": code},
    }


@dataclass(frozen=True, slots=True)
class DemoDatabase:
    url: str
    name: str
    load_seconds: float
    # The demo sign-ins (email, password, totpSecret, ...), as `demo-data --credentials`.
    credentials_path: Path

    def env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": self.url, **extra}


@contextmanager
def demo_database(
    children: int, seed: int, label: str, keep: bool, reuse: str | None = None
) -> Iterator[DemoDatabase]:
    """A fresh database holding `children` demo children, dropped afterwards unless `keep`.

    `reuse` ("DATABASE:CREDENTIALS-FILE", as printed by a run with --keep) gives a kept
    database instead, without loading or dropping it."""
    if reuse:
        name, creds_file = reuse.split(":", 1)
        keep = True
    else:
        name = f"cp_bench_{label}_{secrets.token_hex(3)}"
        psql(ADMIN_URL, f'CREATE DATABASE "{name}"')
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    # A SIGTERM (a stopped job) unwinds like an exception: the database is dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        load_seconds = 0.0
        if reuse:
            creds_path = Path(creds_file)
        else:
            creds_path = Path(tempfile.mkdtemp()) / "creds.json"
            started = time.perf_counter()
            subprocess.run(
                [
                    BIN / "contactpoint",
                    "demo-data",
                    "--children",
                    str(children),
                    "--seed",
                    str(seed),
                    "--credentials",
                    str(creds_path),
                ],
                env={**os.environ, "DATABASE_URL": url},
                check=True,
                capture_output=True,
            )
            load_seconds = time.perf_counter() - started
            psql(url, "ANALYZE")
            if keep:
                print(f"kept: --reuse {name}:{creds_path}")
        yield DemoDatabase(url, name, load_seconds, creds_path)
    finally:
        if not keep:
            psql(ADMIN_URL, f'DROP DATABASE "{name}" WITH (FORCE)')


@contextmanager
def demo_server(
    children: int,
    seed: int,
    label: str,
    keep: bool,
    reuse: str | None = None,
    workers: int = 1,
    settings: dict[str, str] | None = None,
) -> Iterator[DemoServer]:
    """The app serving a `demo_database`, one Leeds practitioner signed in. One worker by
    default, so that the server's CPU is its one process's."""
    with demo_database(children, seed, label, keep, reuse) as db:
        me = {c["email"]: c for c in json.loads(db.credentials_path.read_text())}[PRACTITIONER]
        port = free_port()
        server = subprocess.Popen(
            [BIN / "contactpoint", "serve", "--port", str(port), "--workers", str(workers)],
            env=db.env(CONTACTPOINT_SEARCH_RATE_PER_MINUTE=SEARCH_RATE, **(settings or {})),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    if httpx.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            with httpx.Client(base_url=base, timeout=60) as http:
                http.post("/graphql", json=sign_in_body(me)).raise_for_status()
                yield DemoServer(db.url, db.name, http, server.pid, db.load_seconds, me)
        finally:
            server.terminate()
            server.wait()


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def children_of(pid: int) -> list[int]:
    """The process's children (a `serve --workers N` parent's workers among them)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat(int(entry.name))[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError):
                continue
    return found


def cpu_seconds(pid: int) -> float:
    """CPU used so far by a server process and its children (its workers)."""
    total = 0.0
    for each in [pid, *children_of(pid)]:
        try:
            fields = _stat(each)
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def percentile(sorted_values: list[float], p: float) -> float:
    return sorted_values[int(p / 100 * (len(sorted_values) - 1))]
