"""Screening of every new comment: labels and explanations for the moderator.

Screening never deletes or rejects: it labels, and held comments wait for a
moderator even when the site publishes clean comments at once.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.models import Comment, SensitiveWord
from portal.screening.signals import link_count, looks_repetitive
from portal.screening.words import WordList, load_default_lists, shipped_entries
from portal.services import settings

# A resident sending this many comments within BURST_WINDOW is unusual; a
# network (many phones behind one carrier address) gets far more room.
BURST_WINDOW = timedelta(minutes=10)
BURST_RESIDENT = 5
BURST_NETWORK = 40
# The same text again from the same resident within this time.
DUPLICATE_WINDOW = timedelta(minutes=5)
# The same text from this many residents within a day looks like a campaign.
CAMPAIGN_RESIDENTS = 3
# Labels that keep a comment from appearing before a moderator has seen it.
HOLDING = {"sensitive", "links", "repetitive", "burst", "duplicate", "bot"}

WORDLIST_VERSION = "wordlist_version"


@dataclass
class Screening:
    """What screening found: one {label, ...} explanation per finding."""

    findings: list[dict] = field(default_factory=list)

    def add(self, label: str, **detail) -> None:
        self.findings.append({"label": label, **detail})

    @property
    def labels(self) -> list[str]:
        return [f["label"] for f in self.findings]

    @property
    def holds(self) -> bool:
        """Whether a moderator must see it before anyone else does."""
        return bool(HOLDING & set(self.labels))

    def stored_labels(self) -> str:
        """Space-separated, with a space at each end, so a filter can match words."""
        return f" {' '.join(self.labels)} " if self.findings else ""

    def stored_findings(self) -> str:
        return json.dumps(self.findings, ensure_ascii=False)


# (database, version) -> compiled list; replaced whole, never changed in place,
# so threads reading it never see it half-built.
_compiled: tuple[tuple[str, str], WordList] | None = None


def word_list(session: Session) -> WordList:
    """The administrators' word lists, compiled once per change (per process)."""
    global _compiled
    version = settings.get(session, WORDLIST_VERSION)
    if version is None:
        return load_default_lists()
    key = (str(session.get_bind().url), version)
    compiled = _compiled
    if compiled is None or compiled[0] != key:
        rows = session.execute(
            select(SensitiveWord.word, SensitiveWord.lang, SensitiveWord.allow)
        ).all()
        words = WordList.from_entries(
            [(w, lang) for w, lang, allow in rows if not allow],
            [w for w, _lang, allow in rows if allow],
        )
        compiled = _compiled = (key, words)
    return compiled[1]


def seed_word_lists(session: Session) -> int:
    """Store the shipped lists for administrators to edit, once; returns rows added."""
    if settings.get(session, WORDLIST_VERSION) is not None:
        return 0
    rows = shipped_entries()
    session.add_all(
        SensitiveWord(word=word, lang=lang, allow=allow) for word, lang, allow in rows
    )
    settings.put(session, WORDLIST_VERSION, uuid.uuid4().hex)
    session.commit()
    return len(rows)


def screen(
    session: Session,
    *,
    body: str,
    display_name: str | None,
    masked: frozenset[str],
    resident_key: str,
    network_key: str | None,
    quarantined: bool,
) -> Screening:
    """Look at a new comment (already masked) the way a careful moderator would."""
    found = Screening()
    words = word_list(session)
    hits = words.find(body) + (words.find(display_name) if display_name else [])
    if hits:
        found.add("sensitive", words=sorted({h.word for h in hits}))
    if masked:
        found.add("personal_data", kinds=sorted(masked))
    if links := link_count(body):
        found.add("links", count=links)
    if looks_repetitive(body):
        found.add("repetitive")
    now = utcnow()
    recent = select(func.count()).where(Comment.created_at >= now - BURST_WINDOW)
    mine = session.scalar(recent.where(Comment.resident_key == resident_key))
    network = (
        session.scalar(recent.where(Comment.network_key == network_key))
        if network_key
        else 0
    )
    if mine >= BURST_RESIDENT or network >= BURST_NETWORK:
        found.add("burst", count=max(mine, network))
    same_text = select(func.count(func.distinct(Comment.resident_key))).where(
        Comment.body == body
    )
    again = session.scalar(
        same_text.where(
            Comment.resident_key == resident_key,
            Comment.created_at >= now - DUPLICATE_WINDOW,
        )
    )
    others = session.scalar(
        same_text.where(Comment.created_at >= now - timedelta(days=1))
    )
    if again or others >= CAMPAIGN_RESIDENTS - 1:
        found.add("duplicate", residents=others + 1)
    if quarantined:
        found.add("bot")
    return found
