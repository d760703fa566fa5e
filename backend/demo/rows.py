"""The shape of the demo's bulk rows: column orders for COPY, and a batch of them."""

from dataclasses import dataclass, field
from typing import Any

Row = tuple[Any, ...]

CHILD_COLUMNS = (
    "id", "contact_point_id", "given_names", "family_name", "other_names", "date_of_birth",
    "gender", "address_line1", "address_line2", "town", "postcode", "nhs_number", "upn",
    "responsible_authority_id", "status",
)  # fmt: skip
CARER_COLUMNS = (
    "id", "child_id", "name", "relationship", "parental_responsibility", "phone",
    "address_line1", "address_line2", "town", "postcode",
)  # fmt: skip
INVOLVEMENT_COLUMNS = (
    "id", "child_id", "organisation_id", "service_type", "sensitive", "practitioner_user_id",
    "practitioner_name", "practitioner_role", "phone", "email", "start_date", "end_date",
    "is_lead", "consent_given_by", "consent_given_on", "consent_recorded_by", "ended_at",
    "recorded_by",
)  # fmt: skip
CAF_COLUMNS = (
    "child_id", "status", "started_on", "completed_on", "closed_on", "holder_organisation_id",
    "holder_name", "holder_phone", "holder_email",
)  # fmt: skip
SHIELDING_COLUMNS = (
    "id", "child_id", "reason", "note", "review_date", "shielded_by", "shielded_at",
)  # fmt: skip
SOURCE_RECORD_COLUMNS = ("source", "source_key", "child_id")
PROVENANCE_COLUMNS = ("child_id", "field", "source")


@dataclass(slots=True)
class Batch:
    """The rows for a run of consecutive children, one list per table."""

    children: list[Row] = field(default_factory=list)
    carers: list[Row] = field(default_factory=list)
    involvements: list[Row] = field(default_factory=list)
    cafs: list[Row] = field(default_factory=list)
    shieldings: list[Row] = field(default_factory=list)
    source_records: list[Row] = field(default_factory=list)
    provenance: list[Row] = field(default_factory=list)

    def tables(self) -> tuple[tuple[str, tuple[str, ...], list[Row]], ...]:
        """(table, columns, rows) in an order that satisfies the foreign keys."""
        return (
            ("child", CHILD_COLUMNS, self.children),
            ("carer", CARER_COLUMNS, self.carers),
            ("involvement", INVOLVEMENT_COLUMNS, self.involvements),
            ("caf_assessment", CAF_COLUMNS, self.cafs),
            ("shielding", SHIELDING_COLUMNS, self.shieldings),
            ("source_record", SOURCE_RECORD_COLUMNS, self.source_records),
            ("provenance", PROVENANCE_COLUMNS, self.provenance),
        )

    def row_count(self) -> int:
        return sum(len(rows) for _, _, rows in self.tables())
