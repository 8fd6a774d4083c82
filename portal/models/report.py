"""A work report and the vocabularies its commitments use."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow


class Report(Base):
    """One year's government work report of one district."""

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    district_zh: Mapped[str] = mapped_column(String(100))
    district_en: Mapped[str] = mapped_column(String(100))
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    delivered_on: Mapped[date | None]
    is_current: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    areas: Mapped[list[Area]] = relationship(
        back_populates="report", order_by="Area.position"
    )


class Area(Base):
    """A part of the report: the main targets, or one of the areas of work."""

    __tablename__ = "area"
    __table_args__ = (UniqueConstraint("report_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    code: Mapped[str] = mapped_column(String(20))
    position: Mapped[int]
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))

    report: Mapped[Report] = relationship(back_populates="areas")


class Topic(Base):
    """What a commitment is about (schools, roads, charging...), across years."""

    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))


class Unit(Base):
    """A unit as the report writes it, and how to show it in English."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    label_zh: Mapped[str] = mapped_column(String(40))
    label_en: Mapped[str] = mapped_column(String(80))
    # 万亩 is shown in English as mu: the value is multiplied by 10000.
    en_scale: Mapped[Decimal] = mapped_column(Numeric(20, 4), default=1)
