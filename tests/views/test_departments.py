"""Officials see, export and answer only their own department's commitments
(SECURITY.md AC-03): every check here uses another department's codes and ids."""

from __future__ import annotations

import csv
import io
import json
import logging
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.models import AuditEvent, Comment, Commitment, Reply, Status
from portal.services import (
    comments,
    moderation,
    progress,
    ratings,
    replies,
    settings,
    staff,
)
from tests.forms import hidden_fields, send

OURS, THEIRS = "3.5.8", "2.1"
HOUSING, EDUCATION = "区住建局", "区教育局"
OUR_COMMENT = "小区充电桩总要排队，希望多建几个。"
THEIR_COMMENT = "学校门口接送太拥挤了。"


def commitment(session, code) -> Commitment:
    return session.scalar(select(Commitment).where(Commitment.code == code))


@pytest.fixture
def assigned(app, session, shipped, make_staff):
    """3.5.8 belongs to housing, 2.1 to education; each is rated and has a
    published comment. Returns the comment ids by code."""
    commitment(session, OURS).department = HOUSING
    commitment(session, THEIRS).department = EDUCATION
    session.commit()
    moderator = make_staff("moderator")
    ids = {}
    with app.test_request_context():
        settings.put(session, moderation.MODERATION_MODE, "pre")
        session.commit()
        for code, scores, body in (
            (OURS, [1, 2, 2], OUR_COMMENT),
            (THEIRS, [5, 5], THEIR_COMMENT),
        ):
            target = commitment(session, code)
            for n, score in enumerate(scores):
                ratings.rate(session, target, f"rk-{code}-{n}", score)
            written = comments.submit_comment(
                session,
                target,
                resident_key=f"rk-{code}-0",
                body=body,
                display_name=None,
                network_key=None,
            ).comment
            moderation.decide(session, written.id, moderator, approve=True)
            ids[code] = written.id
    return ids


@pytest.fixture
def housing(app, make_staff, sign_in):
    """An official of the housing department, reading English."""
    client = app.test_client()
    client.user = make_staff("official", username="zhou", department=HOUSING)
    sign_in(client, client.user)
    client.set_cookie("lang", "en")
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    body = response.get_data().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body, newline="")))


def area_code(session, code) -> str:
    return commitment(session, code).area.code


def test_the_district_page_shows_only_the_departments_commitments(
    housing, assigned, session
):
    html = text(housing.get("/dashboard/"))
    assert "You see the commitment of 区住建局 only: 1 commitment." in html
    assert f'href="/dashboard/c/{OURS}"' in html
    assert f'href="/dashboard/c/{THEIRS}"' not in html
    # Figures are those of 3.5.8 alone: 3 ratings averaging 1.7, 1 comment.
    assert "from 3 ratings and 1 published comments" in html
    assert "1.7" in html
    # Residents are counted per commitment, never added up across them.
    assert "one resident may take part in several" in html
    commitments = html.split('id="commitments"')[1]
    assert "<td>3</td>" in commitments  # 3.5.8's own participants
    # Only the area holding 3.5.8 is listed.
    assert f'href="/dashboard/area/{area_code(session, OURS)}"' in html
    assert f'href="/dashboard/area/{area_code(session, THEIRS)}"' not in html


def test_needs_attention_lists_only_the_departments_commitments(
    app, housing, assigned, session
):
    for code in (OURS, THEIRS):
        target = commitment(session, code)
        with app.test_request_context():
            for n in range(10):
                ratings.rate(session, target, f"low-{code}-{n}", 1)
    html = text(housing.get("/dashboard/"))
    lowest = html.split('id="lowest"')[1].split("</ol>")[0]
    assert OURS in lowest and f"/dashboard/c/{THEIRS}" not in lowest


@pytest.mark.parametrize("suffix", ["", "/print"])
def test_another_departments_pages_are_refused_and_logged(
    housing, assigned, session, caplog, suffix
):
    theirs_area = area_code(session, THEIRS)
    assert theirs_area != area_code(session, OURS)
    with caplog.at_level(logging.WARNING):
        for url in (f"/dashboard/c/{THEIRS}", f"/dashboard/area/{theirs_area}"):
            assert housing.get(url + suffix).status_code == 403, url
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.msg]
    assert any(
        f"/dashboard/c/{THEIRS}" in m and f"commitment {THEIRS}" in m for m in refusals
    )
    assert any(f"area {theirs_area}" in m for m in refusals)
    user_id = str(housing.user.id)
    assert all(user_id in m for m in refusals)
    # Their own commitment and its area open.
    for url in (f"/dashboard/c/{OURS}", f"/dashboard/area/{area_code(session, OURS)}"):
        assert housing.get(url + suffix).status_code == 200, url


def test_exports_hold_only_the_departments_commitments(housing, assigned):
    listed = rows(housing.get("/dashboard/export/commitments.csv"))
    assert [r["code"] for r in listed] == [OURS]
    rated = rows(housing.get("/dashboard/export/ratings.csv"))
    assert {r["commitment_code"] for r in rated} == {OURS} and len(rated) == 3
    said = rows(housing.get("/dashboard/export/comments.csv"))
    assert [(r["commitment_code"], r["body"]) for r in said] == [(OURS, OUR_COMMENT)]


def test_replying_to_another_departments_comment_is_refused(
    app, housing, assigned, session, caplog
):
    theirs = f"/official/comments/{assigned[THEIRS]}/reply"
    ours = f"/official/comments/{assigned[OURS]}/reply"
    page = housing.get(theirs)
    assert page.status_code == 403
    assert "commitment of another department" in text(page)
    assert 'name="body"' not in text(page)
    # A valid token from their own reply form does not help.
    token = hidden_fields(text(housing.get(ours)), ours)
    with caplog.at_level(logging.WARNING):
        response = housing.post(theirs, data={**token, "body": "我们来回答。"})
    assert response.status_code == 403
    assert any(f"comment {assigned[THEIRS]}" in r.getMessage() for r in caplog.records)
    assert session.scalar(select(func.count()).select_from(Reply)) == 0
    # The service refuses it too, whoever calls it.
    with pytest.raises(replies.CannotReply) as refused:
        replies.post_reply(session, assigned[THEIRS], housing.user, "我们来回答。")
    assert refused.value.reason == "not_your_department"
    # Their own comment is answered as before.
    assert send(housing, ours, ours, {"body": "正在增建。"}).status_code == 303


def test_the_awaiting_list_and_card_pages_offer_only_their_comments(housing, assigned):
    html = text(housing.get("/official/replies"))
    assert "Comments on the commitments of 区住建局 only." in html
    assert OUR_COMMENT in html and THEIR_COMMENT not in html
    assert "1 published comment has no reply yet." in html
    reply_link = "Reply for your department"
    assert reply_link in text(housing.get(f"/c/{OURS}"))
    assert reply_link not in text(housing.get(f"/c/{THEIRS}"))


def test_progress_updates_on_another_departments_commitment_are_refused(
    housing, assigned, session
):
    own = f"/official/c/{OURS}/progress"
    token = hidden_fields(text(housing.get(own)), own)
    theirs = f"/official/c/{THEIRS}/progress"
    assert housing.get(theirs).status_code == 403
    data = {**token, "reported_on": "2025-06-30", "status": "achieved"}
    assert housing.post(theirs, data=data).status_code == 403
    assert commitment(session, THEIRS).updates == []


@pytest.mark.parametrize(
    ("role", "district_wide"), [("official", True), ("administrator", False)]
)
def test_district_wide_officials_and_administrators_see_everything(
    app, make_staff, sign_in, assigned, session, role, district_wide
):
    client = app.test_client()
    user = make_staff(role, department="区政府办公室", district_wide=district_wide)
    sign_in(client, user)
    client.set_cookie("lang", "en")
    html = text(client.get("/dashboard/"))
    assert "You see the commitment" not in html
    assert f'href="/dashboard/c/{THEIRS}"' in html
    # The district-wide participant count is shown: 5 residents took part.
    assert "<dd>5</dd>" in html
    for url in (f"/dashboard/c/{THEIRS}", f"/dashboard/c/{THEIRS}/print"):
        assert client.get(url).status_code == 200
    every = session.scalar(select(func.count()).select_from(Commitment))
    assert len(rows(client.get("/dashboard/export/commitments.csv"))) == every
    said = rows(client.get("/dashboard/export/comments.csv"))
    assert {r["commitment_code"] for r in said} == {OURS, THEIRS}
    awaiting = text(client.get("/official/replies"))
    assert OUR_COMMENT in awaiting and THEIR_COMMENT in awaiting
    theirs = f"/official/comments/{assigned[THEIRS]}/reply"
    assert send(client, theirs, theirs, {"body": "已转交。"}).status_code == 303


def test_an_official_without_a_department_sees_nothing_and_is_told_why(
    app, make_staff, sign_in, assigned
):
    client = app.test_client()
    sign_in(client, make_staff("official", username="nodept"))
    client.set_cookie("lang", "en")
    html = text(client.get("/dashboard/"))
    assert "Your account belongs to no department" in html
    assert f"/dashboard/c/{OURS}" not in html
    assert client.get(f"/dashboard/c/{OURS}").status_code == 403
    assert rows(client.get("/dashboard/export/commitments.csv")) == []
    awaiting = text(client.get("/official/replies"))
    assert "no comments are listed here" in awaiting and OUR_COMMENT not in awaiting
    chinese = text(client.get("/dashboard/?lang=zh"))
    assert "您的账号不属于任何部门" in chinese


def test_a_change_of_scope_shows_at_once_on_a_kept_page(
    app, housing, assigned, session
):
    assert f'href="/dashboard/c/{THEIRS}"' not in text(housing.get("/dashboard/"))
    with app.test_request_context():
        staff.set_scope(session, "zhou", HOUSING, district_wide=True)
    html = text(housing.get("/dashboard/"))
    assert f'href="/dashboard/c/{THEIRS}"' in html
    with app.test_request_context():
        staff.set_scope(session, "zhou", EDUCATION, district_wide=False)
    html = text(housing.get("/dashboard/"))
    assert f'href="/dashboard/c/{THEIRS}"' in html
    assert f'href="/dashboard/c/{OURS}"' not in html
    (event, *_) = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "staff.scope")
    )
    assert json.loads(event.after) == {"department": HOUSING, "district_wide": True}


def test_the_command_line_sets_an_officials_scope(app, runner, session, make_staff):
    official = make_staff("official", username="sun", department="区 住建局 ")
    assert official.department == "区 住建局"  # spaces tidied, so names match
    result = runner.invoke(args=["users", "scope", "sun", "--district-wide"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert session.get(type(official), official.id).district_wide
    result = runner.invoke(
        args=["users", "scope", "sun", "--department", HOUSING, "--own-department"]
    )
    assert result.exit_code == 0, result.output
    session.expire_all()
    changed = session.get(type(official), official.id)
    assert (changed.department, changed.district_wide) == (HOUSING, False)
    moderator = make_staff("moderator", username="ma")
    refused = runner.invoke(
        args=["users", "scope", moderator.username, "--district-wide"]
    )
    assert refused.exit_code != 0 and "Only officials" in refused.output
    assert runner.invoke(args=["users", "scope", "nobody"]).exit_code != 0


@pytest.mark.parametrize("role", ["moderator", None])
def test_residents_and_moderators_still_get_403(
    app, make_staff, sign_in, assigned, role
):
    client = app.test_client()
    if role:
        sign_in(client, make_staff(role, department=HOUSING))
    for url in (
        f"/dashboard/c/{OURS}",
        "/dashboard/export/comments.csv",
        "/official/replies",
        f"/official/comments/{assigned[OURS]}/reply",
    ):
        assert client.get(url).status_code == 403, url


def test_comment_ids_stay_on_their_commitment(session, assigned):
    """The fixture's ids belong where the tests above assume."""
    for code, comment_id in assigned.items():
        assert session.get(Comment, comment_id).commitment.code == code


def test_the_progress_service_refuses_another_departments_commitment(
    housing, assigned, session
):
    with pytest.raises(progress.NotYourDepartment):
        progress.post_update(
            session,
            commitment(session, THEIRS),
            housing.user,
            reported_on=date(2025, 6, 30),
            value=None,
            status=Status.ACHIEVED,
            note_zh="",
            note_en="",
        )
    assert commitment(session, THEIRS).updates == []
