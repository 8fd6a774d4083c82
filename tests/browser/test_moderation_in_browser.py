"""A moderator clears a queue of demonstration comments with the keyboard alone."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Comment, CommentStatus, Commitment, Role
from portal.services import staff
from tests.browser.conftest import axe_violations
from tests.conftest import STAFF_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def queue_of_three(live_app):
    """A moderator and three demonstration comments waiting, unique to this test."""
    tag = uuid.uuid4().hex[:6]
    with live_app.test_request_context():
        moderator = staff.create_user(
            db.session, f"mod-{tag}", STAFF_PASSWORD, Role.MODERATOR
        )
        commitment = db.session.scalar(
            select(Commitment).where(Commitment.code == "2.1")
        )
        ids = []
        for n, body in enumerate(
            ("经济增长要落实到就业上", "GDP target seems fine", "广告：加微信领红包")
        ):
            comment = Comment(
                commitment_id=commitment.id,
                resident_key=f"demo-{tag}-{n}",
                body=f"{body} {tag}",
                lang="zh" if n != 1 else "en",
                status=CommentStatus.PENDING,
                is_demo=True,
            )
            db.session.add(comment)
            db.session.flush()
            ids.append(comment.id)
        db.session.commit()
    yield moderator.username, ids, tag
    with live_app.app_context():
        # Leave nothing waiting for the next test.
        for comment in db.session.scalars(select(Comment).where(Comment.id.in_(ids))):
            comment.needs_review = False
        db.session.commit()


def sign_in(page, username: str, lang: str) -> None:
    page.goto(f"/staff/sign-in?lang={lang}")
    page.keyboard.press("Tab")
    page.locator("#username").fill(username)
    page.locator("#password").fill(STAFF_PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url("**/moderation/**")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_queue_cleared_with_the_keyboard(
    browser, live_server, live_app, queue_of_three, lang
):
    username, ids, tag = queue_of_three
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server, bypass_csp=True
    )
    page = context.new_page()
    sign_in(page, username, lang)
    # Other browser tests leave comments on other cards: keep to this one.
    page.goto(f"/moderation/?commitment=2.1&lang={lang}")
    assert axe_violations(page) == []
    heading = {"zh": "待审队列", "en": "Moderation queue"}[lang]
    assert page.locator("h1").inner_text() == heading

    for _ in range(2):  # approve the first two with j then a
        page.keyboard.press("j")
        with page.expect_navigation():
            page.keyboard.press("a")
    page.keyboard.press("j")
    page.keyboard.press("r")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # advertising or spam
    page.keyboard.press("Tab")  # to the note
    page.keyboard.press("Tab")  # to the reject button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert tag not in page.locator("main").inner_text()

    with live_app.app_context():
        decided = {
            c.id: (c.status, c.reject_reason)
            for c in db.session.scalars(select(Comment).where(Comment.id.in_(ids)))
        }
    assert [decided[i][0] for i in ids] == [
        CommentStatus.PUBLISHED,
        CommentStatus.PUBLISHED,
        CommentStatus.REJECTED,
    ]
    assert decided[ids[2]][1].value == "spam"

    page.goto(f"/transparency?lang={lang}")
    assert axe_violations(page) == []
    context.close()
