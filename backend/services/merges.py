"""Merging two records found to be the same child, and undoing a merge exactly.

The management team of the children's responsible authority (or an administrator)
keeps one record and merges the other into it. The kept record takes from the merged
one only what it lacks (NHS number, UPN, an address, other names) with their
provenance, and its involvements, carers, source keys and CAF; the merged record stays,
marked MERGED, out of search and views. An unmerge puts every moved row back and both
records' fields as they were: the kept record whole when nothing has changed it since,
otherwise only the fields the merge filled that still hold what it put there, so later
work is never lost.

Refused: a shielded record into an unshielded one (its whereabouts would lose their
protection), two records that both have an active lead professional (a child has one),
and two different NHS numbers (two different children). Every merge and unmerge is
audited, and the people working with the child are told.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.audit.writer import AuditEntry, record
from backend.db.queries import merges as queries
from backend.db.queries import notifications as inbox
from backend.db.queries.merges import RESTORABLE, MergeRow
from backend.domain.ids import contact_point_id
from backend.errors import BadInput, Forbidden, NotFound
from backend.services.notifications import CHILD_MERGED, CHILD_UNMERGED
from backend.services.shielding_workbench import Workbench, workbench
from backend.web.context import RequestContext

MIN_REASON = 10
MAX_REASON = 1000
_ADDRESS = ("address_line1", "address_line2", "town", "postcode")
# The provenance field of each column a merge can fill.
_PROVENANCE = {
    "nhs_number": "nhs_number",
    "upn": "upn",
    "other_names": "other_names",
    **{column: "address" for column in _ADDRESS},
}


@dataclass(frozen=True, slots=True)
class MergeView:
    id: uuid.UUID
    keep_child_id: str
    merged_child_id: str
    reason: str
    merged_by: str
    merged_at: datetime
    unmerged_by: str | None
    unmerged_at: datetime | None
    filled_fields: list[str]
    involvements_moved: int
    carers_moved: int
    source_records_moved: int

    @classmethod
    def of(cls, row: MergeRow) -> "MergeView":
        moved = row.moved
        return cls(
            id=row.id,
            keep_child_id=row.keep_contact_point_id,
            merged_child_id=row.merged_contact_point_id,
            reason=row.reason,
            merged_by=row.merged_by,
            merged_at=row.merged_at,
            unmerged_by=row.unmerged_by,
            unmerged_at=row.unmerged_at,
            filled_fields=sorted({_PROVENANCE[c] for c in moved["filled"]}),
            involvements_moved=len(moved["involvements"]),
            carers_moved=len(moved["carers"]),
            source_records_moved=len(moved["sourceRecords"]),
        )


def _reason(reason: str) -> str:
    cleaned = reason.strip()
    if len(cleaned) < MIN_REASON:
        raise BadInput(
            f"say why these are the same child, in at least {MIN_REASON} characters",
            field="reason",
        )
    if len(cleaned) > MAX_REASON:
        raise BadInput(f"reason must be at most {MAX_REASON} characters", field="reason")
    return cleaned


def _managed(bench: Workbench, row: dict[str, Any] | None, field: str) -> dict[str, Any]:
    if row is None or (
        bench.authority_id is not None and row["responsible_authority_id"] != bench.authority_id
    ):
        raise NotFound("no child your team manages has that ContactPoint ID", field=field)
    return row


def _active(row: dict[str, Any], field: str) -> None:
    if row["status"] == "MERGED":
        raise BadInput("that record is already merged into another", field=field)
    if row["status"] != "ACTIVE":
        raise BadInput("that record is archived: it cannot be merged", field=field)


def _other_names(keep: dict[str, Any], merged: dict[str, Any]) -> list[str] | None:
    """The kept record's other names with the merged record's names it does not know."""
    names = list(keep["other_names"] or [])
    known = {keep["family_name"].casefold(), *(name.casefold() for name in names)}
    for name in [merged["family_name"], *(merged["other_names"] or [])]:
        if name.casefold() not in known:
            names.append(name)
            known.add(name.casefold())
    return names if len(names) > len(keep["other_names"] or []) else None


def _fills(keep: dict[str, Any], merged: dict[str, Any]) -> dict[str, Any]:
    """What the kept record lacks and the merged one has: only those are taken."""
    fills: dict[str, Any] = {}
    for column in ("nhs_number", "upn"):
        if keep[column] is None and merged[column] is not None:
            fills[column] = merged[column]
    # An address is taken whole or not at all: lines of two addresses make neither.
    keep_has_address = keep["postcode"] is not None or keep["address_line1"] is not None
    if not keep_has_address and (merged["postcode"] or merged["address_line1"]) is not None:
        fills.update({column: merged[column] for column in _ADDRESS})
    names = _other_names(keep, merged)
    if names is not None:
        fills["other_names"] = names
    return fills


def _refuse_conflicts(
    keep: dict[str, Any], merged: dict[str, Any], pair: queries.LockedPair
) -> None:
    if merged["shielded"] and not keep["shielded"]:
        raise BadInput(
            "a shielded record can be merged only into a shielded one: shield the record you"
            " keep first",
            field="mergeId",
        )
    if {int(keep["id"]), int(merged["id"])} <= pair.active_leads:
        raise BadInput(
            "both records have an active lead professional and a child has one: end one lead first",
            field="mergeId",
        )
    if keep["nhs_number"] and merged["nhs_number"] and keep["nhs_number"] != merged["nhs_number"]:
        raise BadInput(
            "the two records have different NHS numbers, so they are different children",
            field="mergeId",
        )


async def _tell(
    conn: AsyncConnection,
    merge: MergeRow,
    *,
    kind: str,
    shielded: bool,
    authority_id: int,
    told_by: uuid.UUID,
) -> None:
    """The people working with either record; for a shielded child, its team only."""
    if shielded:
        recipients = await inbox.management_team(conn, authority_id, except_user=told_by)
    else:
        found = set()
        for child in (merge.keep_child_id, merge.merged_child_id):
            found.update(await inbox.involved_practitioners(conn, child, except_user=told_by))
        recipients = sorted(found)
    await inbox.send(
        conn,
        recipients,
        child_id=merge.keep_child_id,
        kind=kind,
        payload={"mergeId": str(merge.id), "otherChildId": merge.merged_contact_point_id},
    )


def _signed_in(bench: Workbench) -> uuid.UUID:
    if bench.caller.user_id is None:
        raise Forbidden("only a signed-in person can merge or unmerge records")
    return bench.caller.user_id


async def merge_children(
    ctx: RequestContext, keep_id: str, merge_id: str, reason: str
) -> MergeView:
    bench = workbench(ctx)
    by = _signed_in(bench)
    keep_cp = contact_point_id(keep_id, "keepId")
    merged_cp = contact_point_id(merge_id, "mergeId")
    if keep_cp == merged_cp:
        raise BadInput("a record cannot be merged into itself", field="mergeId")
    why = _reason(reason)
    async with ctx.engine.begin() as conn:
        pair = await queries.lock_children(conn, [keep_cp, merged_cp])
        keep = _managed(bench, pair.rows.get(keep_cp), "keepId")
        merged = _managed(bench, pair.rows.get(merged_cp), "mergeId")
        _active(keep, "keepId")
        _active(merged, "mergeId")
        _refuse_conflicts(keep, merged, pair)
        keep_id_, merged_id_ = int(keep["id"]), int(merged["id"])
        fills = _fills(keep, merged)
        # The merged record gives its identifiers up first: each may be held once.
        await queries.mark_merged(conn, merged_id_, clear=list(fills))
        await queries.write_child(conn, keep_id_, fills)
        await queries.touch(conn, keep_id_)
        moved = await queries.move_rows(conn, keep=keep_id_, merged=merged_id_)
        moved["filled"] = sorted(fills)
        moved["provenance"] = await queries.copy_provenance(
            conn,
            keep=keep_id_,
            merged=merged_id_,
            fields=sorted({_PROVENANCE[column] for column in fills}),
        )
        after = await queries.snapshot(conn, keep_id_)
        new_id = await queries.insert_merge(
            conn,
            keep=keep_id_,
            merged=merged_id_,
            reason=why,
            merged_by=by,
            before={"keep": keep, "merged": merged},
            after=after,
            moved=moved,
        )
        merge = await queries.merge_by_id(conn, new_id)
        if merge is None:
            raise NotFound("the merge was not recorded", field="mergeId")
        await record(
            conn,
            ctx.actor,
            AuditEntry(
                action="CHILD_MERGED",
                subject_child_id=keep_id_,
                detail=_audit_detail(merge, why),
            ),
        )
        await _tell(
            conn,
            merge,
            kind=CHILD_MERGED,
            shielded=bool(after["shielded"]),
            authority_id=int(after["responsible_authority_id"]),
            told_by=by,
        )
    return MergeView.of(merge)


def _audit_detail(merge: MergeRow, reason: str | None) -> dict[str, Any]:
    moved = merge.moved
    detail: dict[str, Any] = {
        "mergeId": str(merge.id),
        "keepChildId": merge.keep_contact_point_id,
        "mergedChildId": merge.merged_contact_point_id,
        "filled": moved["filled"],
        "involvementsMoved": len(moved["involvements"]),
        "carersMoved": len(moved["carers"]),
        "sourceRecordsMoved": len(moved["sourceRecords"]),
    }
    if reason is not None:
        detail["reason"] = reason
    return detail


def _unchanged(now: dict[str, Any], then: dict[str, Any]) -> bool:
    # The shielded flag follows shielding episodes, which an unmerge does not touch.
    return {k: v for k, v in now.items() if k != "shielded"} == {
        k: v for k, v in then.items() if k != "shielded"
    }


async def _restore(conn: AsyncConnection, merge: MergeRow, keep_now: dict[str, Any]) -> None:
    keep_id, merged_id = merge.keep_child_id, merge.merged_child_id
    keep_before = merge.before["keep"]
    if _unchanged(keep_now, merge.after):
        await queries.write_child(conn, keep_id, {c: keep_before[c] for c in RESTORABLE})
    else:
        reverted = {
            column: keep_before[column]
            for column in merge.moved["filled"]
            if keep_now[column] == merge.after[column]
        }
        await queries.write_child(conn, keep_id, reverted)
        await queries.touch(conn, keep_id)
    merged_before = merge.before["merged"]
    await queries.write_child(conn, merged_id, {c: merged_before[c] for c in RESTORABLE})


async def unmerge_child(ctx: RequestContext, merge_id: str) -> MergeView:
    bench = workbench(ctx)
    by = _signed_in(bench)
    merged_cp = contact_point_id(merge_id, "mergeId")
    try:
        async with ctx.engine.begin() as conn:
            merge = await queries.active_merge_of(conn, merged_cp, lock=True)
            if merge is None:
                raise NotFound(
                    "that record is not merged into another (or not one your team manages)",
                    field="mergeId",
                )
            pair = await queries.lock_children(
                conn, [merge.keep_contact_point_id, merge.merged_contact_point_id]
            )
            keep_now = _managed(bench, pair.rows.get(merge.keep_contact_point_id), "mergeId")
            await _restore(conn, merge, keep_now)
            await queries.move_back(conn, merge)
            await queries.mark_unmerged(conn, merge.id, by)
            undone = await queries.merge_by_id(conn, merge.id)
            if undone is None:
                raise NotFound("that merge is gone", field="mergeId")
            await record(
                conn,
                ctx.actor,
                AuditEntry(
                    action="CHILD_UNMERGED",
                    subject_child_id=merge.keep_child_id,
                    detail=_audit_detail(undone, None),
                ),
            )
            await _tell(
                conn,
                undone,
                kind=CHILD_UNMERGED,
                shielded=bool(keep_now["shielded"]) or bool(merge.before["merged"]["shielded"]),
                authority_id=int(keep_now["responsible_authority_id"]),
                told_by=by,
            )
    except IntegrityError:
        # Only when another record has since taken an identifier the merged one gave up.
        raise BadInput(
            "the merged record's NHS number or UPN now belongs to another record: correct"
            " that record first",
            field="mergeId",
        ) from None
    return MergeView.of(undone)
