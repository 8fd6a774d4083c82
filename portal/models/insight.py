"""Totals for the officials' dashboard, kept in step as feedback arrives.

Each can be rebuilt from the feedback tables (services.insight_totals.rebuild);
pages read these instead of counting a million ratings.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base


class FeedbackWeek(Base):
    """Per commitment and ISO week (its Monday): ratings given and comments."""

    __tablename__ = "feedback_week"

    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitment.id"), primary_key=True
    )
    week: Mapped[date] = mapped_column(primary_key=True)
    # Ratings given or changed that week (counted ones), and their sum.
    ratings: Mapped[int] = mapped_column(default=0)
    rating_total: Mapped[int] = mapped_column(default=0)
    # Published comments written that week, by sentiment.
    positive: Mapped[int] = mapped_column(default=0)
    negative: Mapped[int] = mapped_column(default=0)
    unclear: Mapped[int] = mapped_column(default=0)


class Participant(Base):
    """A resident who rated or commented within a scope ("district", "area:3")."""

    __tablename__ = "participant"

    scope: Mapped[str] = mapped_column(String(24), primary_key=True)
    resident_key: Mapped[str] = mapped_column(String(64), primary_key=True)


class ParticipantCount(Base):
    """How many distinct residents took part in a scope: the sum of its shards.

    A new resident adds one to a shard picked at random, so on PostgreSQL the
    writers of different residents seldom wait for one row's lock (every new
    resident counts in the district scope).
    """

    __tablename__ = "participant_count_shard"

    scope: Mapped[str] = mapped_column(String(24), primary_key=True)
    shard: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(default=0)


class ThemeSummary(Base):
    """The themes of a scope's published comments, as last computed.

    Segmenting thousands of comments takes seconds, so `flask insights themes`
    computes them (after a demo load, or on a schedule) and pages read them.
    """

    __tablename__ = "theme_summary"

    # "district", "area:<id>" or "commitment:<id>".
    scope: Mapped[str] = mapped_column(String(24), primary_key=True)
    computed_at: Mapped[datetime]
    # Published comments read, of which positive and negative were compared.
    comments: Mapped[int]
    # portal.insights.themes.CommitmentThemes.as_dict(), as JSON.
    data: Mapped[str] = mapped_column(Text)
