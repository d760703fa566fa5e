"""The search statement: gather candidates through exact index lookups, then score.

Every route is anchored on exact words or codes, so its cost follows how common those
are, never the size of the directory (SPEC section 12: search must not grow linearly):

  words      every word of the family name AND (the given name or a nickname variant)
             among all the child's name words — one GIN intersection: exact, nickname,
             swapped, double-barrelled, middle and previous names;
  phonetics  a family Double Metaphone code AND a given one — GIN intersection:
             Smith/Smyth, Sophie/Sofia;
  typos      children whose family name starts with the same two letters and whose
             first given name is the one typed or a variant (btree), kept when the family
             name looks alike (trigram similarity);
  birth      the date of birth or its day/month swap (btree), kept when the name looks
             alike; a date one digit wrong with the same family-name start or given name
             (composite btrees);
  district   the postcode district (expression index), with the same family-name start,
             a shared phonetic code or the given name.

Each route is capped; only candidates are scored. Score = weighted mean over the
criteria given (docs/SEARCH.md): family 0.35, given 0.25, birth 0.25, postcode 0.10,
gender 0.05.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.driver import driver
from backend.db.queries.child_view import organisation_from_json
from backend.db.records import ChildRecord

WEIGHTS = {"family": 0.35, "given": 0.25, "dob": 0.25, "postcode": 0.10, "gender": 0.05}
ROUTE_CAP = 400
# How alike a name must look for the birth and district routes to keep a child.
NAME_LIKENESS = 0.3

# Kept by the birth and district routes: the name looks alike, or the given name matches
# (a short family name with a typo, "Wset" for West, looks alike to nothing).
# The district route's cheaper test (no similarity computed on every child of a district).
_SAME_START_OR_SOUND = (
    "(c.family_prefix = left(:family, 2)"
    " OR c.name_phonetics && CAST(:family_phonetics AS text[])"
    " OR c.given_key = ANY(CAST(:given_variants AS text[])))"
)
_LOOKS_ALIKE = (
    "(word_similarity(:family, c.name_keys) >= :likeness"
    " OR c.name_phonetics && CAST(:family_phonetics AS text[])"
    " OR c.given_key = ANY(CAST(:given_variants AS text[])))"
)


def _routes(params: "SearchParameters") -> list[str]:
    """The candidate routes the criteria allow. Fixed texts; values are bound parameters."""
    active = "SELECT c.id FROM child c WHERE c.status = 'ACTIVE'"
    routes: list[str] = []
    if params.given:
        routes.append(
            f"{active} AND c.name_words @> CAST(:family_words AS text[])"
            f" AND c.name_words && CAST(:given_variants AS text[]) LIMIT {ROUTE_CAP}"
        )
        routes.append(
            f"{active} AND c.family_prefix = left(:family, 2)"
            " AND c.given_key = ANY(CAST(:given_variants AS text[]))"
            f" AND similarity(c.family_key, :family) >= :likeness LIMIT {ROUTE_CAP}"
        )
        if params.family_phonetics and params.given_phonetics:
            routes.append(
                f"{active} AND c.name_phonetics && CAST(:family_phonetics AS text[])"
                f" AND c.name_phonetics && CAST(:given_phonetics AS text[]) LIMIT {ROUTE_CAP}"
            )
    if params.dob:
        routes.append(
            f"{active} AND c.date_of_birth = ANY(CAST(:dobs_near AS date[]))"
            f" AND {_LOOKS_ALIKE} LIMIT {ROUTE_CAP}"
        )
        if params.dob_slips:
            routes.append(
                f"{active} AND c.date_of_birth = ANY(CAST(:dob_slips AS date[]))"
                f" AND c.family_prefix = left(:family, 2) LIMIT {ROUTE_CAP}"
            )
            if params.given:
                routes.append(
                    f"{active} AND c.date_of_birth = ANY(CAST(:dob_slips AS date[]))"
                    f" AND c.given_key = ANY(CAST(:given_variants AS text[])) LIMIT {ROUTE_CAP}"
                )
    if params.outward:
        routes.append(
            f"{active} AND split_part(c.postcode, ' ', 1) = :outward"
            f" AND {_SAME_START_OR_SOUND} LIMIT {ROUTE_CAP}"
        )
    return [f"({route})" for route in routes]


_SCORED = """
scored AS (
    SELECT c.*,
      GREATEST(
        similarity(c.family_key, :family),
        word_similarity(:family, c.family_key),
        CASE WHEN c.family_phonetic && CAST(:family_phonetics AS text[]) THEN 0.8 ELSE 0 END,
        0.85 * word_similarity(:family, c.name_keys)
      ) AS family_score,
      CASE WHEN CAST(:given AS text) IS NULL THEN 0 ELSE GREATEST(
        similarity(c.given_key, :given),
        CASE WHEN c.given_key = ANY(CAST(:given_variants AS text[])) THEN 0.9 ELSE 0 END,
        CASE WHEN c.name_phonetics && CAST(:given_phonetics AS text[]) THEN 0.7 ELSE 0 END,
        0.85 * word_similarity(:given, c.name_keys)
      ) END AS given_score,
      CASE WHEN CAST(:dob AS date) IS NULL THEN 0
           WHEN c.date_of_birth = :dob THEN 1.0
           WHEN c.date_of_birth = :dob_swapped THEN 0.8
           WHEN c.date_of_birth = ANY(CAST(:dob_slips AS date[])) THEN 0.75
           ELSE 0 END AS dob_score,
      CASE WHEN CAST(:outward AS text) IS NULL THEN 0
           WHEN c.postcode = :postcode THEN 1.0
           WHEN split_part(c.postcode, ' ', 1) = :outward THEN 0.7
           ELSE 0 END AS postcode_score,
      CASE WHEN CAST(:gender AS text) IS NULL THEN 0
           WHEN c.gender = :gender THEN 1.0 ELSE 0 END AS gender_score
      FROM child c JOIN candidates USING (id)
),
ranked AS (
    SELECT s.*,
      (0.35 * s.family_score + :w_given * s.given_score + :w_dob * s.dob_score
       + :w_postcode * s.postcode_score + :w_gender * s.gender_score) / :w_total AS score
      FROM scored s
),
kept AS (
    SELECT r.*, max(r.score) OVER () AS best FROM ranked r WHERE r.score >= :minimum
),
counted AS (
    -- How many are about as good as the best, counted over every candidate kept, so
    -- only the rows shown need to leave the database.
    SELECT k.*, count(*) FILTER (WHERE k.score >= k.best - :tie_margin) OVER () AS near_best
      FROM kept k
)
SELECT r.near_best, r.id, r.contact_point_id, r.given_names, r.family_name, r.other_names,
       r.date_of_birth, r.gender, r.town, r.postcode, r.status,
       round(r.score::numeric, 3) AS score,
       json_build_object('id', o.id, 'code', o.code, 'name', o.name, 'kind', o.kind,
                         'team_name', o.team_name, 'team_phone', o.team_phone,
                         'team_email', o.team_email) AS authority,
       EXISTS (SELECT 1 FROM shielding s
                WHERE s.child_id = r.id AND s.unshielded_at IS NULL) AS shielded
  FROM counted r JOIN organisation o ON o.id = r.responsible_authority_id
 ORDER BY r.score DESC, r.family_key, r.id
 LIMIT :limit
"""


@dataclass(frozen=True, slots=True)
class SearchParameters:
    family: str
    family_phonetics: list[str]
    given: str | None
    given_variants: list[str]
    given_phonetics: list[str]
    dob: date | None
    dob_swapped: date | None
    dob_slips: list[date]
    postcode: str | None
    outward: str | None
    gender: str | None
    minimum: float
    tie_margin: float
    limit: int


@dataclass(frozen=True, slots=True)
class Match:
    score: float
    child: ChildRecord


@dataclass(frozen=True, slots=True)
class Found:
    """The best matches (at most the limit) and how many candidates scored within the
    tie margin of the best one (0 when nothing matched)."""

    matches: list[Match]
    near_best: int


def _weights(params: SearchParameters) -> dict[str, float]:
    given = WEIGHTS["given"] if params.given else 0.0
    dob = WEIGHTS["dob"] if params.dob else 0.0
    postcode = WEIGHTS["postcode"] if params.outward else 0.0
    gender = WEIGHTS["gender"] if params.gender else 0.0
    total = WEIGHTS["family"] + given + dob + postcode + gender
    return {
        "w_given": given,
        "w_dob": dob,
        "w_postcode": postcode,
        "w_gender": gender,
        "w_total": total,
    }


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


async def search_children(conn: AsyncConnection, params: SearchParameters) -> Found:
    values = {
        "family": params.family,
        "family_phonetics": params.family_phonetics,
        "given": params.given,
        "given_variants": params.given_variants,
        "given_phonetics": params.given_phonetics,
        "dob": params.dob,
        "dob_swapped": params.dob_swapped,
        "dob_slips": params.dob_slips,
        "dobs_near": [d for d in (params.dob, params.dob_swapped) if d],
        "postcode": params.postcode,
        "outward": params.outward,
        "gender": params.gender,
        "minimum": params.minimum,
        "tie_margin": params.tie_margin,
        "limit": params.limit,
        **_weights(params),
    }
    routes = _routes(params)
    if not routes:
        return Found(matches=[], near_best=0)
    # Built only from the fixed route texts above; every value is a bound parameter.
    statement = text("WITH candidates AS (" + " UNION ".join(routes) + ")," + _SCORED)
    values["likeness"] = NAME_LIKENESS
    values["family_words"] = params.family.split(" ")
    rows = (await conn.execute(statement, values)).all()
    return Found(
        matches=[Match(score=float(row.score), child=_summary(row)) for row in rows],
        near_best=int(rows[0].near_best) if rows else 0,
    )


@dataclass(frozen=True, slots=True)
class Preflight:
    """What a search needs before its statement: the caller's recent searches (for the
    rate limit) and the Double Metaphone codes of the names typed."""

    recent_searches: int
    family_phonetics: list[str]
    given_phonetics: list[str]


# One round trip for both: the codes come from the same function as the index, so they
# match the stored ones exactly, and they must reach the search statement as bound
# values (computed inside it, generic plans ran Double Metaphone per row: bench/README.md).
_PREFLIGHT = """
SELECT (SELECT count(*) FROM audit_event
         WHERE {actor} = $1 AND action = 'CHILD_SEARCH' AND outcome = 'OK'
           AND occurred_at > now() - make_interval(secs => $2)) AS recent,
       cp_phonetics($3) AS family_codes, cp_phonetics($4) AS given_codes
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
) -> Preflight:
    statement, actor = (
        (_PREFLIGHT_BY_USER, user_id) if user_id is not None else (_PREFLIGHT_BY_CLIENT, client_id)
    )
    pg = await driver(conn)
    row = await pg.fetchrow(statement, actor, float(seconds), family or "", given or "")
    return Preflight(
        recent_searches=int(row["recent"]),
        family_phonetics=list(row["family_codes"] or []),
        given_phonetics=list(row["given_codes"] or []),
    )


async def phonetics(conn: AsyncConnection, *keys: str | None) -> list[list[str]]:
    """Double Metaphone codes of each key, computed by the same function as the index."""
    result = await conn.execute(
        text(
            "SELECT cp_phonetics(k) FROM unnest(CAST(:keys AS text[])) WITH ORDINALITY AS t(k, n)"
            " ORDER BY n"
        ),
        {"keys": [k or "" for k in keys]},
    )
    return [list(codes or []) for codes in result.scalars()]
