"""SQLModel tables: the directory's rows. API shapes live in `backend/schema/`, never here."""

from backend.db.tables.audit import AuditChainHead, AuditDaily, AuditDailyMark, AuditEvent
from backend.db.tables.caf import CafAssessment
from backend.db.tables.children import Carer, Child
from backend.db.tables.contact_requests import ContactRequest
from backend.db.tables.emergency_access import EmergencyAccess
from backend.db.tables.feeds import FeedSource, FeedSourceField, ImportRun, MatchReview
from backend.db.tables.involvements import Involvement, ServiceType
from backend.db.tables.linkage import GivenNameVariant, LinkageModel, LinkageWeight
from backend.db.tables.merges import ChildMerge
from backend.db.tables.notifications import Notification
from backend.db.tables.organisations import Organisation
from backend.db.tables.provenance import Provenance, SourceRecord
from backend.db.tables.shielding import Shielding
from backend.db.tables.users import ApiClient, ShieldingClock, UserAccount, UserRole, UserSession

__all__ = [
    "ApiClient",
    "AuditChainHead",
    "AuditDaily",
    "AuditDailyMark",
    "AuditEvent",
    "CafAssessment",
    "Carer",
    "Child",
    "ChildMerge",
    "ContactRequest",
    "EmergencyAccess",
    "FeedSource",
    "FeedSourceField",
    "GivenNameVariant",
    "ImportRun",
    "Involvement",
    "LinkageModel",
    "LinkageWeight",
    "MatchReview",
    "Notification",
    "Organisation",
    "Provenance",
    "ServiceType",
    "Shielding",
    "ShieldingClock",
    "SourceRecord",
    "UserAccount",
    "UserRole",
    "UserSession",
]
