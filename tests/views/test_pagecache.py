"""Public pages are kept rendered per language and revalidated by ETag; they
change as soon as what they show does, and never carry one visitor's state."""

from __future__ import annotations

import pytest
import redis
from sqlalchemy import select

from portal.models import Area, Comment, CommentStatus, Commitment, Rating
from portal.services import ratings
from tests.forms import hidden_fields, send


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


def test_a_change_made_by_another_process_shows_at_once(make_app, shipped):
    # Two processes without Redis: each keeps its own pages, the version is shared.
    reader, writer = make_app(), make_app()
    client = reader.test_client()
    before = client.get("/?q=3.5.8&lang=en")
    assert "by 1 resident" not in before.get_data(as_text=True)
    with writer.test_request_context():
        from portal.extensions import db

        target = db.session.scalar(select(Commitment).where(Commitment.code == "3.5.8"))
        ratings.rate(db.session, target, "someone", 4)
    after = client.get("/?q=3.5.8&lang=en")
    assert "Rated 4.0 out of 5 by 1 resident" in after.get_data(as_text=True)


def test_a_kept_commitment_page_gives_each_visitor_working_forms(app, session, shipped):
    url, action = "/c/3.5.8?lang=en", "/c/3.5.8/rating?lang=en"
    first, second = app.test_client(), app.test_client()
    page_one = first.get(url).get_data(as_text=True)
    page_two = second.get(url).get_data(as_text=True)
    assert "@@" not in page_two
    one, two = hidden_fields(page_one, action), hidden_fields(page_two, action)
    assert one["csrf_token"] != two["csrf_token"]
    response = second.post(action, data={**two, "score": "5"})
    assert response.status_code == 303
    kept = session.scalars(select(Rating)).all()
    assert [(r.score, r.quarantined) for r in kept] == [(5, False)]


def test_a_kept_commitment_page_never_shows_another_visitors_feedback(app, shipped):
    url = "/c/3.5.8?lang=en"
    rater, writer, stranger = app.test_client(), app.test_client(), app.test_client()
    stranger.get(url)  # the page is kept before anyone has feedback there
    send(rater, url, "/c/3.5.8/rating?lang=en", {"score": "2"})
    send(writer, url, "/c/3.5.8/comments?lang=en", {"body": "路灯什么时候修好？"})
    seen_by_rater = rater.get(url)
    assert "Your rating: Dissatisfied" in seen_by_rater.get_data(as_text=True)
    assert "no-store" in seen_by_rater.headers["Cache-Control"]
    assert "路灯什么时候修好" in writer.get(url).get_data(as_text=True)
    seen_by_stranger = stranger.get(url).get_data(as_text=True)
    assert "Your rating" not in seen_by_stranger
    assert "路灯什么时候修好" not in seen_by_stranger


def test_comment_text_that_looks_like_a_placeholder_is_shown_as_written(
    app, session, shipped
):
    target = session.scalar(select(Commitment).where(Commitment.code == "3.5.8"))
    text = "@@csrf@@ @@started:99@@ @@0123456789abcdef:started:0@@"
    session.add(
        Comment(
            commitment_id=target.id,
            resident_key="someone",
            body=text,
            lang="und",
            status=CommentStatus.PUBLISHED,
        )
    )
    session.commit()
    for _ in range(2):  # rendered and kept, then from the kept copy
        page = app.test_client().get("/c/3.5.8?lang=en")
        assert page.status_code == 200
        assert text in page.get_data(as_text=True)
