"""The card list is answered from the process's memory, before Flask's request
handling, only while nothing on it has changed and only to visitors who would
get exactly those bytes from the app."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.models import Commitment
from portal.services import ratings


@pytest.fixture
def handled(app):
    """The paths that went through Flask's request handling, in order."""
    seen: list[str] = []

    @app.before_request
    def count():
        from flask import request

        seen.append(request.full_path)

    return seen


def test_a_kept_card_list_is_answered_without_the_app(app, shipped, handled):
    first = app.test_client().get("/?lang=en")
    second = app.test_client().get("/?lang=en")
    assert handled == ["/?lang=en"]
    assert second.get_data() == first.get_data()
    assert second.headers == first.headers
    assert second.headers["Content-Security-Policy"]


def test_a_new_rating_is_shown_to_the_next_visitor(app, session, shipped, handled):
    app.test_client().get("/?q=3.5.8&lang=en")
    target = session.scalar(select(Commitment).where(Commitment.code == "3.5.8"))
    with app.test_request_context():
        ratings.rate(session, target, "someone", 2)
    after = app.test_client().get("/?q=3.5.8&lang=en")
    assert "Rated 2.0 out of 5 by 1 resident" in after.get_data(as_text=True)
    assert len(handled) == 2


@pytest.mark.parametrize(
    ("cookies", "headers", "expected"),
    [
        ({"lang": "en"}, {}, "Commitments"),
        ({}, {"Accept-Language": "en-GB,en;q=0.9"}, "Commitments"),
        ({}, {"Accept-Language": "zh-CN,zh;q=0.9"}, "承诺"),
        ({"elder": "1"}, {"Accept-Language": "en"}, 'class="elder"'),
    ],
)
def test_each_language_and_text_size_is_kept_apart(
    app, shipped, handled, cookies, headers, expected
):
    app.test_client().get("/")  # the plain page kept first
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    for _ in range(2):
        page = client.get("/", headers=headers).get_data(as_text=True)
        assert expected in page
    assert len(handled) == 2  # the plain page, then this kind once


def test_a_signed_in_official_never_gets_the_residents_copy(
    app, shipped, handled, make_staff, sign_in
):
    resident = app.test_client().get("/?lang=en").get_data(as_text=True)
    assert "Sign out" not in resident
    staff = app.test_client()
    sign_in(staff, make_staff("official"))
    seen = staff.get("/?lang=en").get_data(as_text=True)
    assert "Sign out" in seen


def test_a_message_waiting_in_the_session_is_shown(app, shipped, handled):
    app.test_client().get("/?lang=en")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Your rating is saved.")]
    assert "Your rating is saved." in client.get("/?lang=en").get_data(as_text=True)


def test_pages_with_forms_are_not_kept_here(app, shipped, handled):
    for _ in range(2):
        app.test_client().get("/c/3.5.8?lang=en")
    assert handled == ["/c/3.5.8?lang=en"] * 2


@pytest.mark.parametrize("with_session", [False, True])
def test_a_page_asked_for_under_another_host_is_never_shown_to_others(
    app, shipped, with_session
):
    """The page names its own address; another Host header gets its own copy."""

    def visitor():
        client = app.test_client()
        if with_session:  # past the front cache, into the shared page cache
            with client.session_transaction() as session:
                session["seen"] = True
        return client

    forged = visitor().get("/?lang=en", headers={"Host": "evil.example"})
    assert "http://evil.example/" in forged.get_data(as_text=True)
    page = visitor().get("/?lang=en").get_data(as_text=True)
    assert "evil.example" not in page
    assert 'hreflang="en" href="http://localhost/?lang=en"' in page


def test_a_head_request_gets_headers_only(app, shipped, handled):
    app.test_client().get("/?lang=en")
    head = app.test_client().head("/?lang=en")
    assert head.status_code == 200 and head.get_data() == b""
    assert len(handled) == 2
