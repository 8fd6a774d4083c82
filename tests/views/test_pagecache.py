"""The card list is kept rendered per language and revalidated by ETag; it
changes as soon as what it shows does, and never carries one visitor's state."""

from __future__ import annotations

import pytest
import redis
from sqlalchemy import select

from portal.models import Area, Commitment
from portal.services import ratings


def test_a_reader_who_has_the_page_gets_a_304(client, shipped):
    first = client.get("/?lang=en")
    assert first.status_code == 200
    assert first.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"]
    again = client.get("/?lang=en", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_languages_and_text_sizes_are_kept_apart(client, shipped):
    en, zh = client.get("/?lang=en"), client.get("/?lang=zh")
    assert en.headers["ETag"] != zh.headers["ETag"]
    assert "Commitments" in en.get_data(as_text=True)
    client.set_cookie("elder", "1")
    elder = client.get("/?lang=en")
    assert elder.headers["ETag"] != en.headers["ETag"]
    assert 'class="elder"' in elder.get_data(as_text=True)


def test_a_new_rating_changes_the_page_at_once(app, client, session, shipped):
    before = client.get("/?q=3.5.8&lang=en")
    target = session.scalar(select(Commitment).where(Commitment.code == "3.5.8"))
    with app.test_request_context():
        ratings.rate(session, target, "someone", 2)
    after = client.get(
        "/?q=3.5.8&lang=en", headers={"If-None-Match": before.headers["ETag"]}
    )
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "Rated 2.0 out of 5 by 1 resident" in after.get_data(as_text=True)


def test_renaming_an_area_changes_the_page(client, session, shipped):
    before = client.get("/?lang=en")
    area = session.scalar(select(Area).where(Area.code == "3.5"))
    area.name_en = "Renamed area of work"
    session.commit()
    after = client.get("/?lang=en")
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "Renamed area of work" in after.get_data(as_text=True)


def test_staff_pages_are_never_kept_for_residents(app, make_staff, sign_in, shipped):
    staff_client = app.test_client()
    sign_in(staff_client, make_staff("moderator"))
    seen_by_staff = staff_client.get("/?lang=en")
    assert "ETag" not in seen_by_staff.headers
    assert "Sign out" in seen_by_staff.get_data(as_text=True)
    resident = app.test_client().get("/?lang=en").get_data(as_text=True)
    assert "Sign out" not in resident and "sign-out-csrf" not in resident


def test_processes_share_the_cache_through_redis(make_app, shipped):
    server = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    try:
        server.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running")
    server.flushdb()
    settings = {"REDIS_URL": "redis://127.0.0.1:6379/15"}
    one, two = make_app(**settings), make_app(**settings)
    first = one.test_client().get("/?lang=en")
    assert any(key.startswith(b"portal:page:") for key in server.scan_iter())
    second = two.test_client().get("/?lang=en")
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.get_data() == first.get_data()
    server.flushdb()
