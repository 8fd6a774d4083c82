"""Static URLs carry a content hash; only requests by the current hash are immutable."""

from __future__ import annotations

import hashlib
import re

from flask import url_for

from portal import static_urls
from portal.config import ROOT


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[: static_urls.DIGEST_LENGTH]


def test_pages_link_static_files_by_content_hash(app):
    page = app.test_client().get("/about").get_data(as_text=True)

    expected = _digest(ROOT / "static" / "css" / "portal.css")
    assert f"/static/css/portal.css?v={expected}" in page
    assert not re.search(r"/static/[^\"']+\.(css|js|svg)[\"']", page)


def test_versioned_request_is_cached_for_a_year(app):
    client = app.test_client()
    version = _digest(ROOT / "static" / "css" / "portal.css")

    with client.get(f"/static/css/portal.css?v={version}") as response:
        assert response.status_code == 200
        cache = response.cache_control
    assert (cache.public, cache.max_age, cache.immutable) == (True, 31536000, True)
    assert not cache.no_cache


def test_unversioned_or_stale_request_is_revalidated(app):
    client = app.test_client()

    for url in ("/static/css/portal.css", "/static/css/portal.css?v=0123456789abcdef"):
        with client.get(url) as response:
            assert response.status_code == 200
            assert not response.cache_control.immutable
            assert response.cache_control.no_cache


def test_hash_changes_when_the_content_changes(make_app, tmp_path):
    (tmp_path / "site.css").write_text("body { color: black; }")

    def served_url():
        app = make_app()
        app.static_folder = str(tmp_path)
        with app.test_request_context():
            first = url_for("static", filename="site.css")
            assert url_for("static", filename="site.css") == first
        return app, first

    old_app, old_url = served_url()
    (tmp_path / "site.css").write_text("body { color: navy; }")
    new_app, new_url = served_url()

    assert old_url != new_url
    assert new_url == f"/static/site.css?v={_digest(tmp_path / 'site.css')}"
    # A process started before the change still hands out its hash, and a page
    # from it asks for content that is no longer there: not cached for good.
    client = new_app.test_client()
    with client.get(old_url) as stale, client.get(new_url) as current:
        assert not stale.cache_control.immutable
        assert current.cache_control.immutable


def test_missing_files_get_no_version(app):
    with app.test_request_context():
        assert url_for("static", filename="nope.css") == "/static/nope.css"
        # Outside the static folder: never read, never versioned.
        assert "v=" not in url_for("static", filename="../wsgi.py")
