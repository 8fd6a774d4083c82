"""Static file URLs carry a hash of the file's content, so they can be cached a year.

`url_for("static", filename=...)` gains `?v=<hash>`; a request whose `v` matches
the file as it is now is answered as immutable for a year. Any other request for
a static file (no `v`, or one from an older page) keeps Flask's default: the
browser asks again each time and gets a 304 while the file is unchanged.
"""

from __future__ import annotations

import hashlib
import os

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

VERSION_ARG = "v"
# 16 hex digits: 64 bits, plenty to tell versions of one file apart.
DIGEST_LENGTH = 16
ONE_YEAR = 365 * 24 * 3600


class StaticVersions:
    """Content hashes of the static files, each computed once per process."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._hashes: dict[str, str | None] = {}

    def version(self, filename: str) -> str | None:
        """The hash prefix of a static file, or None when there is no such file."""
        if self.app.debug:
            # Files are being edited: hash afresh so a reload shows the change.
            return self._hash(filename)
        if filename not in self._hashes:
            self._hashes[filename] = self._hash(filename)
        return self._hashes[filename]

    def _hash(self, filename: str) -> str | None:
        folder = self.app.static_folder
        path = safe_join(folder, filename) if folder else None
        if path is None or not os.path.isfile(path):
            return None
        digest = hashlib.sha256()
        with open(path, "rb") as file:
            for block in iter(lambda: file.read(65536), b""):
                digest.update(block)
        return digest.hexdigest()[:DIGEST_LENGTH]


def _versions() -> StaticVersions:
    return current_app.extensions["static_versions"]


def _add_version(endpoint: str, values: dict) -> None:
    """Give every static URL the hash of the file it names."""
    if endpoint != "static" or VERSION_ARG in values or "filename" not in values:
        return
    if version := _versions().version(values["filename"]):
        values[VERSION_ARG] = version


def _cache_versioned(response: Response) -> Response:
    """A static file asked for by its current hash may be kept for a year."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    asked = request.args.get(VERSION_ARG)
    filename = (request.view_args or {}).get("filename")
    if not asked or not filename or asked != _versions().version(filename):
        return response
    cache = response.cache_control
    cache.no_cache = None
    cache.public = True
    cache.max_age = ONE_YEAR
    cache.immutable = True
    response.expires = None
    return response


def register(app: Flask) -> None:
    """Version the static URLs of this app and cache versioned requests for good."""
    app.extensions["static_versions"] = StaticVersions(app)
    app.url_defaults(_add_version)
    app.after_request(_cache_versioned)
