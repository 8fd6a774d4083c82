"""The officials' dashboard: figures, trends, themes and what needs attention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal.db import utcnow
from portal.models import (
    Comment,
    CommentStatus,
    Commitment,
    RatingChange,
    Status,
)
from portal.services import insight_totals, ratings, themes
from portal.services.commitments import current_report
from tests.forms import hidden_fields


@pytest.fixture
def official(app, make_staff, sign_in):
    client = app.test_client()
    # The district government office sees every commitment.
    user = make_staff(
        "official", username="zhao", department="区政府办公室", district_wide=True
    )
    sign_in(client, user)
    return client


def commitment(session, code) -> Commitment:
    return session.scalar(select(Commitment).where(Commitment.code == code))


def rate_many(app, session, code, scores, prefix):
    target = commitment(session, code)
    with app.test_request_context():
        for n, score in enumerate(scores):
            ratings.rate(session, target, f"{prefix}-{code}-{n}", score)


def comment(session, code, body, sentiment, status=CommentStatus.PUBLISHED):
    row = Comment(
        commitment_id=commitment(session, code).id,
        resident_key=f"writer-{body}",
        body=body,
        lang="zh",
        status=status,
        sentiment=sentiment,
        sentiment_score={"positive": 0.8, "negative": -0.8}.get(sentiment, 0.0),
        needs_review=False,
    )
    session.add(row)
    session.flush()
    return row


def page(client, url="/dashboard/?lang=en"):
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_district_dashboard_shows_figures_and_needs_attention(
    app, official, session, shipped
):
    rate_many(app, session, "3.5.8", [1, 1, 2, 1, 1, 2, 1, 1, 1, 2], "a")
    rate_many(app, session, "2.1", [5, 4, 5, 4, 5, 4, 5, 4, 5, 4], "b")
    html = page(official)
    assert "Residents taking part" in html
    # 20 residents rated; the district average is (13 + 45) / 20 = 2.9.
    assert "<dd>20</dd>" in html
    assert "2.9" in html
    lowest = html.split('id="lowest"')[1].split("</ol>")[0]
    assert "3.5.8" in lowest and lowest.index("3.5.8") < lowest.index("2.1")
    # Every chart comes with its numbers as a table.
    for figure in html.split('<figure class="chart')[1:]:
        figure = figure.split("</figure>")[0]
        assert "<svg" not in figure or 'class="figures chart-table"' in figure


def test_progress_reported_high_while_residents_rate_low_is_flagged(
    app, official, session, shipped
):
    rate_many(app, session, "3.5.8", [1, 2] * 5, "c")
    session.execute(
        update(Commitment)
        .where(Commitment.code == "3.5.8")
        .values(status=Status.ACHIEVED)
    )
    session.commit()
    html = page(official)
    disagree = html.split('id="disagree"')[1].split("</div>")[0]
    assert "3.5.8" in disagree


def test_the_steepest_recent_fall_is_listed(app, official, session, shipped):
    rate_many(app, session, "3.5.8", [5] * 10 + [1] * 10, "d")
    # The first ten ratings were given six weeks ago.
    target = commitment(session, "3.5.8")
    changes = session.scalars(
        select(RatingChange)
        .where(RatingChange.commitment_id == target.id)
        .order_by(RatingChange.id)
        .limit(10)
    ).all()
    for change in changes:
        change.changed_at = utcnow() - timedelta(weeks=6)
    insight_totals.rebuild(session)
    session.commit()
    html = page(official)
    falling = html.split('id="falling"')[1].split("</div>")[0]
    assert "3.5.8" in falling and "5.0 before, 1.0 lately" in falling


def test_sentiment_shares_and_themes_with_linked_comments(
    app, official, session, shipped
):
    for body in ("充电桩太少，排队要一个小时", "充电桩排队太久", "排队充电很麻烦"):
        comment(session, "3.5.8", body, "negative")
    for body in ("新建的充电桩很方便", "充电桩方便多了"):
        comment(session, "3.5.8", body, "positive")
    comment(session, "3.5.8", "还在等审核的评论排队", "negative", CommentStatus.PENDING)
    insight_totals.rebuild(session)
    session.commit()
    themes.refresh(session, current_report(session).id)
    html = page(official, "/dashboard/c/3.5.8?lang=en")
    tone = html.split('id="tone-caption"')[1].split("</figure>")[0]
    assert "(5 comments)" in tone
    assert "60%" in tone and "40%" in tone
    negative = html.split("In negative comments")[1].split("In positive comments")[0]
    assert "排队" in negative and "in 3 comments" in negative
    first = session.scalar(select(Comment).where(Comment.body == "充电桩排队太久"))
    assert (
        f'href="/c/3.5.8?comment={first.id}&amp;lang=en#comment-{first.id}"' in negative
    )
    assert "还在等审核" not in html


def test_area_and_commitment_pages_and_their_print_views(official, shipped):
    for url in (
        "/dashboard/area/3.5",
        "/dashboard/area/3.5/print",
        "/dashboard/c/3.5.8",
        "/dashboard/c/3.5.8/print",
    ):
        html = page(official, url + "?lang=en")
        assert "Dashboard" in html
        # The print view drops the links and buttons a sheet of paper cannot use.
        printing = url.endswith("/print")
        assert ('class="dashboard printing"' in html) == printing
        assert ("Print view (A4)" in html) != printing
    assert "Print view (A4)" in page(official, "/dashboard/c/3.5.8?lang=en")
    assert official.get("/dashboard/area/9.9").status_code == 404
    assert official.get("/dashboard/c/9.9.9").status_code == 404


def test_the_dashboard_speaks_chinese(official, shipped):
    html = page(official, "/dashboard/?lang=zh")
    assert "需要关注" in html and "参与的居民" in html


@pytest.mark.parametrize("role", ["moderator", None])
def test_residents_and_moderators_get_403(app, make_staff, sign_in, role, shipped):
    client = app.test_client()
    if role:
        sign_in(client, make_staff(role))
    for url in ("/dashboard/", "/dashboard/c/3.5.8", "/dashboard/area/3.5/print"):
        assert client.get(url).status_code == 403


def test_staff_pages_are_not_cached(official, shipped):
    assert official.get("/dashboard/").headers["Cache-Control"] == "no-store"


def test_a_kept_dashboard_follows_new_feedback_at_once(app, official, session, shipped):
    rate_many(app, session, "3.5.8", [2, 2, 2], "first")
    assert "<dd>3</dd>" in page(official)
    assert "<dd>3</dd>" in page(official)  # the kept copy
    rate_many(app, session, "3.5.8", [4, 4], "second")
    assert "<dd>5</dd>" in page(official)


def test_each_official_gets_their_own_page_with_a_working_sign_out(
    app, official, make_staff, sign_in, shipped
):
    other = app.test_client()
    sign_in(other, make_staff("official", username="qian", department="区交通局"))
    for _ in range(2):  # rendered and kept, then from the kept copy
        assert "Signed in as zhao" in page(official)
        html = page(other)
        assert "Signed in as qian" in html and "zhao" not in html
    token = hidden_fields(html, "/staff/sign-out?lang=en")["csrf_token"]
    assert other.post("/staff/sign-out", data={"csrf_token": token}).status_code == 303
    assert other.get("/dashboard/").status_code == 403
    assert "Signed in as zhao" in page(official)


def test_a_second_session_of_the_same_official_gets_its_own_form_token(
    app, make_staff, sign_in, shipped
):
    # The kept page is per user, not per session: the sign-out token in it must
    # be filled in for the session that asks, or that session cannot sign out.
    user = make_staff("official", username="sun", district_wide=True)
    first, second = app.test_client(), app.test_client()
    sign_in(first, user)
    sign_in(second, user)
    page(first)  # shows the sign-in message, so rendered for this request
    page(first)  # rendered and kept
    page(second)  # shows its own sign-in message
    html = page(second)  # from the copy kept for the first session
    token = hidden_fields(html, "/staff/sign-out?lang=en")["csrf_token"]
    copied = app.test_client()
    copied.set_cookie("session", second.get_cookie("session").value)
    assert second.post("/staff/sign-out", data={"csrf_token": token}).status_code == 303
    # Only a valid token ends the session on the server: a copy of the cookie
    # taken before signing out no longer works.
    assert copied.get("/dashboard/").status_code == 403
    assert first.get("/dashboard/").status_code == 200


def test_a_comment_nobody_answered_counts_against_the_reply_target(
    app, official, session, make_staff, shipped
):
    """One comment answered the next day, one left unanswered for a month, one
    received today: half of the comments due were answered on time."""
    from portal.services import replies

    answered = comment(session, "3.5.8", "充电桩什么时候修好", "negative")
    answered.created_at = utcnow() - timedelta(days=1)
    forgotten = comment(session, "3.5.8", "一个月前的留言", "negative")
    forgotten.created_at = utcnow() - timedelta(days=30)
    comment(session, "3.5.8", "今天的留言", "negative")
    insight_totals.rebuild(session)
    session.commit()
    answerer = make_staff("official", username="li", department="区发展改革委")
    commitment(session, "3.5.8").department = "区发展改革委"
    session.commit()
    with app.test_request_context():
        replies.post_reply(session, answered.id, answerer, "本周内修好。")
    figures = page(official, "/dashboard/c/3.5.8?lang=en").split('id="key-figures"')[1]
    answered_share = figures.split("Comments answered")[1].split("</dd>")[0]
    on_time = figures.split("Answered within 5 working days")[1].split("</dd>")[0]
    assert "33%" in answered_share
    assert "50%" in on_time and "1 comment overdue without a reply" in on_time
    # An old answered comment that residents' flags hide later leaves the
    # published thread; the forgotten one is still overdue.
    old_answered = comment(session, "3.5.8", "被举报隐藏的旧留言", "negative")
    old_answered.created_at = utcnow() - timedelta(days=30)
    session.commit()
    with app.test_request_context():
        replies.post_reply(session, old_answered.id, answerer, "已处理。")
    old_answered.status = CommentStatus.HIDDEN
    insight_totals.rebuild(session)
    session.commit()
    figures = page(official, "/dashboard/c/3.5.8?lang=en").split('id="key-figures"')[1]
    on_time = figures.split("Answered within 5 working days")[1].split("</dd>")[0]
    assert "1 comment overdue without a reply" in on_time
