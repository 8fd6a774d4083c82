"""All models, imported here so Alembic and the app see one metadata."""

from portal.models.audit import AuditEvent
from portal.models.commitment import Commitment, Phrasing, ProgressUpdate, Status
from portal.models.feedback import (
    Comment,
    CommentStatus,
    Flag,
    FlagReason,
    Rating,
    RatingChange,
    RatingSummary,
    RejectReason,
)
from portal.models.importing import DraftCommitment, ImportBatch
from portal.models.insight import (
    FeedbackWeek,
    Participant,
    ParticipantCount,
    ThemeSummary,
)
from portal.models.pageversion import PageVersion
from portal.models.reply import Reply, ReplyVerdict, VerdictReason
from portal.models.report import Area, Report, Topic, Unit
from portal.models.setting import SensitiveWord, Setting
from portal.models.staff import Role, StaffSession, StaffUser

__all__ = [
    "Area",
    "AuditEvent",
    "Comment",
    "CommentStatus",
    "Commitment",
    "DraftCommitment",
    "FeedbackWeek",
    "Flag",
    "FlagReason",
    "ImportBatch",
    "Participant",
    "PageVersion",
    "ParticipantCount",
    "Phrasing",
    "ProgressUpdate",
    "Rating",
    "RatingChange",
    "RatingSummary",
    "RejectReason",
    "Reply",
    "ReplyVerdict",
    "Report",
    "Role",
    "SensitiveWord",
    "Setting",
    "StaffSession",
    "StaffUser",
    "Status",
    "ThemeSummary",
    "Topic",
    "Unit",
    "VerdictReason",
]
