"""The moderation queue, decisions, the audit log and public transparency."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from portal.models import AuditEvent, Comment, CommentStatus, Commitment, RejectReason
from portal.services import moderation
from tests.forms import hidden_fields, send


@pytest.fixture
def moderator_client(app, make_staff, sign_in):
    moderator = make_staff("moderator")
    client = app.test_client()
    sign_in(client, moderator)
    client.user = moderator
    return client


def waiting(session, body, code="3.5.8", **values) -> Comment:
    commitment = session.scalar(select(Commitment).where(Commitment.code == code))
    comment = Comment(
        commitment_id=commitment.id,
        resident_key=values.pop("resident_key", "resident-1"),
        body=body,
        lang="zh",
        status=values.pop("status", CommentStatus.PENDING),
        **values,
    )
    session.add(comment)
    session.commit()
    return comment


def decide(client, data, query=""):
    return send(client, f"/moderation/{query}", f"/moderation/decide{query}", data)


def test_queue_lists_waiting_comments_oldest_first(moderator_client, session, shipped):
    first = waiting(session, "第一条待审核留言")
    second = waiting(session, "第二条待审核留言", code="2.1")
    waiting(session, "已公开", status=CommentStatus.PUBLISHED, needs_review=False)
    page = moderator_client.get("/moderation/").get_data(as_text=True)
    assert page.index("第一条待审核留言") < page.index("第二条待审核留言")
    assert "已公开" not in page
    assert "2 条留言等待处理" in page
    only = moderator_client.get("/moderation/?commitment=2.1").get_data(as_text=True)
    assert "第二条待审核留言" in only and "第一条待审核留言" not in only
    assert first.id < second.id


def test_approve_publishes_and_is_audited(moderator_client, app, session, shipped):
    comment = waiting(session, "请尽快建充电桩")
    response = decide(moderator_client, {"approve_one": str(comment.id)})
    assert response.status_code == 303
    session.expire_all()
    assert session.get(Comment, comment.id).status == CommentStatus.PUBLISHED
    assert "请尽快建充电桩" in app.test_client().get("/c/3.5.8").get_data(as_text=True)
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.object_type == "comment")
    )
    assert (event.action, event.actor) == (
        "comment.approve",
        moderator_client.user.username,
    )
    assert (
        '"status": "pending"' in event.before and '"status": "published"' in event.after
    )


def test_reject_needs_a_reason_and_leaves_a_placeholder(
    moderator_client, app, session, shipped
):
    comment = waiting(session, "你是个骗子")
    decide(moderator_client, {"reject_one": str(comment.id)})  # no reason
    session.expire_all()
    assert session.get(Comment, comment.id).needs_review
    decide(
        moderator_client,
        {"reject_one": str(comment.id), f"reason-{comment.id}": "other"},
    )
    session.expire_all()
    assert session.get(Comment, comment.id).needs_review  # "other" needs a note
    decide(
        moderator_client,
        {"reject_one": str(comment.id), f"reason-{comment.id}": "personal_attack"},
    )
    session.expire_all()
    stored = session.get(Comment, comment.id)
    assert stored.status == CommentStatus.REJECTED
    assert stored.reject_reason == RejectReason.PERSONAL_ATTACK
    thread = app.test_client().get("/c/3.5.8").get_data(as_text=True)
    assert (
        "你是个骗子" not in thread
        and "一条留言已被审核员删除。原因：人身攻击。" in thread
    )


def test_bulk_approve(moderator_client, session, shipped):
    ids = [waiting(session, f"留言{i}").id for i in range(3)]
    page = moderator_client.get("/moderation/").get_data(as_text=True)
    data = hidden_fields(page, "/moderation/decide")
    response = moderator_client.post(
        "/moderation/decide",
        data={**data, "ids": [str(i) for i in ids], "bulk": "approve"},
    )
    assert response.status_code == 303
    session.expire_all()
    assert {session.get(Comment, i).status for i in ids} == {CommentStatus.PUBLISHED}
    assert "已通过 3 条留言" in moderator_client.get("/moderation/").get_data(
        as_text=True
    )


def test_two_moderators_at_once_one_wins_the_other_is_told(
    app, make_staff, sign_in, session, shipped
):
    comment = waiting(session, "两个人同时审核")
    first, second = app.test_client(), app.test_client()
    sign_in(first, make_staff("moderator", username="first"))
    sign_in(second, make_staff("moderator", username="second"))
    second_page = second.get("/moderation/").get_data(as_text=True)
    decide(first, {"approve_one": str(comment.id)})
    response = second.post(
        "/moderation/decide",
        data={
            **hidden_fields(second_page, "/moderation/decide"),
            "reject_one": str(comment.id),
            f"reason-{comment.id}": "spam",
        },
    )
    assert response.status_code == 303
    session.expire_all()
    assert session.get(Comment, comment.id).status == CommentStatus.PUBLISHED
    assert "已由另一位审核员处理" in second.get("/moderation/").get_data(as_text=True)
    decisions = select(AuditEvent).where(AuditEvent.object_type == "comment")
    assert [e.actor for e in session.scalars(decisions)] == ["first"]


def test_decide_service_is_compare_and_set(app, session, make_staff, shipped):
    comment = waiting(session, "服务层并发")
    moderator = make_staff("moderator")
    moderation.decide(session, comment.id, moderator, approve=True)
    with pytest.raises(moderation.AlreadyDecided):
        moderation.decide(
            session, comment.id, moderator, approve=False, reason=RejectReason.SPAM
        )


def test_flagged_comments_come_back_to_the_queue(
    moderator_client, app, session, shipped
):
    waiting(
        session,
        "被举报的留言",
        status=CommentStatus.HIDDEN,
        flag_count=3,
        needs_review=True,
    )
    page = moderator_client.get("/moderation/?flagged=1").get_data(as_text=True)
    assert "被举报的留言" in page and "3 个新举报" in page


def test_moderators_see_why_residents_flagged_a_comment(
    app, moderator_client, session, make_staff, shipped
):
    published = waiting(
        session, "被举报三次的留言", status=CommentStatus.PUBLISHED, needs_review=False
    )
    for reason in ("spam", "personal_info", "spam"):
        send(app.test_client(), "/c/3.5.8", f"/comments/{published.id}/flag",
             {"reason": reason})  # fmt: skip
    page = moderator_client.get("/moderation/?flagged=1").get_data(as_text=True)
    assert "被举报三次的留言" in page
    assert "居民举报的原因" in page
    assert "广告或垃圾信息（2）和含有个人信息（1）" in page
    english = moderator_client.get("/moderation/?flagged=1&lang=en").get_data(
        as_text=True
    )
    assert "Advertising or spam (2) and Contains personal information (1)" in english
    # Once a moderator has looked, only the flags after that are shown.
    moderation.decide(session, published.id, make_staff("moderator"), approve=True)
    send(app.test_client(), "/c/3.5.8", f"/comments/{published.id}/flag",
         {"reason": "off_topic"})  # fmt: skip
    later = moderator_client.get("/moderation/?flagged=1&lang=en").get_data(
        as_text=True
    )
    reasons = later.split("Residents flagged it as")[1].split("</p>")[0]
    assert "Off-topic (1)" in reasons and "Advertising or spam" not in reasons


def test_the_audit_log_cannot_be_changed(session, make_staff, shipped):
    comment = waiting(session, "审计")
    moderation.decide(session, comment.id, make_staff("moderator"), approve=True)
    for statement in (
        "UPDATE audit_event SET actor = 'someone else'",
        "DELETE FROM audit_event",
    ):
        with pytest.raises(DBAPIError):
            session.execute(text(statement))
            session.commit()
        session.rollback()
    assert session.scalar(select(AuditEvent.actor)) != "someone else"


def test_administrators_read_filter_and_export_the_log(
    app, make_staff, sign_in, session, shipped
):
    comment = waiting(session, '=HYPERLINK("x")')
    moderation.decide(
        session, comment.id, make_staff("moderator", username="mo"),
        approve=False, reason=RejectReason.OTHER, note="=cmd|' /C calc'!A0",
    )  # fmt: skip
    admin = app.test_client()
    sign_in(admin, make_staff("administrator"))
    page = admin.get("/moderation/audit?actor=mo").get_data(as_text=True)
    assert "comment.reject" in page
    assert "comment.reject" not in admin.get("/moderation/audit?actor=else").get_data(
        as_text=True
    )
    export = admin.get("/moderation/audit.csv?action=comment.reject")
    assert export.headers["Cache-Control"] == "no-store"
    rows = list(
        csv.DictReader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")))
    )
    assert len(rows) == 1 and rows[0]["actor"] == "mo"
    assert rows[0]["reason"].startswith("other: ")  # not a formula


def test_transparency_counts_decisions_by_month_and_reason(
    app, session, make_staff, shipped
):
    moderator = make_staff("moderator")
    for body, approve in (("一", True), ("二", True), ("三", False)):
        comment = waiting(session, body + "条")
        moderation.decide(
            session, comment.id, moderator, approve=approve,
            reason=None if approve else RejectReason.SPAM,
        )  # fmt: skip
    page = app.test_client().get("/transparency?lang=en").get_data(as_text=True)
    row = page.split("<tbody>")[1].split("</tr>")[0]
    cells = [c.split(">")[-1] for c in row.split("</td>")[:-1]]
    assert cells[:2] == ["2", "1"]
    assert cells[2 + 2] == "1"  # the spam column


def test_transparency_months_are_the_districts_and_waits_count_once(session, shipped):
    """A decision at 01:00 on 1 November in Beijing is November's, though UTC
    still says October; a comment decided again after flags waited once."""
    from datetime import UTC, datetime, timedelta

    from portal.services.transparency import by_month

    comment = waiting(session, "月初凌晨的决定")
    received = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    session.get(Comment, comment.id).created_at = received
    # The audit log takes no edits: the two decisions are written as made then.
    for action, at, after in (
        ("comment.approve", received + timedelta(hours=1), "{}"),
        ("comment.reject", datetime(2026, 11, 20, tzinfo=UTC),
         '{"reject_reason": "unlawful"}'),
    ):  # fmt: skip
        session.add(
            AuditEvent(
                at=at,
                actor="mod",
                action=action,
                object_type="comment",
                object_id=str(comment.id),
                after=after,
            )  # fmt: skip
        )
    session.commit()
    [november] = by_month(session)
    assert (november.year, november.month) == (2026, 11)
    assert november.published == 1 and november.rejected_total == 1
    assert november.median_wait == timedelta(hours=1)


def test_the_author_sees_the_outcome_and_reason(
    app, client, session, make_staff, shipped
):
    send(client, "/c/3.5.8", "/c/3.5.8/comments", {"body": "广告广告加我微信"})
    comment = session.scalar(select(Comment))
    moderation.decide(
        session,
        comment.id,
        make_staff("moderator"),
        approve=False,
        reason=RejectReason.SPAM,
    )
    mine = client.get("/me").get_data(as_text=True)
    assert "未公开" in mine and "原因：广告或垃圾信息" in mine


@pytest.mark.parametrize(
    "body",
    ["<script>alert(1)</script>", "{{7*7}}", "<a href=\"javascript:alert(1)\">x</a>",
     "\u202eevil", "x" * 10_000],
)  # fmt: skip
def test_hostile_text_is_inert_in_the_queue(moderator_client, session, shipped, body):
    waiting(session, body, display_name="<img src=x onerror=alert(1)>")
    page = moderator_client.get("/moderation/").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert 'href="javascript:' not in page
    # (the body alone: the comment's id, in its anchor, may contain 49)
    assert "49" not in page.split("queue-body")[1].split("</p>")[0]


def test_screening_labels_and_explains_new_comments(moderator_client, client, shipped):
    send(client, "/c/2.1", "/c/2.1/comments", {"body": "这个项目的负责人是王八蛋"})
    send(
        client, "/c/2.1", "/c/2.1/comments", {"body": "详情见 www.example.com 和 a.cn"}
    )
    page = moderator_client.get("/moderation/?label=sensitive").get_data(as_text=True)
    assert "敏感词" in page and "列表中的词：王八蛋" in page
    assert "www.example.com" not in page
    links = moderator_client.get("/moderation/?label=links").get_data(as_text=True)
    assert "2 个链接" in links


@pytest.mark.parametrize(
    "body",
    [
        "你真是个王\u200d八\u200d蛋",
        "王.八.蛋",
        "what a SHIT plan",
        "what a ｓｈｉｔ plan",
        "ѕhit",
    ],
)
def test_disguised_words_are_caught(client, session, shipped, body):
    send(client, "/c/2.1", "/c/2.1/comments", {"body": body})
    assert " sensitive " in session.scalar(select(Comment.labels))


@pytest.mark.parametrize(
    "body", ["The class assessment of this passage was fair", "我操心孩子上学的事"]
)
def test_innocent_sentences_are_not_labelled(client, session, shipped, body):
    send(client, "/c/2.1", "/c/2.1/comments", {"body": body})
    assert "sensitive" not in session.scalar(select(Comment.labels))


def test_post_moderation_publishes_clean_comments_and_holds_the_rest(
    app, make_staff, sign_in, client, session, shipped
):
    admin = app.test_client()
    sign_in(admin, make_staff("administrator", username="chief"))
    send(admin, "/moderation/settings", "/moderation/settings/mode", {"mode": "post"})
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == "settings.moderation_mode")
    )
    assert event.actor == "chief" and '"post"' in event.after
    send(client, "/c/2.1", "/c/2.1/comments", {"body": "希望今年经济越来越好"})
    send(client, "/c/2.1", "/c/2.1/comments", {"body": "加我看 www.example.com"})
    public = app.test_client().get("/c/2.1").get_data(as_text=True)
    assert "希望今年经济越来越好" in public and "www.example.com" not in public
    queue = admin.get("/moderation/").get_data(as_text=True)
    assert "希望今年经济越来越好" in queue  # still reviewed afterwards


def test_pages_say_how_comments_are_moderated(app, make_staff, sign_in, shipped):
    """The comment form and the transparency page follow the moderation mode,
    on a page kept for every visitor too."""
    visitor = app.test_client()
    before = "每条留言都由审核员看过后才会公开"
    after = "留言提交后即公开，自动检查发现问题的会先交审核员处理"
    assert before in visitor.get("/c/2.1").get_data(as_text=True)
    assert "每条留言都由审核员审核" in visitor.get("/transparency").get_data(
        as_text=True
    )
    admin = app.test_client()
    sign_in(admin, make_staff("administrator"))
    send(admin, "/moderation/settings", "/moderation/settings/mode", {"mode": "post"})
    page = visitor.get("/c/2.1").get_data(as_text=True)
    assert after in page and before not in page
    english = visitor.get("/transparency?lang=en").get_data(as_text=True)
    assert "Comments appear at once unless the automatic checks hold them" in english
    assert "Every comment is read by a moderator" not in english


def test_administrators_edit_the_word_lists(
    app, make_staff, sign_in, client, session, shipped
):
    admin = app.test_client()
    sign_in(admin, make_staff("administrator"))
    response = send(
        admin,
        "/moderation/settings",
        "/moderation/settings/words",
        {"word": "黑心开发商", "lang": "zh", "allow": "0"},
    )
    assert response.status_code == 303
    send(client, "/c/2.1", "/c/2.1/comments", {"body": "又是黑心開發商的楼盘"})
    assert " sensitive " in session.scalar(select(Comment.labels))
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "wordlist.add"))


@pytest.mark.parametrize("word", ["***", "  ", "..."])
def test_words_that_match_nothing_are_refused(app, make_staff, sign_in, session, word):
    admin = app.test_client()
    sign_in(admin, make_staff("administrator"))
    send(admin, "/moderation/settings", "/moderation/settings/words",
         {"word": word, "lang": "en", "allow": "0"})  # fmt: skip
    assert "这个词已在列表中，或为空" in admin.get("/moderation/settings").get_data(
        as_text=True
    )


def test_moderators_cannot_change_settings(moderator_client, shipped):
    page = moderator_client.get("/moderation/settings").get_data(as_text=True)
    assert "只有管理员可以修改这些设置" in page
    token = hidden_fields(page, "/moderation/settings/mode")
    response = moderator_client.post(
        "/moderation/settings/mode", data={**token, "mode": "post"}
    )
    assert response.status_code == 403


def test_transparency_keeps_every_decision_of_a_comment(
    app, session, make_staff, shipped
):
    moderator = make_staff("moderator")
    comment = waiting(session, "先通过后删除")
    moderation.decide(session, comment.id, moderator, approve=True)
    stored = session.get(Comment, comment.id)
    stored.needs_review = True  # as when residents flag it later
    session.commit()
    moderation.decide(
        session, comment.id, moderator, approve=False, reason=RejectReason.UNLAWFUL
    )
    page = app.test_client().get("/transparency?lang=en").get_data(as_text=True)
    row = page.split("<tbody>")[1].split("</tr>")[0]
    cells = [c.split(">")[-1] for c in row.split("</td>")[:-1]]
    assert cells[:2] == ["1", "1"]
    assert cells[2 + 4] == "1"  # the unlawful-content column
