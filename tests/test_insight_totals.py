"""The dashboard totals kept in step with feedback equal a rebuild from the rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import make_url

from portal.extensions import db
from portal.models import (
    Comment,
    CommentStatus,
    Commitment,
    FeedbackWeek,
    FlagReason,
    Participant,
    RejectReason,
)
from portal.services import comments, insight_totals, moderation, ratings, settings
from tests.builders import make_area, make_commitment, make_report

# A Sunday evening and the Monday morning after, in UTC: two different weeks.
SUNDAY = datetime(2026, 11, 22, 20, 30, tzinfo=UTC)
MONDAY = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
LATER = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
WEEK_OF_SUNDAY, WEEK_OF_MONDAY = date(2026, 11, 16), date(2026, 11, 23)

POSITIVE = "充电桩建得很好，非常满意，谢谢！"
NEGATIVE = "太慢了，一直没有动静，非常失望。"
QUESTION = "请问我们小区什么时候开工？"


def in_request(app, work):
    """Run one use case as a request does: in a session of its own."""
    with app.app_context():
        return work(db.session)


class Clock:
    """When the next rating or comment happens (UTC); None for the real time."""

    now: datetime | None = None


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(ratings, "utcnow", lambda: clock.now or datetime.now(UTC))

    def stamp(_mapper, _connection, comment: Comment) -> None:
        if clock.now is not None:
            comment.created_at = clock.now

    event.listen(Comment, "before_insert", stamp)
    yield clock
    event.remove(Comment, "before_insert", stamp)


@pytest.fixture(params=["UTC", "Asia/Shanghai"])
def portal(request, app, make_app, database_url):
    """The app as residents and moderators reach it; on PostgreSQL also with
    connections in Beijing time, as a mainland server may well be set up."""
    if request.param == "UTC":
        return app
    if not database_url.startswith("postgresql"):
        pytest.skip("only PostgreSQL hands back times in the connection's zone")
    url = make_url(database_url).update_query_dict(
        {"options": f"-c timezone={request.param}"}
    )
    return make_app(DATABASE_URL=url.render_as_string(hide_password=False))


@pytest.fixture
def places(app):
    """Two areas of the current report: A with commitments a1 and a2, B with b1."""
    with app.app_context():
        session = db.session
        report = make_report(session)
        area_a, area_b = make_area(session, report), make_area(session, report)
        made = {
            "a1": make_commitment(session, report=report, area=area_a),
            "a2": make_commitment(session, report=report, area=area_a),
            "b1": make_commitment(session, report=report, area=area_b),
        }
        session.commit()
        ids = {name: (c.id, c.area_id) for name, c in made.items()}
        return ids | {"A": area_a.id, "B": area_b.id}


def _commitment(session, places, name) -> Commitment:
    return session.get(Commitment, places[name][0])


def rate(portal, places, name, resident, score, *, quarantined=False):
    in_request(
        portal,
        lambda s: ratings.rate(
            s,
            _commitment(s, places, name),
            resident,
            score,
            quarantined=quarantined,
        ),
    )


def write(portal, places, name, resident, body, *, quarantined=False) -> Comment:
    return in_request(
        portal,
        lambda s: (
            comments.submit_comment(
                s,
                _commitment(s, places, name),
                resident_key=resident,
                body=body,
                display_name=None,
                network_key=None,
                quarantined=quarantined,
            ).comment
        ),
    )


def flag(portal, comment: Comment, *residents):
    for resident in residents:
        in_request(
            portal,
            lambda s, r=resident: comments.flag_comment(
                s, comment.id, resident_key=r, reason=FlagReason.SPAM, threshold=2
            ),
        )


def decide(portal, comment: Comment, moderator, approve: bool) -> CommentStatus:
    reason = None if approve else RejectReason.SPAM
    return in_request(
        portal,
        lambda s: (
            moderation.decide(
                s, comment.id, moderator, approve=approve, reason=reason
            ).status
        ),
    )


def mode(portal, value: str):
    def work(session):
        settings.put(session, moderation.MODERATION_MODE, value)
        session.commit()

    in_request(portal, work)


def totals(session) -> dict:
    """What the dashboard reads: the weeks that count anything, and participants."""
    session.expire_all()
    weeks = {}
    for row in session.scalars(select(FeedbackWeek)):
        values = (row.ratings, row.rating_total) + tuple(
            getattr(row, sentiment) for sentiment in insight_totals.SENTIMENTS
        )
        assert min(values) >= 0, (row.commitment_id, row.week, values)
        # A week whose only comment was hidden again keeps a row of zeros.
        if any(values):
            weeks[row.commitment_id, row.week] = values
    return {
        "weeks": weeks,
        "participants": set(
            session.execute(select(Participant.scope, Participant.resident_key))
        ),
        "counts": {
            scope: n for scope, n in insight_totals.participants(session).items() if n
        },
    }


def rebuilt(session) -> dict:
    insight_totals.rebuild(session)
    session.commit()
    return totals(session)


def residents(snapshot: dict, scope: str) -> set[str]:
    return {key for s, key in snapshot["participants"] if s == scope}


def test_kept_totals_equal_a_rebuild_after_a_mix_of_feedback(
    app, portal, session, places, clock, make_staff
):
    moderator = make_staff("moderator")
    area_a = insight_totals.area_scope(places["A"])
    area_b = insight_totals.area_scope(places["B"])

    # Ratings: first ones either side of a week's end, changed, repeated, and
    # caught by the bot traps before, after or instead of counted ones.
    clock.now = SUNDAY
    rate(portal, places, "a1", "amy", 4)
    rate(portal, places, "b1", "ben", 3)
    rate(portal, places, "a2", "cai", 5, quarantined=True)
    rate(portal, places, "a1", "dan", 3)
    rate(portal, places, "a1", "bot-1", 1, quarantined=True)
    clock.now = MONDAY
    rate(portal, places, "a2", "amy", 5)  # same area: amy still counts once there
    rate(portal, places, "a1", "amy", 2)  # changed
    rate(portal, places, "b1", "ben", 1, quarantined=True)  # counted, then caught
    rate(portal, places, "a2", "cai", 4)  # caught, then counted
    rate(portal, places, "a1", "dan", 3)  # the same again: nothing changes

    # Comments under pre-moderation: approved, rejected.
    clock.now = SUNDAY
    mode(portal, "pre")
    eve = write(portal, places, "a1", "eve", POSITIVE)
    fay = write(portal, places, "a2", "fay", NEGATIVE)
    assert {eve.status, fay.status} == {CommentStatus.PENDING}
    assert decide(portal, eve, moderator, approve=True) == CommentStatus.PUBLISHED
    assert decide(portal, fay, moderator, approve=False) == CommentStatus.REJECTED

    # Under post-moderation: published at once, or held by screening.
    mode(portal, "post")
    amy = write(portal, places, "b1", "amy", QUESTION)
    gus = write(portal, places, "b1", "gus", NEGATIVE + "路灯也坏了。")
    hal = write(portal, places, "a1", "hal", POSITIVE + "工人很辛苦。")
    ivy = write(portal, places, "a2", "ivy", "Great work, the chargers are useful.")
    jon = write(portal, places, "a2", "jon", "详情见 http://example.com/a 的说明")
    statuses = {c.status for c in (amy, gus, hal, ivy)}
    assert statuses == {CommentStatus.PUBLISHED}
    assert jon.status == CommentStatus.PENDING
    # Caught by the bot traps: approved, rejected, or left waiting.
    bot_2 = write(portal, places, "b1", "bot-2", QUESTION + "谢谢", quarantined=True)
    bot_3 = write(portal, places, "a1", "bot-3", NEGATIVE, quarantined=True)
    bot_4 = write(portal, places, "a2", "bot-4", POSITIVE, quarantined=True)

    # A week later: flags hide comments, moderators decide.
    clock.now = LATER
    flag(portal, gus, "r1", "r2")
    flag(portal, hal, "r1", "r2", "r3")
    flag(portal, ivy, "r1")  # one flag: still shown, back in the queue
    with portal.app_context():
        hidden = {db.session.get(Comment, c.id).status for c in (gus, hal)}
    assert hidden == {CommentStatus.HIDDEN}
    assert decide(portal, gus, moderator, approve=True) == CommentStatus.PUBLISHED
    assert decide(portal, hal, moderator, approve=False) == CommentStatus.REJECTED
    assert decide(portal, ivy, moderator, approve=False) == CommentStatus.REJECTED
    assert decide(portal, jon, moderator, approve=True) == CommentStatus.PUBLISHED
    assert decide(portal, bot_2, moderator, approve=True) == CommentStatus.PUBLISHED
    assert decide(portal, bot_4, moderator, approve=False) == CommentStatus.REJECTED
    flag(portal, gus, "r3", "r4")  # hidden a second time
    assert bot_3.status == CommentStatus.QUARANTINED

    kept = totals(session)
    assert kept == rebuilt(session)

    # Ratings sit in the week they were given or changed, by UTC.
    a1, a2, b1 = (places[n][0] for n in ("a1", "a2", "b1"))
    assert kept["weeks"][a1, WEEK_OF_SUNDAY][:2] == (2, 4 + 3)
    assert kept["weeks"][b1, WEEK_OF_SUNDAY][:2] == (1, 3)
    assert kept["weeks"][a2, WEEK_OF_MONDAY][:2] == (2, 5 + 4)
    assert kept["weeks"][a1, WEEK_OF_MONDAY][:2] == (1, 2)
    # Published comments only, in the week they were written.
    written = {}
    for name, comment in (("a1", eve), ("b1", amy), ("a2", jon), ("b1", bot_2)):
        key = (places[name][0], WEEK_OF_SUNDAY)
        written.setdefault(key, [0, 0, 0])
        written[key][insight_totals.SENTIMENTS.index(comment.sentiment)] += 1
    by_sentiment = {key: list(values[2:]) for key, values in kept["weeks"].items()}
    assert {key: v for key, v in by_sentiment.items() if any(v)} == written

    # Distinct residents: counted feedback, or a comment no longer held as a bot's.
    assert residents(kept, insight_totals.DISTRICT) == {
        "amy", "ben", "cai", "dan", "eve", "fay", "gus", "hal", "ivy", "jon",
        "bot-2", "bot-4",
    }  # fmt: skip
    assert residents(kept, area_a) == {
        "amy", "cai", "dan", "eve", "fay", "hal", "ivy", "jon", "bot-4",
    }  # fmt: skip
    assert residents(kept, area_b) == {"amy", "ben", "gus", "bot-2"}
    a2 = insight_totals.commitment_scope(places["a2"][0])
    # amy rated a1 and a2: once in area A, once on each commitment.
    assert {"amy", "cai", "fay"} <= residents(kept, a2)
    areas = {k: v for k, v in kept["counts"].items() if not k.startswith("commitment")}
    assert areas == {insight_totals.DISTRICT: 12, area_a: 9, area_b: 4}


def test_a_resident_with_only_a_caught_rating_is_not_counted(
    app, portal, session, places
):
    rate(portal, places, "a1", "bot", 1, quarantined=True)
    rate(portal, places, "a2", "bot", 2, quarantined=True)
    rate(portal, places, "a1", "bot", 5, quarantined=True)  # changed, still caught
    rate(portal, places, "b1", "real", 4)
    expected = {
        insight_totals.DISTRICT: 1,
        insight_totals.area_scope(places["B"]): 1,
        insight_totals.commitment_scope(places["b1"][0]): 1,
    }
    kept = totals(session)
    assert kept["counts"] == expected
    assert all(key == "real" for _scope, key in kept["participants"])
    assert [values[:2] for values in kept["weeks"].values()] == [(1, 4)]
    assert rebuilt(session) == kept


def test_a_comment_hidden_while_a_moderator_had_it_loaded_is_counted_back(
    app, session, places, make_staff
):
    """The moderator's session may hold the comment as it was before flags hid it."""
    moderator = make_staff("moderator")
    mode(app, "post")
    comment = write(app, places, "a1", "kim", POSITIVE)
    with app.app_context():
        stale = db.session.get(Comment, comment.id)
        assert stale.status == CommentStatus.PUBLISHED
        flag(app, comment, "r1", "r2")  # meanwhile, in other requests
        decided = moderation.decide(db.session, comment.id, moderator, approve=True)
        assert decided.status == CommentStatus.PUBLISHED
    assert totals(session) == rebuilt(session)
    assert sum(totals(session)["weeks"][places["a1"][0], _week()][2:]) == 1


def _week() -> date:
    return insight_totals.week_of(datetime.now(UTC))


@pytest.mark.parametrize(
    ("moment", "week"),
    [
        (datetime(2026, 11, 22, 23, 59, tzinfo=UTC), WEEK_OF_SUNDAY),
        (datetime(2026, 11, 23, 0, 0, tzinfo=UTC), WEEK_OF_MONDAY),
        # Monday 07:30 in Beijing is still Sunday in UTC.
        (
            datetime(2026, 11, 23, 7, 30, tzinfo=timezone(timedelta(hours=8))),
            WEEK_OF_SUNDAY,
        ),
        # As SQLite hands it back: naive, meaning UTC.
        (datetime(2026, 11, 22, 23, 59), WEEK_OF_SUNDAY),
        (date(2026, 11, 22), WEEK_OF_SUNDAY),
    ],
)
def test_weeks_run_monday_to_sunday_in_utc(moment, week):
    assert insight_totals.week_of(moment) == week
