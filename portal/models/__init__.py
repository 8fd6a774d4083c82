"""All models, imported here so Alembic and the app see one metadata."""

from portal.models.commitment import Commitment, Phrasing, ProgressUpdate, Status
from portal.models.feedback import (
    Comment,
    CommentStatus,
    Flag,
    FlagReason,
    Rating,
    RatingChange,
    RatingSummary,
)
from portal.models.report import Area, Report, Topic, Unit
from portal.models.setting import Setting

__all__ = [
    "Area",
    "Comment",
    "CommentStatus",
    "Commitment",
    "Flag",
    "FlagReason",
    "Phrasing",
    "ProgressUpdate",
    "Rating",
    "RatingChange",
    "RatingSummary",
    "Report",
    "Setting",
    "Status",
    "Topic",
    "Unit",
]
