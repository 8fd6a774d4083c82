"""Administrators' changes to the screening word lists."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.models import SensitiveWord, StaffUser
from portal.screening.text import clean_text
from portal.screening.words import WordList
from portal.services import audit, settings
from portal.services.screening import WORDLIST_VERSION


class WordListError(Exception):
    """The change cannot be made (duplicate or empty entry)."""


def _bump_version(session: Session) -> None:
    # Every process recompiles its word list when the version changes. A random
    # value, not a counter: two edits at once cannot end on the same number, and
    # a version is never reused after the setting is reset.
    settings.put(session, WORDLIST_VERSION, uuid.uuid4().hex)


def entries(session: Session) -> list[SensitiveWord]:
    """Every entry, by language, kind and word."""
    return list(
        session.scalars(
            select(SensitiveWord).order_by(
                SensitiveWord.lang, SensitiveWord.allow, SensitiveWord.word
            )
        )
    )


def add_word(
    session: Session, actor: StaffUser, word: str, lang: str, allow: bool
) -> SensitiveWord:
    """Add an entry; the change is in the audit log."""
    word = clean_text(word, single_line=True)
    try:
        # An entry of only separators ("***") would match nothing, or everything.
        WordList.from_entries([(word, lang)])
    except ValueError:
        raise WordListError("empty") from None
    entry = SensitiveWord(word=word, lang=lang, allow=allow)
    session.add(entry)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise WordListError("duplicate") from None
    _bump_version(session)
    audit.record(
        session,
        actor,
        "wordlist.add",
        entry,
        after={"word": word, "lang": lang, "allow": allow},
    )
    session.commit()
    return entry


def remove_word(session: Session, actor: StaffUser, word_id: int) -> None:
    """Remove an entry; the audit log keeps what it was."""
    entry = session.get(SensitiveWord, word_id)
    if entry is None:
        raise WordListError("missing")
    audit.record(
        session,
        actor,
        "wordlist.remove",
        entry,
        before={"word": entry.word, "lang": entry.lang, "allow": entry.allow},
    )
    session.delete(entry)
    _bump_version(session)
    session.commit()
