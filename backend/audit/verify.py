"""`audit verify`: recompute every hash chain and name the first broken link of each.

Deleting, reordering or editing any event, or cutting a chain's tail, breaks a chain:
positions are gapless, each hash covers the previous one, and each chain's head records
its last position and hash.
"""

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

GENESIS = bytes(32)

_EVENTS = text(
    "SELECT e.id, e.chain, e.chain_seq, e.prev_hash, e.hash, audit_canonical(e) AS canonical"
    " FROM audit_event e ORDER BY e.chain, e.chain_seq"
)
_HEADS = text("SELECT chain, last_seq, last_hash FROM audit_chain_head ORDER BY chain")


@dataclass
class VerifyReport:
    events: int = 0
    chains: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _ChainState:
    seq: int = 0
    hash: bytes = GENESIS
    broken: bool = False


async def verify(conn: AsyncConnection) -> VerifyReport:
    """Every chain up to the head read first. The log is written while this runs: events
    appended after the heads were read are checked link by link like the rest, and the
    end of each chain is judged at the position its head named, so traffic never looks
    like a cut tail, while a cut tail (or a gap, once the chain has grown past it) still
    shows."""
    report = VerifyReport()
    heads = {
        chain: (last_seq, bytes(last_hash))
        for chain, last_seq, last_hash in (await conn.execute(_HEADS)).all()
    }
    report.chains = len(heads)
    states: dict[int, _ChainState] = {}
    at_head: dict[int, bytes] = {}
    result = await conn.stream(_EVENTS)
    async for row in result:
        report.events += 1
        state = states.setdefault(row.chain, _ChainState())
        if state.broken:
            continue
        problem = None
        if row.chain_seq != state.seq + 1:
            problem = f"expected position {state.seq + 1}, found {row.chain_seq} (event missing)"
        elif bytes(row.prev_hash) != state.hash:
            problem = "its previous-hash does not match the event before it"
        elif hashlib.sha256(bytes(row.prev_hash) + row.canonical.encode()).digest() != bytes(
            row.hash
        ):
            problem = "its content does not match its hash (edited after writing)"
        if problem:
            state.broken = True
            report.problems.append(
                f"chain {row.chain} broken at position {row.chain_seq} (event {row.id}): {problem}"
            )
            continue
        state.seq, state.hash = row.chain_seq, bytes(row.hash)
        if row.chain in heads and row.chain_seq == heads[row.chain][0]:
            at_head[row.chain] = state.hash
    for chain, (last_seq, last_hash) in sorted(heads.items()):
        state = states.get(chain, _ChainState())
        if state.broken:
            continue
        if state.seq < last_seq or at_head.get(chain, GENESIS) != last_hash:
            report.problems.append(
                f"chain {chain} ends at position {state.seq} but its head says {last_seq}"
                " (events removed from the end)"
            )
    return report
