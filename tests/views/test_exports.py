"""Officials' CSV exports: what each file holds, that it is safe in a spreadsheet
and readable in Excel, and who may download it."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal.csvexport import csv_text, neutralise
from portal.extensions import db
from portal.models import (
    Comment,
    CommentStatus,
    Commitment,
    FlagReason,
    RejectReason,
    Reply,
)
from portal.services import comments, moderation, ratings, settings

EXPORTS = ("commitments", "ratings", "comments")
BOM = b"\xef\xbb\xbf"

# Bodies a spreadsheet would run as formulas, each kept as text with a leading '.
FORMULAS = ['=HYPERLINK("http://x","点我")', "＋1", "@SUM(A1:A9)", "-2+3", "\t=1"]
CHINESE = "充电桩建得很好，谢谢！"
UNPUBLISHED = {
    "pending": "这条留言还在等待审核",
    "rejected": "这条留言被审核员拒绝了",
    "hidden": "这条留言被举报后隐藏了",
    "quarantined": "这条留言被机器人陷阱拦下了",
}
# Resident keys: none may appear anywhere in any export.
KEYS = ("rk-amy-7f3a9c", "rk-ben-51d2e0", "rk-bot-0c4b18", "rk-cai-9e6f77")


@pytest.fixture
def official_client(app, make_staff, sign_in):
    official = make_staff("official", department="区住建局", district_wide=True)
    client = app.test_client()
    sign_in(client, official)
    client.user = official
    return client


@pytest.fixture
def feedback(app, session, shipped, make_staff, official_client):
    """Ratings and comments on 3.5.8 (and one on 2.1), in every state."""
    moderator = make_staff("moderator")
    by_code = {
        c.code: c
        for c in session.scalars(
            select(Commitment).where(Commitment.code.in_(("3.5.8", "2.1")))
        )
    }
    charging, other = by_code["3.5.8"], by_code["2.1"]
    with app.app_context():  # the moderation mode comes from the app's config
        settings.put(session, moderation.MODERATION_MODE, "pre")
        session.commit()
        ratings.rate(session, charging, KEYS[0], 4)
        ratings.rate(session, charging, KEYS[1], 2)
        ratings.rate(session, charging, KEYS[1], 5)  # changed: one row, score 5
        ratings.rate(session, charging, KEYS[2], 1, quarantined=True)
        ratings.rate(session, other, KEYS[0], 3)

        def write(body, key=KEYS[0], name=None, commitment=charging, **kw):
            return comments.submit_comment(
                session,
                commitment,
                resident_key=key,
                body=body,
                display_name=name,
                network_key=None,
                **kw,
            ).comment

        def approve(comment):
            return moderation.decide(session, comment.id, moderator, approve=True)

        published = [approve(write(CHINESE, name="老王"))]
        published += [approve(write(body, key=KEYS[3])) for body in FORMULAS]
        published.append(
            approve(write("=1+1 by a formula name", name="=cmd|' /C calc'!A0"))
        )
        published.append(approve(write("别的承诺也要抓紧", commitment=other)))
        write(UNPUBLISHED["pending"])
        moderation.decide(
            session,
            write(UNPUBLISHED["rejected"]).id,
            moderator,
            approve=False,
            reason=RejectReason.SPAM,
        )
        hidden = approve(write(UNPUBLISHED["hidden"]))
        for key in KEYS[1:3]:
            comments.flag_comment(
                session,
                hidden.id,
                resident_key=key,
                reason=FlagReason.OFFENSIVE,
                threshold=2,
            )
        write(UNPUBLISHED["quarantined"], key=KEYS[2], quarantined=True)
    session.expire_all()
    assert session.get(Comment, hidden.id).status == CommentStatus.HIDDEN
    answered = published[0]
    session.add(
        Reply(
            comment_id=answered.id,
            commitment_id=charging.id,
            official_id=official_client.user.id,
            department="区住建局",
            body="已列入明年计划。",
            lang="zh",
            received_at=answered.created_at,
        )
    )
    session.commit()
    return {"published": published, "answered": answered}


def download(client, name):
    response = client.get(f"/dashboard/export/{name}.csv")
    assert response.status_code == 200
    return response


def parse(response) -> tuple[str, list[dict[str, str]]]:
    """The raw text (BOM removed) and the rows, as a spreadsheet would read them."""
    raw = response.get_data()
    assert raw.startswith(BOM)
    text = raw[len(BOM) :].decode("utf-8")
    assert text.endswith("\r\n")
    return text, list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("name", EXPORTS)
def test_each_export_is_a_csv_file_excel_opens(app, official_client, shipped, name):
    response = download(official_client, name)
    assert response.is_streamed  # written while it is sent
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    district = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    day = datetime.now(district).date().isoformat()
    disposition = response.headers["Content-Disposition"]
    assert disposition == f"attachment; filename={name}-{day}.csv"
    text, _rows = parse(response)
    header = text.split("\r\n", 1)[0]
    assert header.startswith('"') and header.endswith('"')  # every field quoted


def test_commitments_export_holds_each_commitment_with_its_totals(
    official_client, shipped, feedback
):
    text, rows = parse(download(official_client, "commitments"))
    assert [r["code"] for r in rows] == [c["code"] for c in shipped.commitments]
    charging = next(r for r in rows if r["code"] == "3.5.8")
    assert charging["title_zh"] == "新建公共充电桩"  # Chinese round-trips
    assert charging["title_en"] == "Build new public charging piles"
    assert (charging["target_value"], charging["status"]) == ("40", "not_started")
    assert (charging["latest_progress_value"], charging["latest_progress_percent"]) == (
        "",
        "",
    )
    assert charging["rating_count"] == "2"  # the quarantined one left out
    assert charging["rating_average"] == "4.5"
    assert [charging[f"rating_{s}"] for s in range(1, 6)] == ["0", "0", "0", "1", "1"]
    on_charging = [c for c in feedback["published"] if c.commitment.code == "3.5.8"]
    assert charging["published_comments"] == str(len(on_charging)) == "7"
    tones = [int(charging[f"{t}_comments"]) for t in ("positive", "negative")]
    assert sum(tones) + int(charging["unclear_comments"]) == 7
    assert charging["replies"] == "1"
    quiet = next(r for r in rows if r["code"] not in ("3.5.8", "2.1"))
    assert (quiet["rating_count"], quiet["rating_average"]) == ("0", "")
    assert (quiet["published_comments"], quiet["replies"]) == ("0", "0")


def test_commitments_export_shows_the_latest_progress(
    official_client, session, shipped
):
    from tests.builders import make_update

    charging = session.scalar(select(Commitment).where(Commitment.code == "3.5.8"))
    make_update(session, charging)  # 10 of 40 on 2025-06-30
    session.commit()
    _text, rows = parse(download(official_client, "commitments"))
    row = next(r for r in rows if r["code"] == "3.5.8")
    assert (
        row["latest_progress_date"],
        row["latest_progress_value"],
        row["latest_progress_percent"],
        row["status"],
    ) == ("2025-06-30", "10", "25", "in_progress")


def test_ratings_export_has_counted_ratings_and_nothing_about_residents(
    official_client, shipped, feedback
):
    text, rows = parse(download(official_client, "ratings"))
    assert list(rows[0]) == [
        "commitment_code",
        "score",
        "created_on",
        "updated_on",
        "demonstration",
    ]
    assert not any("resident" in column or "id" in column for column in rows[0])
    today = datetime.now(UTC).date().isoformat()
    assert sorted((r["commitment_code"], r["score"]) for r in rows) == [
        ("2.1", "3"),
        ("3.5.8", "4"),
        ("3.5.8", "5"),
    ]
    assert {(r["created_on"], r["updated_on"], r["demonstration"]) for r in rows} == {
        (today, today, "0")
    }
    assert not any(key in text for key in KEYS)


def test_comments_export_has_published_comments_only_neutralised(
    official_client, shipped, feedback
):
    text, rows = parse(download(official_client, "comments"))
    published = feedback["published"]
    assert [int(r["comment_id"]) for r in rows] == [c.id for c in published]
    for hidden_text in UNPUBLISHED.values():
        assert hidden_text not in text
    assert not any(key in text for key in KEYS)

    answered = next(r for r in rows if r["comment_id"] == str(feedback["answered"].id))
    assert (answered["body"], answered["display_name"]) == (CHINESE, "老王")
    assert (answered["answered"], answered["answering_department"]) == ("1", "区住建局")
    assert answered["lang"] == "zh" and answered["commitment_code"] == "3.5.8"
    assert answered["created_on"] == datetime.now(UTC).date().isoformat()
    first = published[0]
    assert answered["sentiment"] == first.sentiment
    assert float(answered["sentiment_score"]) == pytest.approx(
        first.sentiment_score, abs=1e-4
    )

    by_body = {r["body"]: r for r in rows}
    for formula in FORMULAS:
        assert "'" + formula in by_body, formula
        assert by_body["'" + formula]["answered"] == "0"
        assert by_body["'" + formula]["display_name"] == ""  # shown as "A resident"
    named = next(r for r in rows if r["body"].startswith("'=1+1"))
    assert named["display_name"] == "'=cmd|' /C calc'!A0"
    assert '"\'=HYPERLINK(""http://x"",""点我"")"' in text  # quoted as RFC 4180


@pytest.mark.parametrize("name", EXPORTS)
def test_only_officials_and_administrators_may_export(
    app, make_staff, sign_in, shipped, name
):
    url = f"/dashboard/export/{name}.csv"
    # Residents are never signed in: refused, with a sign-in link for staff.
    signed_out = app.test_client().get(url)
    assert signed_out.status_code == 403
    assert not signed_out.get_data().startswith(BOM)
    for role, status in (("moderator", 403), ("administrator", 200)):
        client = app.test_client()
        sign_in(client, make_staff(role))
        response = client.get(url)
        assert response.status_code == status, role
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1", "'=1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        (" =1", "' =1"),
        ("\u3000＝1", "'\u3000＝1"),  # ideographic space, full-width equals
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠SUM(A1)", "'＠SUM(A1)"),
        ("\u200b@SUM(A1)", "'\u200b@SUM(A1)"),  # behind a zero-width space
        ("-2+3", "'-2+3"),
        ("\tplain", "'\tplain"),
        ("a=b", "a=b"),
        ("充电桩", "充电桩"),
        (-2, -2),  # numbers stay numbers
        (4.5, 4.5),
        (None, ""),
    ],
)
def test_neutralise(value, cell):
    assert neutralise(value) == cell


def test_csv_is_written_row_by_row():
    rows = ([n, "x" * 100] for n in itertools.count())  # never ends
    first, second = itertools.islice(csv_text(("n", "text"), rows), 2)
    assert first.startswith('\ufeff"n","text"\r\n"0","')
    assert second.startswith('"') and second.endswith('"\r\n')


def test_a_download_gives_its_database_connection_back(app, official_client, feedback):
    with app.app_context():
        pool = db.engine.pool
    for name in EXPORTS:
        download(official_client, name).get_data()
        assert pool.checkedout() == 0, name
