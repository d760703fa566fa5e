"""Controlled vocabularies. The database CHECKs are generated from these tuples."""

ORGANISATION_KINDS = (
    "NATIONAL_TEAM",
    "LOCAL_AUTHORITY",
    "NATIONAL_PARTNER",
    "SCHOOL",
    "GP_PRACTICE",
    "HEALTH_SERVICE",
    "SOCIAL_CARE",
    "YOUTH_OFFENDING",
    "OTHER_SERVICE",
)
# EMERGENCY_DUTY: an authority's out-of-hours social worker, who may break the glass on a
# shielded record of that authority (backend/policy/emergency.py).
ROLES = ("PRACTITIONER", "MANAGER", "ADMINISTRATOR", "AUDITOR", "EMERGENCY_DUTY")
USER_STATUSES = ("INVITED", "ACTIVE", "SUSPENDED")
GENDERS = ("FEMALE", "MALE", "OTHER", "NOT_KNOWN")
# MERGED: found to be the same child as another record, which now holds its details;
# kept (not deleted) so an unmerge can restore it exactly.
CHILD_STATUSES = ("ACTIVE", "ARCHIVED", "MERGED")
CARER_RELATIONSHIPS = (
    "MOTHER",
    "FATHER",
    "STEP_PARENT",
    "GRANDPARENT",
    "AUNT_OR_UNCLE",
    "SIBLING",
    "FOSTER_CARER",
    "SPECIAL_GUARDIAN",
    "LOCAL_AUTHORITY",
    "OTHER",
)
CONSENT_GIVERS = ("YOUNG_PERSON", "PARENT_OR_CARER")
CAF_STATUSES = ("STARTED", "COMPLETED", "CLOSED")
CONTACT_REQUEST_STATUSES = ("PENDING", "ACCEPTED", "DECLINED")
SHIELDING_REASONS = ("DOMESTIC_VIOLENCE", "WITNESS_PROTECTION", "ADOPTION", "OTHER")
EMERGENCY_PURPOSES = ("CHILD_AT_IMMEDIATE_RISK", "POLICE_REQUEST", "MEDICAL_EMERGENCY", "OTHER")
EMERGENCY_OUTCOMES = ("JUSTIFIED", "NOT_JUSTIFIED")
SOURCES = ("SCHOOL_CENSUS", "NHS_DEMOGRAPHICS", "CHILD_BENEFIT", "LOCAL_AUTHORITY", "PRACTITIONER")

# (code, label, sensitive). Sensitive services are recorded only with informed consent and
# their nature is withheld from everyone but the recording organisation (SPEC section 3).
SERVICE_TYPES: tuple[tuple[str, str, bool], ...] = (
    ("EDUCATION_SETTING", "Education setting", False),
    ("EARLY_YEARS", "Early years setting", False),
    ("GP", "GP", False),
    ("HEALTH_VISITOR", "Health visitor", False),
    ("SCHOOL_NURSE", "School nurse", False),
    ("MIDWIFE", "Midwife", False),
    ("PAEDIATRICS", "Paediatrics", False),
    ("SPEECH_AND_LANGUAGE", "Speech and language therapy", False),
    ("SOCIAL_CARE", "Children's social care", False),
    ("FAMILY_SUPPORT", "Family support", False),
    ("EDUCATION_WELFARE", "Education welfare", False),
    ("SPECIAL_EDUCATIONAL_NEEDS", "Special educational needs", False),
    ("YOUTH_SUPPORT", "Youth support", False),
    ("YOUTH_OFFENDING", "Youth offending team", False),
    ("CAMHS", "Child and adolescent mental health services", True),
    ("SEXUAL_HEALTH", "Sexual health", True),
    ("SUBSTANCE_MISUSE", "Substance misuse", True),
)

# Data feeds (SPEC section 7). The fields a source can be given its own precedence on:
# "address" is address lines, town and postcode together, so they never mix sources.
FEED_FIELDS = (
    "given_names",
    "family_name",
    "other_names",
    "date_of_birth",
    "gender",
    "address",
    "nhs_number",
    "upn",
    "responsible_authority",
    "carers",
)
FEED_FORMATS = ("CSV", "JSONL")
IMPORT_RUN_STATUSES = ("RUNNING", "COMPLETED")
MATCH_REVIEW_STATUSES = ("PENDING", "SAME_CHILD", "DIFFERENT_CHILD")
