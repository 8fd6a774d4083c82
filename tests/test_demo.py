"""`flask demo load|clear`: marked demonstration data that leaves real data alone."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from portal.models import (
    Comment,
    CommentStatus,
    Commitment,
    Flag,
    FlagReason,
    ProgressUpdate,
    Rating,
    RatingChange,
    RatingSummary,
    Reply,
    Status,
    Topic,
)
from portal.services import comments, ratings, settings
from tests.builders import make_update

BANNER = "演示数据"
PAGE = "/c/3.5.8"


def load(runner, *args):
    result = runner.invoke(args=["demo", "load", "--seed", "7", *args])
    assert result.exit_code == 0, result.output
    return result


def count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


def summaries(session):
    """The stored totals, in the shape ratings.recount returns."""
    session.expire_all()
    rows = session.scalars(select(RatingSummary).where(RatingSummary.count > 0))
    return {row.commitment_id: row.distribution for row in rows}


def assert_totals_match_a_recount(session):
    stored = summaries(session)
    assert stored == ratings.recount(session)
    for row in session.scalars(select(RatingSummary)):
        expected = sum(score * n for score, n in row.distribution.items())
        assert (row.count, row.total) == (sum(row.distribution.values()), expected)


def test_load_adds_marked_ratings_comments_and_progress(
    client, runner, session, shipped
):
    result = load(runner, "--ratings", "400", "--comments", "120")
    assert "400 ratings" in result.output and "120 comments" in result.output

    assert count(session, Rating) == 400
    assert count(session, Rating, Rating.is_demo.is_(False)) == 0
    assert count(session, Comment) == 120
    assert count(session, Comment, Comment.is_demo.is_(False)) == 0
    # One history row per rating, plus one per later change.
    changes = count(session, RatingChange)
    assert changes > 400
    assert count(session, RatingChange, RatingChange.is_demo.is_(False)) == 0
    assert count(session, RatingChange, RatingChange.old_score.is_(None)) == 400
    history = {}
    for change in session.scalars(select(RatingChange).order_by(RatingChange.id)):
        history.setdefault(change.rating_id, []).append(change)
    for rating in session.scalars(select(Rating)):
        first, *later = history[rating.id]
        assert (first.old_score, first.changed_at) == (None, rating.created_at)
        for before, after in itertools.pairwise([first, *later]):
            assert after.old_score == before.new_score != after.new_score
            assert after.changed_at > before.changed_at
        assert (later or [first])[-1].new_score == rating.score
        assert {c.commitment_id for c in history[rating.id]} == {rating.commitment_id}
    assert_totals_match_a_recount(session)

    by_lang = dict(
        session.execute(select(Comment.lang, func.count()).group_by(Comment.lang)).all()
    )
    assert set(by_lang) == {"zh", "en"}
    assert 60 <= by_lang["zh"] <= 105
    published = count(session, Comment, Comment.status == CommentStatus.PUBLISHED)
    assert 80 <= published < 120
    # Only those still pending wait in the moderation queue.
    assert count(session, Comment, Comment.needs_review) == 120 - published

    updates = list(session.scalars(select(ProgressUpdate)))
    assert updates and all(u.is_demo for u in updates)
    assert all(
        "演示数据" in u.note_zh and "Demonstration" in u.note_en for u in updates
    )
    commitments = {u.commitment for u in updates}
    assert len(commitments) == round(count(session, Commitment) / 3)
    for commitment in commitments:
        assert commitment.status == commitment.updates[0].status
        for update in commitment.updates:
            target = commitment.target_value
            assert update.value is None or update.value <= target

    for url in ("/", PAGE):
        assert BANNER in client.get(url).get_data(as_text=True)
    assert "Demonstration data" in client.get("/?lang=en").get_data(as_text=True)


def test_load_twice_adds_more_without_colliding(runner, session, shipped):
    load(runner, "--ratings", "150", "--comments", "10", "--no-updates")
    load(runner, "--ratings", "150", "--comments", "10", "--no-updates")
    assert count(session, Rating) == 300
    assert count(session, Comment) == 20
    assert count(session, ProgressUpdate) == 0
    keys = session.scalars(select(Rating.resident_key)).all()
    assert len(set(keys)) == 300 and all(k.startswith("demo-") for k in keys)
    assert_totals_match_a_recount(session)


def test_the_same_seed_gives_the_same_feedback(runner, session, shipped):
    def snapshot():
        scores = session.execute(
            select(Rating.commitment_id, Rating.score).order_by(Rating.id)
        ).all()
        bodies = session.scalars(select(Comment.body).order_by(Comment.id)).all()
        return scores, bodies

    load(runner, "--ratings", "100", "--comments", "20")
    first = snapshot()
    assert runner.invoke(args=["demo", "clear"]).exit_code == 0
    load(runner, "--ratings", "100", "--comments", "20")
    assert snapshot() == first


def test_clear_removes_demo_rows_and_leaves_real_ones(
    app, client, runner, session, shipped
):
    charging = session.scalar(select(Commitment).where(Commitment.code == "3.5.8"))
    ratings.rate(session, charging, "real-resident", 4)
    with app.app_context():  # the moderation mode may come from the app's config
        real_comment = comments.submit_comment(
            session,
            charging,
            resident_key="real-resident",
            body="充电桩什么时候建到我们小区？",
            display_name="老王",
            network_key=None,
        ).comment
    real_rating = session.scalar(select(Rating))
    before = (
        real_rating.score,
        real_rating.updated_at,
        real_comment.body,
        real_comment.status,
    )

    load(runner, "--ratings", "300", "--comments", "60")
    assert client.get(PAGE).status_code == 200
    # Residents flag demo comments too; those flags go with them.
    demo_comment = session.scalar(select(Comment).where(Comment.is_demo))
    session.add(
        Flag(comment_id=demo_comment.id, resident_key="x", reason=FlagReason.SPAM)
    )
    # A real update older than the demo ones: the demo's status shows until clear.
    demo_updated = session.scalar(
        select(Commitment).join(ProgressUpdate).where(ProgressUpdate.is_demo).limit(1)
    )
    make_update(session, demo_updated, status=Status.DELAYED)
    demo_updated.status = Status.ACHIEVED
    session.commit()
    assert count(session, Commitment, Commitment.status != Status.NOT_STARTED) > 1

    result = runner.invoke(args=["demo", "clear"])
    assert result.exit_code == 0, result.output
    assert "300 ratings" in result.output and "60 comments" in result.output

    session.expire_all()
    assert count(session, Rating, Rating.is_demo) == 0
    assert count(session, RatingChange, RatingChange.is_demo) == 0
    assert count(session, Comment, Comment.is_demo) == 0
    assert count(session, ProgressUpdate, ProgressUpdate.is_demo) == 0
    assert count(session, Flag) == 0
    assert settings.get(session, settings.DEMO_DATA) is None

    kept = session.scalar(select(Rating))
    kept_comment = session.get(Comment, real_comment.id)
    assert (
        kept.score,
        kept.updated_at,
        kept_comment.body,
        kept_comment.status,
    ) == before
    assert count(session, RatingChange) == 1
    assert summaries(session) == {charging.id: {1: 0, 2: 0, 3: 0, 4: 1, 5: 0}}
    assert_totals_match_a_recount(session)

    statuses = dict(session.execute(select(Commitment.id, Commitment.status)).all())
    assert statuses.pop(demo_updated.id) == Status.DELAYED
    assert set(statuses.values()) == {Status.NOT_STARTED}

    for url in ("/", PAGE):
        assert BANNER not in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--ratings", "-1"], "-1 is not in the range 0<=x<=5000000"),
        (["--ratings", "5000001"], "5000001 is not in the range 0<=x<=5000000"),
        (["--comments", "-3"], "-3 is not in the range 0<=x<=1000000"),
        (["--weeks", "0"], "0 is not in the range 1<=x<=260"),
    ],
)
def test_bad_options_are_refused(runner, session, shipped, args, message):
    result = runner.invoke(args=["demo", "load", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert count(session, Rating) == 0
    assert settings.get(session, settings.DEMO_DATA) is None


def test_load_without_a_report_is_refused(runner, session):
    result = runner.invoke(args=["demo", "load", "--ratings", "10"])
    assert result.exit_code == 1
    assert "No report is loaded" in result.output
    assert settings.get(session, settings.DEMO_DATA) is None


def test_demo_departments_let_a_department_official_try_the_site(
    app, runner, session, shipped, make_staff, sign_in
):
    def department_of(code):
        session.expire_all()
        return session.scalar(
            select(Commitment.department).where(Commitment.code == code)
        )

    charging = session.scalar(select(Commitment).where(Commitment.code == "3.5.8"))
    charging.department = "区城市管理局"  # an administrator's choice before the demo
    session.commit()
    schools = session.scalars(
        select(Commitment.code).join(Topic).where(Topic.key == "schools")
    ).all()

    result = load(runner, "--ratings", "300", "--comments", "200")
    assert "区教育局 2" in result.output
    assert '--department "' in result.output
    assert [department_of(code) for code in schools] == ["区教育局"] * 2
    assert department_of("3.5.8") == "区城市管理局"
    assert count(session, Commitment, Commitment.department.is_(None)) == 0
    # Demo answers come from the department answerable for the commitment.
    answers = session.execute(
        select(Reply.department, Commitment.department).join(
            Commitment, Reply.commitment_id == Commitment.id
        )
    ).all()
    assert answers and all(said == owner for said, owner in answers)

    official = make_staff("official", department="区教育局")
    client = app.test_client()
    sign_in(client, official)
    page = client.get("/dashboard/?lang=en").get_data(as_text=True)
    assert "You see the commitments of 区教育局 only: 2 commitments." in page

    # An administrator's change after the demo outlives `demo clear`.
    changed = session.scalar(select(Commitment).where(Commitment.code == schools[0]))
    changed.department = "区教育体育局"
    session.commit()
    result = runner.invoke(args=["demo", "clear"])
    assert result.exit_code == 0, result.output
    assert department_of(schools[0]) == "区教育体育局"
    assert department_of(schools[1]) is None
    assert department_of("3.5.8") == "区城市管理局"
    assert count(session, Commitment, Commitment.department.is_not(None)) == 2
