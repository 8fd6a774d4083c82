"""Officials post progress updates; the card follows the newest one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, Commitment, Status
from tests.forms import send

FORM = "/official/c/3.5.8/progress"


@pytest.fixture
def official(app, make_staff, sign_in):
    client = app.test_client()
    sign_in(client, make_staff("official", username="zhang", district_wide=True))
    return client


def post(client, **data):
    values = {
        "reported_on": "2025-06-30",
        "value": "20",
        "status": "in_progress",
        "note_zh": "已建成20个充电桩。",
        "note_en": "20 charging piles are built.",
        **data,
    }
    return send(client, FORM, FORM, values)


def test_an_official_posts_an_update_and_the_card_follows(
    official, app, session, shipped
):
    response = post(official)
    assert response.status_code == 303
    page = app.test_client().get("/c/3.5.8?lang=en").get_data(as_text=True)
    assert "Reached 20 charging piles of 40 charging piles (50%)" in page
    assert "20 charging piles are built." in page
    assert "In progress" in page
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == "progress.add")
    )
    assert event.actor == "zhang" and '"in_progress"' in event.after


def test_the_newest_date_sets_the_status_even_when_posted_later(
    official, session, shipped
):
    post(official, reported_on="2025-09-30", status="achieved", value="40")
    post(official, reported_on="2025-03-31", status="delayed", value="5")
    commitment = session.scalar(select(Commitment).where(Commitment.code == "3.5.8"))
    assert commitment.status == Status.ACHIEVED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reported_on": (date.today() + timedelta(days=2)).isoformat()}, "不能是将来"),
        ({"reported_on": "30/06/2025"}, "不是有效的日期值"),
        ({"value": "-1"}, "请填写 0 或更大的数"),
        ({"value": "twenty"}, "不是有效的小数"),
        ({"status": "finished"}, "不是有效的选择"),
        ({"note_en": ""}, "请填写英文说明"),
        ({"note_zh": "<script>alert(1)</script>\x00"}, "请删除其中不可见的控制字符"),
    ],
)
def test_bad_updates_are_refused_with_a_message(
    official, session, shipped, data, message
):
    response = post(official, **data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert "<script>alert" not in page
    commitment = session.scalar(select(Commitment).where(Commitment.code == "3.5.8"))
    assert commitment.status == Status.NOT_STARTED


def test_notes_are_escaped_on_the_card(official, app, shipped):
    post(official, note_en="<b>bold</b> {{7*7}}")
    page = app.test_client().get("/c/3.5.8?lang=en").get_data(as_text=True)
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt; {{7*7}}" in page


@pytest.mark.parametrize("role", ["moderator", None])
def test_residents_and_moderators_cannot_post_updates(
    app, make_staff, sign_in, shipped, role
):
    client = app.test_client()
    if role:
        sign_in(client, make_staff(role))
        assert client.get(FORM).status_code == 403
    else:
        assert client.get(FORM).status_code == 403
