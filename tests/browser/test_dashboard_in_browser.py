"""An official on a desktop sees what residents are unhappy with and why,
answers a comment, posts progress and downloads the comments."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Comment, CommentStatus, Commitment, Role
from portal.services import insight_totals, ratings, staff, themes
from portal.services.commitments import current_report
from tests.browser.conftest import axe_violations
from tests.conftest import STAFF_PASSWORD

pytestmark = pytest.mark.browser

CODE = "3.6.2"
COMPLAINTS = (
    "公交站台太少，等车要很久",
    "公交线路太少，等车太久了",
    "等车太久，公交不准时",
)


@pytest.fixture
def unhappy_residents(live_app):
    """Low ratings and published complaints on one commitment; an official."""
    tag = uuid.uuid4().hex[:6]
    with live_app.test_request_context():
        session = db.session
        official = staff.create_user(
            session, f"official-{tag}", STAFF_PASSWORD, Role.OFFICIAL,
            department="区交通运输局",
        )  # fmt: skip
        target = session.scalar(select(Commitment).where(Commitment.code == CODE))
        target.department = "区交通运输局"  # the official's own commitment
        for n in range(12):
            ratings.rate(session, target, f"browser-{tag}-{n}", 1 + n % 2)
        for body in COMPLAINTS:
            comment = Comment(
                commitment_id=target.id,
                resident_key=f"browser-{tag}-{body}",
                body=f"{body} {tag}",
                lang="zh",
                status=CommentStatus.PUBLISHED,
                sentiment="negative",
                sentiment_score=-0.9,
                needs_review=False,
            )
            session.add(comment)
            session.flush()
            insight_totals.count_comment(session, comment, +1)
        session.commit()
        themes.refresh(session, current_report(session).id)
    return official.username, tag


def test_official_acts_on_what_residents_say(browser, live_server, unhappy_residents):
    username, tag = unhappy_residents
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        base_url=live_server,
        bypass_csp=True,
        accept_downloads=True,
    )
    page = context.new_page()
    page.goto("/staff/sign-in?lang=en")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Dashboard", exact=True).click()
    assert axe_violations(page) == []
    lowest = page.locator("#lowest + ol")
    assert CODE in lowest.inner_text()
    lowest.get_by_role("link").filter(has_text=CODE).click()
    page.wait_for_url(f"**/dashboard/c/{CODE}**")
    assert axe_violations(page) == []
    themes_text = page.locator("#themes-title + p + .theme-grid").inner_text()
    assert "等车" in themes_text

    page.locator("#waiting + p + ul a").first.click()
    page.wait_for_url("**/reply**")
    assert axe_violations(page) == []
    page.get_by_label("Your department's reply").fill(
        "已增开两条公交线路，本月起运行。"
    )
    page.get_by_role("button", name="Publish the reply").click()
    page.wait_for_url(f"**/c/{CODE}**")
    reply = page.locator(".reply").first
    assert "区交通运输局" in reply.inner_text()
    assert "已增开两条公交线路" in reply.inner_text()
    assert axe_violations(page) == []

    page.goto("/dashboard/?lang=en")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download published comments (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert any(tag in row["body"] for row in rows)
    context.close()


def test_the_print_view_fits_a4(browser, live_server, unhappy_residents):
    username, _ = unhappy_residents
    # 210 mm less 2 x 14 mm margins, at 96 CSS px per inch.
    width = round((210 - 28) / 25.4 * 96)
    context = browser.new_context(
        viewport={"width": width, "height": 1100}, base_url=live_server
    )
    page = context.new_page()
    page.goto("/staff/sign-in?lang=zh")
    page.locator("#username").fill(username)
    page.locator("#password").fill(STAFF_PASSWORD)
    page.locator("#password").press("Enter")
    for url in (f"/dashboard/c/{CODE}/print", "/dashboard/area/3.6/print"):
        page.goto(url)
        page.emulate_media(media="print")
        assert not page.locator(".site-header").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
