"""The version of what public pages show, kept as a few counters."""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base


class PageVersion(Base):
    """One of a few counters whose sum changes whenever a public page would.

    A writer bumps one shard, picked at random, in its own transaction, so
    writers on PostgreSQL seldom wait for each other's row lock, and a reader
    needs one small query to know whether a kept page is still right.
    """

    __tablename__ = "page_version"

    shard: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(BigInteger, default=0)
