"""Residents rate, comment and flag without an account; nothing stuffed or lost."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.models import (
    Comment,
    CommentStatus,
    Flag,
    Rating,
    RatingChange,
    Report,
)
from portal.services import ratings
from tests.builders import make_commitment
from tests.forms import hidden_fields, send

PAGE = "/c/3.5.8"
RATE = "/c/3.5.8/rating"
COMMENT = "/c/3.5.8/comments"


def rate(client, score, **extra):
    return send(client, PAGE, RATE, {"score": score, **extra})


def comment(client, body, **extra):
    return send(client, PAGE, COMMENT, {"body": body, **extra})


def count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_rating_is_saved_changed_and_counted_once(client, session, shipped):
    response = rate(client, "4")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/c/3.5.8#feedback-message")
    cookie = client.get_cookie("resident")
    assert cookie.http_only and cookie.same_site == "Lax"

    page = client.get(PAGE).get_data(as_text=True)
    assert "谢谢，您的评价已保存。" in page
    assert "平均 4.0 分（满分 5 分），共 1 人评价。" in page
    assert "您的评价：满意" in page

    rate(client, "2")
    page = client.get(PAGE).get_data(as_text=True)
    assert (
        "您的评价已修改" in page and "平均 2.0 分（满分 5 分），共 1 人评价。" in page
    )
    assert count(session, Rating) == 1
    history = session.scalars(select(RatingChange.new_score).order_by(RatingChange.id))
    assert list(history) == [4, 2]


def test_every_resident_counts_once_and_totals_match_a_recount(app, session, shipped):
    for score in ("5", "5", "1"):
        rate(app.test_client(), score)
    page = app.test_client().get(PAGE).get_data(as_text=True)
    assert "平均 3.7 分（满分 5 分），共 3 人评价。" in page
    from portal.models import Commitment

    commitment = session.scalar(select(Commitment).where(Commitment.code == "3.5.8"))
    summary = ratings.summaries(session, [commitment.id])[commitment.id]
    assert summary.distribution == {1: 1, 2: 0, 3: 0, 4: 0, 5: 2}
    assert ratings.recount(session)[summary.commitment_id] == summary.distribution


def test_rating_form_has_five_worded_steps_and_none_chosen(client, shipped):
    page = client.get(PAGE).get_data(as_text=True)
    for words in ("非常满意", "满意", "基本满意", "不满意", "非常不满意"):
        assert f">{words}</label>" in page
    assert 'name="score"' in page and " checked" not in page


@pytest.mark.parametrize(
    "score", ["0", "6", "3.5", "５", "٥", "+5", "05", "", " 3", "three"]
)
def test_bad_scores_are_refused_with_a_message(client, session, shipped, score):
    response = rate(client, score)
    assert response.status_code == 400
    assert "请在五个选项中选择一个" in response.get_data(as_text=True)
    assert count(session, Rating) == 0


def test_a_repeated_score_is_refused(client, session, shipped):
    data = hidden_fields(client.get(PAGE).get_data(as_text=True), RATE)
    response = client.post(RATE, data={**data, "score": ["1", "5"]})
    assert response.status_code == 400
    assert "请只选择一个选项" in response.get_data(as_text=True)
    assert count(session, Rating) == 0


def test_comment_waits_for_review_and_only_its_author_sees_it(app, client, shipped):
    response = comment(client, "充电桩什么时候建到我们小区？", display_name="老王")
    assert response.status_code == 303
    page = client.get(PAGE).get_data(as_text=True)
    assert "您的留言经审核员审核后就会公开" in page
    assert "充电桩什么时候建到我们小区？" in page and "待审核" in page
    assert '<bdi class="author">老王</bdi>' in page
    stranger = app.test_client().get(PAGE).get_data(as_text=True)
    assert "充电桩什么时候建到我们小区" not in stranger
    mine = client.get("/me")
    assert mine.headers["Cache-Control"] == "private, no-store"
    assert "充电桩什么时候建到我们小区？" in mine.get_data(as_text=True)


def test_personal_data_is_masked_before_storing_and_the_author_told(
    client, session, shipped
):
    comment(client, "路灯坏了，电话 +86 138-0013-8000，邮箱 zhang.san@example.com")
    stored = session.scalar(select(Comment))
    assert stored.body == "路灯坏了，电话 138****8000，邮箱 z***@example.com"
    assert stored.masked == "email,mobile"
    page = client.get(PAGE).get_data(as_text=True)
    assert "为保护您的隐私，我们在保存前隐去了留言中的" in page
    assert "13800138000" not in page and "138-0013-8000" not in page


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("好", "请至少写 2 个字"),
        ("字" * 1001, "留言最多 1000 个字，现在有 1001 个字"),
        ("有\x00空字符", "请删除其中不可见的控制字符"),
        ("", "请填写留言内容"),
    ],
)
def test_bad_comments_are_refused_and_the_text_kept(
    client, session, shipped, body, message
):
    response = comment(client, body, display_name="小李")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="小李"' in page  # what was valid is kept
    if len(body) > 1000:
        assert "字" * 1001 in page  # the resident can shorten it rather than retype
    assert count(session, Comment) == 0


def test_length_is_counted_in_characters_after_normalisation(client, session, shipped):
    # 1000 "é" typed as e + combining accent: 2000 code points, 1000 characters.
    assert comment(client, "e\u0301" * 1000).status_code == 303
    assert len(session.scalar(select(Comment.body))) == 1000


def test_invisible_and_bidi_characters_are_removed(client, session, shipped):
    comment(client, "路\u200b灯\u202e坏了\u2066")
    assert session.scalar(select(Comment.body)) == "路灯坏了"


def test_comment_text_never_runs_as_html(client, session, shipped):
    comment(client, "<script>alert(1)</script>{{7*7}}", display_name="<b>x</b>")
    page = client.get(PAGE).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<b>x</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in page
    # (the body alone: a comment's id, in its anchor, may contain 49)
    assert "49" not in page.split('class="comment-body"')[1].split("</p>")[0]


def test_a_forged_cookie_counts_as_no_cookie(app, client, session, shipped):
    comment(client, "我的留言内容")
    client.set_cookie("resident", client.get_cookie("resident").value[:-2] + "xx")
    assert "我的留言内容" not in client.get(PAGE).get_data(as_text=True)
    assert "我的留言内容" not in client.get("/me").get_data(as_text=True)


def test_missing_or_foreign_csrf_token_keeps_the_text(app, client, session, shipped):
    app.config["WTF_CSRF_ENABLED"] = True
    client.get(PAGE)
    response = client.post(COMMENT, data={"body": "没有令牌的留言"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "这个页面打开的时间太长了" in page and "没有令牌的留言" in page
    other = app.test_client()
    token = hidden_fields(other.get(PAGE).get_data(as_text=True), COMMENT)
    response = client.post(COMMENT, data={**token, "body": "别人的令牌"})
    assert response.status_code == 400
    assert count(session, Comment) == 0


def test_get_on_a_post_route_and_huge_bodies(client, shipped):
    assert client.get(RATE).status_code == 405
    assert client.get(COMMENT).status_code == 405
    response = client.post(COMMENT, data={"body": "x" * 3_000_000})
    assert response.status_code == 413
    assert "您提交的内容超过了本网站允许的大小" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "trap", [{"website": "http://spam.example"}, {"started": "forged"}, {"started": ""}]
)
def test_bots_are_quarantined_silently(client, session, shipped, trap):
    response = comment(client, "Buy cheap pills now", **trap)
    assert response.status_code == 303
    assert session.scalar(select(Comment.status)) == CommentStatus.QUARANTINED
    assert "待审核" in client.get("/me").get_data(as_text=True)
    rate(client, "1", **trap)
    assert session.scalar(select(Rating.quarantined)) is True
    assert "还没有人评价这项承诺" in client.get(PAGE).get_data(as_text=True)


def test_forms_sent_faster_than_a_person_could_are_quarantined(
    app, client, session, shipped
):
    app.config["COMMENT_MIN_SECONDS"] = 60
    comment(client, "一秒钟写完的留言")
    assert session.scalar(select(Comment.status)) == CommentStatus.QUARANTINED


def _published(session, commitment_code="3.5.8"):
    from portal.models import Commitment

    commitment = session.scalar(
        select(Commitment).where(Commitment.code == commitment_code)
    )
    c = Comment(
        commitment_id=commitment.id,
        resident_key="someone",
        body="已公开的留言",
        lang="zh",
        status=CommentStatus.PUBLISHED,
    )
    session.add(c)
    session.commit()
    return c


def test_three_distinct_flags_hide_a_comment(app, session, shipped):
    published = _published(session)
    action = f"/comments/{published.id}/flag"
    first = app.test_client()
    for _ in range(2):  # the same resident twice counts once
        assert send(first, PAGE, action, {"reason": "offensive"}).status_code == 303
    send(app.test_client(), PAGE, action, {"reason": "spam"})
    session.expire_all()
    assert session.get(Comment, published.id).status == CommentStatus.PUBLISHED
    send(app.test_client(), PAGE, action, {"reason": "off_topic"})
    session.expire_all()
    assert session.get(Comment, published.id).status == CommentStatus.HIDDEN
    assert count(session, Flag) == 3
    page = app.test_client().get(PAGE).get_data(as_text=True)
    assert "已公开的留言" not in page and "这条留言因居民举报已隐藏" in page


def test_only_published_comments_can_be_flagged(app, client, session, shipped):
    comment(client, "等待审核的留言")
    pending = session.scalar(select(Comment))
    token = hidden_fields(client.get(PAGE).get_data(as_text=True), COMMENT)
    for comment_id in (pending.id, 999_999):
        response = client.post(
            f"/comments/{comment_id}/flag",
            data={"reason": "spam", "csrf_token": token["csrf_token"]},
        )
        assert response.status_code == 404
    assert count(session, Flag) == 0


def test_too_many_comments_get_a_translated_429(app, client, shipped):
    assert comment(client, "第一条留言").status_code == 303  # now has a cookie
    app.config["LIMIT_COMMENT_RESIDENT"] = "2/minute"
    assert comment(client, "第二条留言").status_code == 303
    assert comment(client, "第三条留言").status_code == 303
    response = comment(client, "第四条留言")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "请求过于频繁" in response.get_data(as_text=True)


def test_no_raw_address_is_stored(client, session, shipped):
    comment(client, "检查地址", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    stored = session.scalar(select(Comment))
    assert stored.network_key and "203.0.113" not in stored.network_key


def test_api_adds_rating_aggregates(client, session, shipped):
    rate(client, "5")
    data = client.get("/api/v1/commitments/3.5.8").get_json()
    assert data["rating"] == {
        "average": 5.0,
        "count": 1,
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1},
    }
    report = session.scalar(select(Report).where(Report.is_current))
    unrated = make_commitment(session, report=report)
    session.commit()
    assert client.get(f"/api/v1/commitments/{unrated.code}").get_json()["rating"] == {
        "average": None,
        "count": 0,
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
    }


def test_a_long_thread_comes_a_page_at_a_time(app, client, session, shipped):
    from portal.models import Comment, CommentStatus, Commitment
    from portal.services.comments import THREAD_PAGE

    target = session.scalar(select(Commitment).where(Commitment.code == "3.5.8"))
    for n in range(THREAD_PAGE + 5):
        session.add(
            Comment(
                commitment_id=target.id,
                resident_key=f"reader-{n}",
                body=f"第{n}条留言",
                lang="zh",
                status=CommentStatus.PUBLISHED,
                needs_review=False,
            )
        )
    session.commit()
    newest = client.get("/c/3.5.8?lang=en").get_data(as_text=True)
    assert f"Comments {THREAD_PAGE + 1} to {THREAD_PAGE + 5} of" in newest
    assert f"第{THREAD_PAGE + 4}条留言" in newest and "第0条留言" not in newest
    assert "Earlier comments" in newest
    first = session.scalar(select(Comment).where(Comment.body == "第0条留言"))
    linked = client.get(f"/c/3.5.8?comment={first.id}").get_data(as_text=True)
    assert "第0条留言" in linked and f"第{THREAD_PAGE + 4}条留言" not in linked
