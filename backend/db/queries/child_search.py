"""The search statement: candidates through the linkage routes, then match weights.

One statement per search (SPEC section 12). Candidates come from the bounded, indexed
routes of `backend/db/queries/linkage.py` (none needs the family name to look alike);
each candidate's fields are compared by the SQL functions of migration 0008 and the
agreement levels weighed with the model's weights, bound as arrays. Only candidates at
or above the "possible match" weight are kept; the best are returned with how many came
within the tie margin of the best one, so the too-many rule needs no second statement.

A child's whereabouts count only where the caller may see them (`sees_all`, `team`):
otherwise the postcode neither brings that child in nor changes its weight.
"""

import re
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.driver import driver
from backend.db.queries.child_view import organisation_from_json
from backend.db.queries.linkage import LEVELS_SQL, ROUTES, WEIGHT_SQL, Route, route_sql
from backend.db.records import ChildRecord
from backend.linkage.fields import LinkField
from backend.linkage.model import Model

# The SQL type of each query value the routes and comparisons read as `q.<name>`.
QUERY_TYPES: Mapping[str, str] = {
    "family": "text",
    "family_words": "text[]",
    "family_codes": "text[]",
    "given": "text",
    "given_variants": "text[]",
    "given_codes": "text[]",
    "previous": "text",
    "previous_words": "text[]",
    "dob": "date",
    "dob_swapped": "date",
    "dob_slips": "date[]",
    "dob_near": "date[]",
    "year_start": "date",
    "year_end": "date",
    "postcode": "text",
    "sector": "text",
    "outward": "text",
    "gender": "text",
    "sees_all": "boolean",
    "team": "integer",
}

_QUERY_COLUMN = re.compile(r"\bq\.([a-z_]+)\b")


def bound(sql: str) -> str:
    """The linkage SQL for one search: every `q.<name>` becomes its bound parameter."""

    def parameter(match: re.Match[str]) -> str:
        name = match[1]
        return f"CAST(:{name} AS {QUERY_TYPES[name]})"

    return _QUERY_COLUMN.sub(parameter, sql)


@dataclass(frozen=True, slots=True)
class SearchParameters:
    """One search's query values (`QUERY_TYPES`), the model and the lines it is held to."""

    family: str | None
    family_codes: list[str]
    given: str | None
    given_variants: list[str]
    given_codes: list[str]
    previous: str | None
    dob: date | None
    dob_swapped: date | None
    dob_slips: list[date]
    postcode: str | None
    outward: str | None
    gender: str | None
    # Whose whereabouts count: everyone's (administrators), or also the shielded children
    # of this authority (its management team); otherwise only unshielded children's.
    sees_all: bool
    team: int | None
    model: Model
    possible: float
    tie_margin: float
    limit: int

    @property
    def sector(self) -> str | None:
        return self.postcode[:-2] if self.postcode else None

    def values(self) -> dict[str, Any]:
        dob = self.dob
        return {
            "family": self.family,
            "family_words": self.family.split(" ") if self.family else [],
            "family_codes": self.family_codes,
            "given": self.given,
            "given_variants": self.given_variants,
            "given_codes": self.given_codes,
            "previous": self.previous,
            "previous_words": self.previous.split(" ") if self.previous else [],
            "dob": dob,
            "dob_swapped": self.dob_swapped,
            "dob_slips": self.dob_slips,
            "dob_near": ([self.dob_swapped] if self.dob_swapped else []) + self.dob_slips,
            "year_start": date(dob.year, 1, 1) if dob else None,
            "year_end": date(dob.year, 12, 31) if dob else None,
            "postcode": self.postcode,
            "sector": self.sector,
            "outward": self.outward,
            "gender": self.gender,
            "sees_all": self.sees_all,
            "team": self.team,
        }

    def weight_values(self) -> dict[str, list[float]]:
        m = self.model
        # Only the outward part typed: its levels mean "the district typed", weighed apart.
        postcode_field = LinkField.POSTCODE if self.postcode else LinkField.DISTRICT
        return {
            "w_family": m.weights(LinkField.FAMILY),
            "w_given": m.weights(LinkField.GIVEN),
            "w_birth": m.weights(LinkField.BIRTH),
            "w_postcode": m.weights(postcode_field),
            "w_gender": m.weights(LinkField.GENDER),
            "w_previous": m.weights(LinkField.PREVIOUS),
        }


def applicable(route: Route, values: Mapping[str, Any]) -> bool:
    return all(values.get(name) not in (None, [], "") for name in route.needs)


@dataclass(frozen=True, slots=True)
class Match:
    weight: float
    # Agreement level code per field (backend/linkage/fields.py), for explanation.
    levels: Mapping[LinkField, int]
    child: ChildRecord


@dataclass(frozen=True, slots=True)
class Found:
    """The best matches (at most the limit) and how many kept candidates weighed within
    the tie margin of the best one (0 when nothing matched)."""

    matches: list[Match]
    near_best: int


# Only ids, levels and weights travel through the windows and the sort (whole child rows
# made each candidate ~1.3 kB wide); the 25 shown are joined back at the end.
_SCORED = f"""
compared AS (
    SELECT c.id, c.family_key, {LEVELS_SQL}
      FROM child c JOIN candidates USING (id)
),
weighed AS (
    SELECT x.*, {WEIGHT_SQL} AS weight FROM compared x
),
kept AS (
    SELECT w.*, max(w.weight) OVER () AS best FROM weighed w WHERE w.weight >= :possible
),
counted AS (
    SELECT k.*, count(*) FILTER (WHERE k.weight >= k.best - :tie_margin) OVER () AS near_best
      FROM kept k
),
shown AS (
    SELECT * FROM counted ORDER BY weight DESC, family_key, id LIMIT :limit
)
SELECT s.near_best, r.id, r.contact_point_id, r.given_names, r.family_name, r.other_names,
       r.date_of_birth, r.gender, r.town, r.postcode, r.status, r.shielded, s.weight,
       s.family_level, s.given_level, s.birth_level, s.postcode_level, s.gender_level,
       s.previous_level,
       json_build_object('id', o.id, 'code', o.code, 'name', o.name, 'kind', o.kind,
                         'team_name', o.team_name, 'team_phone', o.team_phone,
                         'team_email', o.team_email) AS authority
  FROM shown s JOIN child r ON r.id = s.id
  JOIN organisation o ON o.id = r.responsible_authority_id
 ORDER BY s.weight DESC, s.family_key, s.id
"""  # noqa: S608 - built from constant SQL texts

_LEVEL_COLUMNS = (
    (LinkField.FAMILY, "family_level"),
    (LinkField.GIVEN, "given_level"),
    (LinkField.BIRTH, "birth_level"),
    (LinkField.POSTCODE, "postcode_level"),
    (LinkField.GENDER, "gender_level"),
    (LinkField.PREVIOUS, "previous_level"),
)


def _summary(row: Any) -> ChildRecord:
    return ChildRecord(
        id=row.id,
        contact_point_id=row.contact_point_id,
        given_names=row.given_names,
        family_name=row.family_name,
        other_names=tuple(row.other_names),
        date_of_birth=row.date_of_birth,
        gender=row.gender,
        address_line1=None,
        address_line2=None,
        town=row.town,
        postcode=row.postcode,
        nhs_number=None,
        upn=None,
        status=row.status,
        responsible_authority=organisation_from_json(row.authority),
        shielded=row.shielded,
        carers=(),
        involvements=(),
        caf=None,
    )


def search_statement(routes: Collection[Route]) -> str:
    # Built only from the fixed route and comparison texts; every value is bound.
    union = " UNION ".join(f"({bound(route_sql(route))})" for route in routes)
    return bound(f"WITH candidates AS ({union}),{_SCORED}")


async def search_children(
    conn: AsyncConnection, params: SearchParameters, *, only: Collection[str] | None = None
) -> Found:
    """The best matches for `params`; `only` limits the candidate routes (tests, benches)."""
    values = params.values()
    routes = [
        route
        for route in ROUTES
        if applicable(route, values) and (only is None or route.name in only)
    ]
    if not routes:
        return Found(matches=[], near_best=0)
    statement = text(search_statement(routes))
    bind = {
        **values,
        **params.weight_values(),
        "possible": params.possible,
        "tie_margin": params.tie_margin,
        "limit": params.limit,
    }
    rows = (await conn.execute(statement, bind)).all()
    return Found(
        matches=[
            Match(
                weight=float(row.weight),
                levels={f: int(getattr(row, column)) for f, column in _LEVEL_COLUMNS},
                child=_summary(row),
            )
            for row in rows
        ],
        near_best=int(rows[0].near_best) if rows else 0,
    )


@dataclass(frozen=True, slots=True)
class Preflight:
    """What a search needs before its statement, in one round trip: the caller's recent
    searches (rate limit), the query-side keys computed by the same SQL functions as the
    stored ones, the directory's size (the prior odds) and the newest trained model's id."""

    recent_searches: int
    family_codes: list[str]
    given_codes: list[str]
    given_variants: list[str]
    dob_swapped: date | None
    dob_slips: list[date]
    children: int
    model_id: int | None


_PREFLIGHT = """
SELECT (SELECT count(*) FROM audit_event
         WHERE {actor} = $1 AND action = 'CHILD_SEARCH' AND outcome = 'OK'
           AND occurred_at > now() - make_interval(secs => $2)) AS recent,
       cp_phonetics($3) AS family_codes, cp_phonetics($4) AS given_codes,
       cp_given_variants($4) AS given_variants,
       cp_date_swapped($5) AS dob_swapped, cp_date_slips($5) AS dob_slips,
       (SELECT reltuples::bigint FROM pg_class WHERE oid = 'child'::regclass) AS children,
       (SELECT max(id) FROM linkage_model) AS model_id
"""
_PREFLIGHT_BY_USER = _PREFLIGHT.format(actor="actor_user_id")
_PREFLIGHT_BY_CLIENT = _PREFLIGHT.format(actor="actor_client_id")


async def preflight(
    conn: AsyncConnection,
    *,
    user_id: uuid.UUID | None,
    client_id: uuid.UUID | None,
    seconds: int,
    family: str | None,
    given: str | None,
    dob: date | None,
) -> Preflight:
    statement, actor = (
        (_PREFLIGHT_BY_USER, user_id) if user_id is not None else (_PREFLIGHT_BY_CLIENT, client_id)
    )
    pg = await driver(conn)
    row = await pg.fetchrow(statement, actor, float(seconds), family or "", given or "", dob)
    return Preflight(
        recent_searches=int(row["recent"]),
        family_codes=list(row["family_codes"] or []),
        given_codes=list(row["given_codes"] or []),
        given_variants=list(row["given_variants"] or []),
        dob_swapped=row["dob_swapped"],
        dob_slips=list(row["dob_slips"] or []),
        children=max(int(row["children"] or 0), 0),
        model_id=row["model_id"],
    )


async def keys(
    conn: AsyncConnection, *, family: str | None, given: str | None, dob: date | None
) -> Preflight:
    """The preflight's keys without a caller (benches and tests)."""
    return await preflight(
        conn,
        user_id=uuid.UUID(int=0),
        client_id=None,
        seconds=0,
        family=family,
        given=given,
        dob=dob,
    )
