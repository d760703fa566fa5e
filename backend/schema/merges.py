"""A merge of two records of one child: which two, who, why, and what moved."""

from datetime import datetime

import strawberry

from backend.services.merges import MergeView


@strawberry.type(
    description="Two records found to be the same child: the merged one's details and"
    " involvements are on the kept one until the merge is undone."
)
class ChildMerge:
    id: strawberry.ID
    keep_child_id: strawberry.ID = strawberry.field(
        description="The ContactPoint ID of the record kept."
    )
    merged_child_id: strawberry.ID = strawberry.field(
        description="The ContactPoint ID of the record merged into it (status MERGED)."
    )
    reason: str
    merged_by: str
    merged_at: datetime
    unmerged_by: str | None
    unmerged_at: datetime | None
    filled_fields: list[str] = strawberry.field(
        description="Fields the kept record lacked and took from the merged one."
    )
    involvements_moved: int
    carers_moved: int
    source_records_moved: int

    @classmethod
    def from_view(cls, view: MergeView) -> "ChildMerge":
        return cls(
            id=strawberry.ID(str(view.id)),
            keep_child_id=strawberry.ID(view.keep_child_id),
            merged_child_id=strawberry.ID(view.merged_child_id),
            reason=view.reason,
            merged_by=view.merged_by,
            merged_at=view.merged_at,
            unmerged_by=view.unmerged_by,
            unmerged_at=view.unmerged_at,
            filled_fields=view.filled_fields,
            involvements_moved=view.involvements_moved,
            carers_moved=view.carers_moved,
            source_records_moved=view.source_records_moved,
        )
