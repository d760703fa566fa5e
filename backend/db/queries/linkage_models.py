"""Trained linkage models: storing one run of `contactpoint linkage train`, reading one."""

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.linkage.fields import LinkField
from backend.linkage.model import DEFAULT_PROBABILITIES, Model, Probability, Table


@dataclass(frozen=True, slots=True)
class TrainingRun:
    """How a model was estimated, stored beside its weights."""

    children: int
    random_pairs: int
    blocked_pairs: int
    em_iterations: int
    match_share: float
    m_source: str
    note: str


async def store_model(conn: AsyncConnection, table: Table, run: TrainingRun) -> Model:
    row = (
        await conn.execute(
            text(
                "INSERT INTO linkage_model (children, random_pairs, blocked_pairs,"
                " em_iterations, match_share, m_source, note)"
                " VALUES (:children, :random_pairs, :blocked_pairs, :em_iterations,"
                " :match_share, :m_source, :note) RETURNING id, trained_at"
            ),
            {
                "children": run.children,
                "random_pairs": run.random_pairs,
                "blocked_pairs": run.blocked_pairs,
                "em_iterations": run.em_iterations,
                "match_share": run.match_share,
                "m_source": run.m_source,
                "note": run.note,
            },
        )
    ).one()
    await conn.execute(
        text(
            "INSERT INTO linkage_weight (model_id, field, level, m, u)"
            " SELECT :id, f, l, m, u FROM unnest(CAST(:fields AS text[]), CAST(:levels AS"
            " text[]), CAST(:ms AS float8[]), CAST(:us AS float8[])) AS t(f, l, m, u)"
        ),
        {
            "id": row.id,
            "fields": [f.value for f, levels in table.items() for _ in levels],
            "levels": [level for levels in table.values() for level in levels],
            "ms": [p.m for levels in table.values() for p in levels.values()],
            "us": [p.u for levels in table.values() for p in levels.values()],
        },
    )
    return Model(table, id=row.id, trained_at=row.trained_at, m_source=run.m_source)


async def load_model(conn: AsyncConnection, model_id: int) -> Model:
    """A stored model; a level it lacks (a field added since) keeps its default."""
    head = (
        await conn.execute(
            text("SELECT id, trained_at, m_source FROM linkage_model WHERE id = :id"),
            {"id": model_id},
        )
    ).one()
    rows = await conn.execute(
        text("SELECT field, level, m, u FROM linkage_weight WHERE model_id = :id"),
        {"id": model_id},
    )
    values: dict[LinkField, dict[str, Probability]] = {
        f: dict(levels) for f, levels in DEFAULT_PROBABILITIES.items()
    }
    for field, level, m, u in rows:
        if field in LinkField.__members__ and level in values[LinkField(field)]:
            values[LinkField(field)][level] = Probability(m, u)
    return Model(values, id=head.id, trained_at=head.trained_at, m_source=head.m_source)


async def latest_model_id(conn: AsyncConnection) -> int | None:
    return (await conn.execute(text("SELECT max(id) FROM linkage_model"))).scalar()
