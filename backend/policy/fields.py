"""The field table: every field of a child-facing type, and the group whose rule covers it.

A reader checks this table against SPEC section 3. A test fails when a field of `Child`
or `Involvement` has no row here, so a new column cannot reach the API unprotected.
"""

from enum import StrEnum


class Reason(StrEnum):
    SHIELDED = "SHIELDED"
    ROLE = "ROLE"
    SCOPE = "SCOPE"
    CONSENT = "CONSENT"
    SUMMARY = "SUMMARY"  # a search result shows a summary: open the record for the rest


class Group(StrEnum):
    IDENTITY = "IDENTITY"  # every authorised caller, shielded or not
    AUTHORITY = "AUTHORITY"  # every authorised caller: whom to call about a shielded child
    LOCATION = "LOCATION"  # practitioners; withheld on shielded records
    CARERS = "CARERS"
    INVOLVEMENTS = "INVOLVEMENTS"
    CAF = "CAF"
    MATCHING = "MATCHING"  # management team of the responsible authority, administrators
    OWN = "OWN"  # the caller's own involvements: every signed-in person, never a partner
    META = "META"  # the record's own bookkeeping (the withheld list itself)


CHILD_FIELDS: dict[str, Group] = {
    "id": Group.META,  # the ID the caller asked by
    "contactPointId": Group.IDENTITY,
    "givenNames": Group.IDENTITY,
    "familyName": Group.IDENTITY,
    "otherNames": Group.IDENTITY,
    "dateOfBirth": Group.IDENTITY,
    "gender": Group.IDENTITY,
    "shielded": Group.IDENTITY,
    "responsibleAuthority": Group.AUTHORITY,
    "address": Group.LOCATION,
    "postcode": Group.LOCATION,
    "town": Group.LOCATION,
    "postcodeDistrict": Group.LOCATION,
    "parentsAndCarers": Group.CARERS,
    "involvements": Group.INVOLVEMENTS,
    "involvementHistory": Group.INVOLVEMENTS,
    "myInvolvements": Group.OWN,
    "emergencyAccess": Group.OWN,  # the caller's own open emergency grant on this child
    "caf": Group.CAF,
    "nhsNumber": Group.MATCHING,
    "upn": Group.MATCHING,
    "status": Group.MATCHING,
    "withheld": Group.META,
    "__typename": Group.META,
}

# Within a disclosed involvement, only the nature of a sensitive service is ever withheld.
INVOLVEMENT_FIELDS: dict[str, str] = {
    "id": "contact",
    "organisation": "contact",
    "serviceType": "nature",
    "serviceTypeLabel": "nature",
    "practitionerName": "contact",
    "practitionerRole": "contact",
    "phone": "contact",
    "email": "contact",
    "startDate": "contact",
    "endDate": "contact",
    "leadProfessional": "contact",
    "recordedBy": "contact",
    "endedBy": "contact",
    "withheld": "meta",
    "__typename": "meta",
}

# What a search result shows: enough to pick the right child (SPEC section 4).
SEARCH_SUMMARY_FIELDS = frozenset(
    {
        "id",
        "contactPointId",
        "givenNames",
        "familyName",
        "otherNames",
        "dateOfBirth",
        "gender",
        "shielded",
        "responsibleAuthority",
        "town",
        "postcodeDistrict",
        "withheld",
        "__typename",
    }
)

# Fields a partner client may be granted. Matching identifiers are never among them.
GRANTABLE_TO_CLIENTS = frozenset(
    name
    for name, group in CHILD_FIELDS.items()
    if group not in (Group.MATCHING, Group.META, Group.OWN)
)
