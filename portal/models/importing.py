"""A report's text drafted into commitments, waiting for an administrator's review."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow
from portal.models.commitment import Phrasing, portable_enum


class ImportBatch(Base):
    """One uploaded (or command-line) report text and its drafts."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The plan year read from the text; the administrator may correct it.
    year: Mapped[int]
    filename: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the reviewed drafts became commitments of a report.
    published_at: Mapped[datetime | None]
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"))

    drafts: Mapped[list[DraftCommitment]] = relationship(
        back_populates="batch",
        order_by="DraftCommitment.position",
        cascade="all, delete-orphan",
    )


class DraftCommitment(Base):
    """One drafted commitment, as extracted and then edited by a reviewer."""

    __tablename__ = "draft_commitment"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(20))
    # The area it stands in: code ("3.5") and heading as the report words it.
    area_code: Mapped[str] = mapped_column(String(20))
    area_title: Mapped[str] = mapped_column(Text)
    quote_zh: Mapped[str] = mapped_column(Text)
    indicator: Mapped[str] = mapped_column(Text, default="")
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    # The card's summaries as the reviewer writes them; empty: the quote, the title.
    summary_zh: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    # A topic's key chosen by the reviewer; None: guessed from the words at publish.
    topic_key: Mapped[str | None] = mapped_column(String(40))
    # Units' keys chosen by the reviewer; None: guessed from unit_zh at publish.
    unit_key: Mapped[str | None] = mapped_column(String(40))
    baseline_unit_key: Mapped[str | None] = mapped_column(String(40))
    # True until a person has written or accepted the English.
    needs_english: Mapped[bool] = mapped_column(default=True)
    target_value: Mapped[Decimal | None] = mapped_column(Numeric(20, 4))
    # The unit as the report writes it ("个", "万亩", "%").
    unit_zh: Mapped[str | None] = mapped_column(String(40))
    phrasing: Mapped[Phrasing] = mapped_column(portable_enum(Phrasing, "phrasing"))
    baseline_value: Mapped[Decimal | None] = mapped_column(Numeric(20, 4))
    baseline_unit_zh: Mapped[str | None] = mapped_column(String(40))
    baseline_quote_zh: Mapped[str | None] = mapped_column(Text)
    dropped: Mapped[bool] = mapped_column(default=False)

    batch: Mapped[ImportBatch] = relationship(back_populates="drafts")
