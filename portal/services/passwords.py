"""Staff password rules and hashing (argon2id), checked on the server."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from portal.models import Role

MIN_LENGTH = 12
MIN_LENGTH_ADMINISTRATOR = 15
MAX_LENGTH = 256
MIN_UNIQUE_CHARACTERS = 5

hasher = PasswordHasher()
# Verified against when the username is unknown, so both cases take as long.
_DUMMY_HASH = hasher.hash("not a real password, only for timing")


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords, shipped with zxcvbn (no network)."""
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problems(password: str, username: str, role: Role) -> list[str]:
    """Why a new password is not acceptable; empty when it is."""
    problems = []
    minimum = MIN_LENGTH_ADMINISTRATOR if role == Role.ADMINISTRATOR else MIN_LENGTH
    if len(password) < minimum:
        problems.append(_("Use at least %(n)s characters.", n=minimum))
    if len(password) > MAX_LENGTH:
        problems.append(_("Use at most %(n)s characters.", n=MAX_LENGTH))
    if len(set(password)) < MIN_UNIQUE_CHARACTERS:
        problems.append(
            _("Use at least %(n)s different characters.", n=MIN_UNIQUE_CHARACTERS)
        )
    if password.casefold() in common_passwords():
        problems.append(_("This password is too common."))
    if username and username.casefold() in password.casefold():
        problems.append(_("The password must not contain the username."))
    return problems


def hash_password(password: str) -> str:
    """An argon2id hash of the password exactly as typed."""
    return hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; takes as long for an unknown user."""
    try:
        return hasher.verify(password_hash or _DUMMY_HASH, password) and bool(
            password_hash
        )
    except (VerificationError, InvalidHashError):
        return False
