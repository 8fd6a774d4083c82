"""Officials answer published comments in their department's name; residents
say whether the answer resolved their concern."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, Comment, Reply, ReplyVerdict
from portal.services import moderation
from portal.services.working_days import add_working_days, working_days_between
from tests.forms import hidden_fields, send

PAGE = "/c/3.5.8"


@pytest.fixture
def published(app, client, session, shipped, make_staff):
    """A resident's published comment on 3.5.8, and that resident's client."""
    response = send(
        client,
        PAGE,
        "/c/3.5.8/comments",
        {"body": "小区附近的充电桩总是排队，什么时候能多建几个？"},
    )
    assert response.status_code == 303
    comment = session.scalar(select(Comment))
    comment.commitment.department = "区发展改革委"
    session.commit()
    moderator = make_staff("moderator")
    with app.test_request_context():
        moderation.decide(session, comment.id, moderator, approve=True)
    return comment.id


@pytest.fixture
def official(app, make_staff, sign_in):
    client = app.test_client()
    user = make_staff("official", username="wang", department="区发展改革委")
    sign_in(client, user)
    return client


def reply_url(comment_id: int) -> str:
    return f"/official/comments/{comment_id}/reply"


def answer(client, comment_id, body="已在新区规划增建充电桩，预计年底前完成。"):
    url = reply_url(comment_id)
    return send(client, url, url, {"body": body})


def test_an_official_replies_and_residents_see_the_government_answer(
    official, published, app, session
):
    response = answer(official, published)
    assert response.status_code == 303
    page = app.test_client().get(f"{PAGE}?lang=en").get_data(as_text=True)
    assert "Government reply" in page
    assert "区发展改革委" in page
    assert "已在新区规划增建充电桩" in page
    assert "Comment received" in page and "Replied" in page
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "reply.add"))
    assert event.actor == "wang" and "区发展改革委" in event.after


def test_a_reply_is_escaped_like_a_comment(official, published, app):
    answer(official, published, body="<script>alert(1)</script> 已处理")
    page = app.test_client().get(PAGE).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_official_without_a_department_cannot_reply(
    app, make_staff, sign_in, published, session
):
    client = app.test_client()
    sign_in(client, make_staff("official", username="nodept"))
    url = reply_url(published)
    page = client.get(url + "?lang=en")
    assert page.status_code == 403
    assert "no department" in page.get_data(as_text=True)
    response = client.post(url, data={"body": "我们会处理。"})
    assert response.status_code in (400, 403)
    assert session.scalar(select(Reply)) is None


def test_nobody_edits_another_officials_reply(
    official, published, app, make_staff, sign_in, session
):
    answer(official, published)
    other = app.test_client()
    # A colleague of the same department: the commitment is theirs too.
    sign_in(other, make_staff("official", username="li", department="区发展改革委"))
    url = reply_url(published)
    page = other.get(url + "?lang=en")
    assert page.status_code == 403
    assert "answered already" in page.get_data(as_text=True)
    token = {"csrf_token": ""}
    response = other.post(url, data={**token, "body": "改写别人的答复"})
    assert response.status_code in (400, 403)
    reply = session.scalar(select(Reply))
    session.refresh(reply)
    assert reply.department == "区发展改革委"
    assert "改写" not in reply.body


def test_an_official_changes_their_own_reply(official, published, session):
    answer(official, published)
    response = answer(official, published, body="更正：预计明年一季度完成。")
    assert response.status_code == 303
    reply = session.scalar(select(Reply))
    session.refresh(reply)
    assert reply.body == "更正：预计明年一季度完成。"
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "reply.edit"))


@pytest.mark.parametrize("role", ["moderator", None])
def test_residents_and_moderators_cannot_reply(
    app, client, make_staff, sign_in, published, role, session
):
    url = reply_url(published)
    if role:
        sign_in(client, make_staff(role))
        assert client.get(url).status_code == 403
    else:
        assert client.get(url).status_code == 403
    # With a valid token (every page's forms share it), the post is still refused.
    token = hidden_fields(client.get(PAGE).get_data(as_text=True), "/c/3.5.8/comments")
    response = client.post(url, data={"csrf_token": token["csrf_token"], "body": "答"})
    assert response.status_code == 403
    assert session.scalar(select(Reply)) is None


def test_the_reply_form_is_refused_when_empty(official, published, session):
    response = answer(official, published, body=" ")
    assert response.status_code == 400
    assert session.scalar(select(Reply)) is None


def test_a_comment_awaiting_moderation_cannot_be_answered(
    official, client, shipped, session
):
    send(client, PAGE, "/c/3.5.8/comments", {"body": "还在等审核的评论"})
    pending = session.scalar(select(Comment))
    assert official.get(reply_url(pending.id)).status_code == 404


def verdict(client, reply_id, **data):
    return send(client, PAGE, f"/replies/{reply_id}/verdict", data)


def test_the_author_says_the_reply_did_not_help_and_changes_their_mind(
    official, published, client, session
):
    answer(official, published)
    reply = session.scalar(select(Reply))
    refused = verdict(client, reply.id, satisfied="no")
    assert refused.status_code == 400
    assert "请选择答复没有解决问题的原因。" in refused.get_data(as_text=True)
    saved = verdict(client, reply.id, satisfied="no", reason="too_slow")
    assert saved.status_code == 303
    stored = session.scalar(select(ReplyVerdict))
    assert stored.by_author and stored.reason.value == "too_slow"
    session.refresh(reply)
    assert (reply.satisfied, reply.dissatisfied) == (0, 1)
    verdict(client, reply.id, satisfied="yes")
    session.refresh(reply)
    assert (reply.satisfied, reply.dissatisfied) == (1, 0)
    page = client.get(f"{PAGE}?lang=en").get_data(as_text=True)
    assert "who found this reply resolved the concern: 1; who did not: 0" in page
    assert "Your answer:</strong> satisfied" in page


def test_other_residents_give_verdicts_counted_once_each(
    app, official, published, session
):
    answer(official, published)
    reply = session.scalar(select(Reply))
    for _ in range(2):
        other = app.test_client()
        verdict(other, reply.id, satisfied="no", reason="not_solved")
        verdict(other, reply.id, satisfied="no", reason="not_solved")
    session.refresh(reply)
    assert (reply.satisfied, reply.dissatisfied) == (0, 2)
    assert not any(v.by_author for v in session.scalars(select(ReplyVerdict)))


def test_officials_see_what_waits_for_a_reply_with_its_due_date(
    official, published, session
):
    page = official.get("/official/replies?lang=en").get_data(as_text=True)
    assert "1 published comment has no reply yet." in page
    assert "within 5 working days" in page
    assert reply_url(published) in page
    answer(official, published)
    page = official.get("/official/replies?lang=en").get_data(as_text=True)
    assert "Every published comment has a reply." in page


def test_working_days_follow_the_holiday_schedule():
    # National Day 2025: 1-8 October off; Sunday 28 September is a working day.
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert working_days_between(date(2025, 9, 26), date(2025, 9, 28)) == 1
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 8)) == 0


def test_a_year_without_a_schedule_counts_weekdays_and_says_so(caplog):
    caplog.set_level("WARNING", logger="portal.services.working_days")
    friday = date(2031, 1, 3)
    assert add_working_days(friday, 5) == friday + timedelta(days=7)
    assert working_days_between(friday, friday + timedelta(days=10)) == 6
    assert [r.getMessage()[:28] for r in caplog.records] == [
        "no holiday schedule for 2031"
    ]


def test_working_days_skip_weekends():
    friday = date(2026, 11, 27)
    assert add_working_days(friday, 5) == friday + timedelta(days=7)
    assert add_working_days(date(2026, 11, 23), 5) == date(2026, 11, 30)
    assert working_days_between(friday, friday + timedelta(days=3)) == 1
    assert working_days_between(friday, friday) == 0


def test_an_administrator_changes_the_reply_target(
    app, make_staff, sign_in, official, session, shipped
):
    admin = app.test_client()
    sign_in(admin, make_staff("administrator"))
    url = "/official/replies"
    refused = send(admin, url, "/official/reply-target", {"days": "0"})
    assert refused.status_code == 400
    assert send(admin, url, "/official/reply-target", {"days": "10"}).status_code == 303
    page = official.get(url + "?lang=en").get_data(as_text=True)
    assert "within 10 working days" in page
    assert "/official/reply-target" not in page  # officials cannot change it
    assert session.scalar(
        select(AuditEvent).where(AuditEvent.action == "settings.reply_target_days")
    )


def test_the_author_finds_the_answer_in_my_feedback(official, published, client):
    answer(official, published)
    page = client.get("/me?lang=en").get_data(as_text=True)
    assert "Answered by 区发展改革委 on" in page
    assert "Read the reply and say whether it helped" in page


def test_a_refused_answer_about_a_reply_is_shown_on_the_thread_page_holding_it(
    official, published, client, session
):
    answer(official, published)
    reply = session.scalar(select(Reply))
    first = session.get(Comment, published)
    for n in range(35):  # later comments push the answered one off the newest page
        session.add(
            Comment(
                commitment_id=first.commitment_id,
                resident_key=f"later-{n}",
                body=f"后来的留言 {n}",
                lang="zh",
                status=first.status,
            )
        )
    session.commit()
    page = client.get(f"{PAGE}?comment={published}").get_data(as_text=True)
    action = f"/replies/{reply.id}/verdict"
    refused = client.post(
        action, data={**hidden_fields(page, action), "satisfied": "no"}
    )
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "请选择答复没有解决问题的原因。" in html
    assert f'id="reply-{reply.id}"' in html
    reader = client.application.test_client()  # authors cannot flag their own
    page = reader.get(f"{PAGE}?comment={published}").get_data(as_text=True)
    flag_action = f"/comments/{published}/flag"
    flagged = reader.post(flag_action, data=hidden_fields(page, flag_action))
    assert f"comment={published}" in flagged.headers["Location"]


def test_the_overdue_cutoff_agrees_with_each_comments_last_day():
    """The dashboard counts overdue comments by one cutoff moment; the list of
    comments awaiting a reply marks each by its own last day. They agree, over
    weekends and the National Day holiday, at any hour of the day."""
    from datetime import datetime, time

    from portal.services.replies import overdue_before
    from portal.services.working_days import CHINA

    for today in (date(2025, 10, 9) + timedelta(days=n) for n in range(-12, 12)):
        cutoff = overdue_before(today, 5)
        for back in range(0, 25):
            received = today - timedelta(days=back)
            for hour in (0, 12, 23):
                moment = datetime.combine(received, time(hour), CHINA)
                assert (moment < cutoff) == (today > add_working_days(received, 5))
