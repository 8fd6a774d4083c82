"""What a careful review found: each case a resident or attacker could reach."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.models import Comment, CommentStatus, Commitment
from portal.residents import network_key
from tests.forms import hidden_fields, send

PAGE = "/c/3.5.8"


def published(session, body="公开留言"):
    commitment = session.scalar(select(Commitment).where(Commitment.code == "3.5.8"))
    comment = Comment(
        commitment_id=commitment.id,
        resident_key="author",
        body=body,
        lang="zh",
        status=CommentStatus.PUBLISHED,
        needs_review=False,
    )
    session.add(comment)
    session.commit()
    return comment


def flag(app, comment_id):
    return send(
        app.test_client(), PAGE, f"/comments/{comment_id}/flag", {"reason": "spam"}
    )


def test_flags_bring_a_comment_back_to_the_queue_and_approval_resets_them(
    app, session, make_staff, shipped
):
    from portal.services import moderation

    comment = published(session)
    flag(app, comment.id)
    session.expire_all()
    assert session.get(Comment, comment.id).needs_review  # one flag: reviewed again
    flag(app, comment.id)
    flag(app, comment.id)
    session.expire_all()
    stored = session.get(Comment, comment.id)
    assert stored.status == CommentStatus.HIDDEN and stored.needs_review
    moderation.decide(session, comment.id, make_staff("moderator"), approve=True)
    flag(app, comment.id)  # one more flag after approval does not hide it again
    session.expire_all()
    stored = session.get(Comment, comment.id)
    assert stored.status == CommentStatus.PUBLISHED and stored.needs_review


def test_new_residents_behind_one_address_do_not_share_a_limit(app, shipped):
    app.config["LIMIT_COMMENT_RESIDENT"] = "1/minute"
    statuses = [
        send(
            app.test_client(), PAGE, f"{PAGE}/comments", {"body": f"第{n}位居民"}
        ).status_code
        for n in range(4)
    ]
    assert statuses == [303] * 4


def test_limits_are_not_published_but_retry_after_is(app, client, shipped):
    response = send(client, PAGE, f"{PAGE}/rating", {"score": "3"})
    assert not any(
        name.startswith("X-RateLimit") for name, _ in response.headers.items()
    )
    app.config["LIMIT_RATING_RESIDENT"] = "1/minute"
    send(client, PAGE, f"{PAGE}/rating", {"score": "4"})
    response = send(client, PAGE, f"{PAGE}/rating", {"score": "5"})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_a_time_token_cannot_be_replayed_on_another_card(client, session, shipped):
    other = hidden_fields(client.get("/c/2.1").get_data(as_text=True), "/c/2.1/rating")
    mine = hidden_fields(client.get(PAGE).get_data(as_text=True), f"{PAGE}/rating")
    response = client.post(
        f"{PAGE}/rating", data={**mine, "started": other["started"], "score": "5"}
    )
    assert response.status_code == 303
    from portal.models import Rating

    assert session.scalar(select(Rating.quarantined)) is True


@pytest.mark.parametrize("target", ["/\r\nX-Evil: 1", "/\x00", "/ok\\..\\"])
def test_switch_back_with_control_characters_goes_home(client, target):
    response = client.post("/settings", data={"lang": "en", "next": target})
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_language_switch_after_a_refused_form_returns_to_the_card(client, shipped):
    page = send(client, PAGE, f"{PAGE}/comments", {"body": "x"}).get_data(as_text=True)
    assert f'name="next" value="{PAGE}"' in page


def test_flagging_a_comment_that_is_not_public_reveals_nothing(
    client, session, shipped
):
    send(client, PAGE, f"{PAGE}/comments", {"body": "待审核的留言"})
    pending = session.scalar(select(Comment))
    token = hidden_fields(client.get(PAGE).get_data(as_text=True), f"{PAGE}/comments")
    response = client.post(
        f"/comments/{pending.id}/flag", data={"csrf_token": token["csrf_token"]}
    )
    assert response.status_code == 404


def test_public_pages_may_be_cached_but_per_visitor_pages_not(client, shipped):
    assert "private" not in client.get("/").headers.get("Cache-Control", "")
    assert client.get(PAGE).headers["Cache-Control"] == "private, no-store"
    assert client.get("/api/v1/commitments.csv").headers["Cache-Control"] == "no-store"


def test_refused_text_comes_back_without_control_characters(client, shipped):
    page = send(client, PAGE, f"{PAGE}/comments", {"body": "坏\x00字符"}).get_data(
        as_text=True
    )
    assert "\x00" not in page and "坏字符" in page


@pytest.mark.parametrize(
    "query",
    ["?_method=x", "?_external=1&_scheme=javascript", "?label=<b>", "?commitment=%00"],
)
def test_moderation_query_strings_cannot_break_the_queue(
    app, make_staff, sign_in, query
):
    client = app.test_client()
    sign_in(client, make_staff("moderator"))
    assert client.get(f"/moderation/{query}").status_code == 200


@pytest.mark.parametrize("value", ["²", "١٢", "99999999999999999999"])
def test_odd_digits_in_ids_are_refused_politely(app, make_staff, sign_in, value):
    client = app.test_client()
    sign_in(client, make_staff("administrator"))
    settings = client.get("/moderation/settings").get_data(as_text=True)
    token = hidden_fields(settings, "/moderation/settings/mode")["csrf_token"]
    response = client.post(
        "/moderation/decide",
        data={"csrf_token": token, "ids": value, "bulk": "approve"},
    )
    assert response.status_code == 303
    removed = client.post(
        "/moderation/settings/words/remove",
        data={"csrf_token": token, "word_id": value},
    )
    assert removed.status_code == 400


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2025-13-01"])
def test_extreme_audit_dates_are_ignored(app, make_staff, sign_in, day):
    client = app.test_client()
    sign_in(client, make_staff("administrator"))
    assert client.get(f"/moderation/audit?until={day}&since={day}").status_code == 200
    assert client.get(f"/moderation/audit.csv?until={day}").status_code == 200


def test_officials_land_on_a_page_they_may_open(app, make_staff, sign_in, shipped):
    client = app.test_client()
    response = sign_in(client, make_staff("official"))
    assert client.get(response.headers["Location"]).status_code == 200


def test_post_moderation_tells_the_author_it_is_published(
    app, client, session, shipped
):
    from portal.services import settings

    settings.put(session, "moderation_mode", "post")
    session.commit()
    send(client, PAGE, f"{PAGE}/comments", {"body": "马上公开的留言"})
    assert "谢谢，您的留言已公开" in client.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize(("hops", "expected"), [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_forwarded_addresses_are_trusted_only_behind_configured_proxies(
    make_app, hops, expected
):
    app = make_app(PROXY_HOPS=hops)
    seen = {}

    @app.get("/whoami")
    def whoami():
        from flask import request

        seen["addr"], seen["key"] = request.remote_addr, network_key()
        return ""

    whoami.access = "public"
    app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"})
    assert seen["addr"] == expected
