"""All models, imported here so Alembic and the app see one metadata."""

from portal.models.commitment import Commitment, Phrasing, ProgressUpdate, Status
from portal.models.report import Area, Report, Topic, Unit

__all__ = [
    "Area",
    "Commitment",
    "Phrasing",
    "ProgressUpdate",
    "Report",
    "Status",
    "Topic",
    "Unit",
]
