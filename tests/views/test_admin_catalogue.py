"""Administrators delete unused areas and topics and manage units; a retired
commitment refuses new feedback in the services, whoever calls them."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from portal.db import utcnow
from portal.models import (
    Area,
    AuditEvent,
    Comment,
    CommentStatus,
    Commitment,
    FlagReason,
    Rating,
    RatingChange,
    Topic,
    Unit,
)
from portal.services import comments, ratings
from portal.services.retired import CommitmentRetired
from tests.builders import make_commitment
from tests.forms import send


@pytest.fixture
def admin(app, make_staff, sign_in):
    """An administrator's client, reading English."""
    client = app.test_client()
    sign_in(client, make_staff("administrator", username="li"))
    client.set_cookie("lang", "en")
    return client


def events(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def delete(admin, page: str, action: str):
    """Press the Delete button of one row on a list page."""
    return send(admin, page, action, {}, follow_redirects=True)


def test_an_unused_area_is_deleted_and_logged(admin, session, shipped):
    send(
        admin,
        "/admin/areas/new",
        "/admin/areas/new",
        {"code": "3.9", "name_zh": "数字政府", "name_en": "Digital government"},
    )
    area_id = session.scalar(select(Area.id).where(Area.code == "3.9"))
    response = delete(admin, "/admin/areas", f"/admin/areas/{area_id}/delete")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The area 3.9 is deleted." in page
    assert "Digital government" not in page
    assert session.get(Area, area_id) is None
    (event,) = events(session, "area.delete")
    assert event.actor == "li" and event.object_id == str(area_id)
    assert json.loads(event.before) == {
        "code": "3.9",
        "name_zh": "数字政府",
        "name_en": "Digital government",
    }


def test_an_area_in_use_is_kept_and_the_page_says_why(admin, session, shipped):
    area = session.scalar(select(Area).where(Area.code == "3.5"))
    used = session.scalar(select(func.count()).where(Commitment.area_id == area.id))
    response = delete(admin, "/admin/areas", f"/admin/areas/{area.id}/delete")
    page = response.get_data(as_text=True)
    assert (
        f"This area cannot be deleted: {used} commitments stand in it. "
        "Move them to another area first."
    ) in page
    session.expire_all()
    assert session.get(Area, area.id) is not None
    assert events(session, "area.delete") == []


def test_a_retired_commitment_still_keeps_its_area_and_topic(admin, session, shipped):
    send(
        admin,
        "/admin/areas/new",
        "/admin/areas/new",
        {"code": "3.9", "name_zh": "数字政府", "name_en": "Digital government"},
    )
    area = session.scalar(select(Area).where(Area.code == "3.9"))
    commitment = make_commitment(
        session, report=area.report, area=area, code="3.9.1", retired_at=utcnow()
    )
    session.commit()
    page = delete(admin, "/admin/areas", f"/admin/areas/{area.id}/delete")
    assert "1 commitment stands in it. Move it to another area first." in (
        page.get_data(as_text=True)
    )
    topic_id = commitment.topic_id
    page = delete(admin, "/admin/topics", f"/admin/topics/{topic_id}/delete")
    assert "1 commitment is filed under it." in page.get_data(as_text=True)
    session.expire_all()
    assert session.get(Area, area.id) and session.get(Topic, topic_id)


def test_an_unused_topic_is_deleted_and_logged(admin, session, shipped):
    send(
        admin,
        "/admin/topics/new",
        "/admin/topics/new",
        {"key": "parking", "name_zh": "停车", "name_en": "Parking"},
    )
    topic_id = session.scalar(select(Topic.id).where(Topic.key == "parking"))
    response = delete(admin, "/admin/topics", f"/admin/topics/{topic_id}/delete")
    page = response.get_data(as_text=True)
    assert "The topic parking is deleted." in page
    assert "<code>parking</code>" not in page
    assert session.get(Topic, topic_id) is None
    (event,) = events(session, "topic.delete")
    assert json.loads(event.before) == {
        "key": "parking",
        "name_zh": "停车",
        "name_en": "Parking",
    }


def test_a_topic_in_use_is_kept_and_the_page_says_why_in_chinese(
    admin, session, shipped
):
    topic = session.scalar(select(Topic).where(Topic.key == "investment"))
    used = session.scalar(select(func.count()).where(Commitment.topic_id == topic.id))
    assert used > 1
    admin.set_cookie("lang", "zh")
    page = delete(admin, "/admin/topics", f"/admin/topics/{topic.id}/delete")
    assert f"{used} 项承诺" in page.get_data(as_text=True)
    admin.set_cookie("lang", "en")
    page = delete(admin, "/admin/topics", f"/admin/topics/{topic.id}/delete")
    assert (
        f"This topic cannot be deleted: {used} commitments are filed under it. "
        "File them under another topic first."
    ) in page.get_data(as_text=True)
    session.expire_all()
    assert session.get(Topic, topic.id) is not None
    assert events(session, "topic.delete") == []


def test_deleting_needs_the_form_token(admin, session, shipped):
    send(
        admin,
        "/admin/topics/new",
        "/admin/topics/new",
        {"key": "parking", "name_zh": "停车", "name_en": "Parking"},
    )
    topic_id = session.scalar(select(Topic.id).where(Topic.key == "parking"))
    assert admin.post(f"/admin/topics/{topic_id}/delete").status_code == 400
    assert session.get(Topic, topic_id) is not None
    assert events(session, "topic.delete") == []


@pytest.fixture
def retired(app, session):
    """A retired commitment holding one published comment."""
    commitment = make_commitment(session, retired_at=utcnow())
    session.add(
        Comment(
            commitment_id=commitment.id,
            resident_key="r-earlier",
            body="什么时候建好？",
            lang="zh",
            status=CommentStatus.PUBLISHED,
        )
    )
    session.commit()
    return commitment


def test_the_rating_service_refuses_a_retired_commitment(app, session, retired):
    with pytest.raises(CommitmentRetired) as refused:
        ratings.rate(session, retired, "r-1", 4)
    assert refused.value.commitment is retired
    assert session.scalar(select(func.count()).select_from(Rating)) == 0
    assert session.scalar(select(func.count()).select_from(RatingChange)) == 0


def test_the_comment_service_refuses_a_retired_commitment(app, session, retired):
    with app.app_context(), pytest.raises(CommitmentRetired):
        comments.submit_comment(
            session,
            retired,
            resident_key="r-1",
            body="还会建吗？",
            display_name=None,
            network_key=None,
        )
    assert session.scalar(select(func.count()).select_from(Comment)) == 1


def test_a_comment_on_a_retired_commitment_can_still_be_flagged(app, session, retired):
    """A flag is a safety report, not feedback: abuse must stay reportable."""
    comment = session.scalar(select(Comment))
    comments.flag_comment(
        session,
        comment.id,
        resident_key="r-2",
        reason=FlagReason(next(iter(FlagReason)).value),
        threshold=3,
    )
    session.expire_all()
    assert session.get(Comment, comment.id).flag_count == 1


def test_an_unretired_commitment_takes_ratings_again(app, session, retired):
    retired.retired_at = None
    session.commit()
    assert ratings.rate(session, retired, "r-1", 4).previous is None


def test_units_are_added_and_edited_and_logged(admin, session):
    assert "There are no units yet." in admin.get("/admin/units").get_data(as_text=True)
    added = send(admin, "/admin/units/new", "/admin/units/new", {
        "label_zh": "万亩", "label_en": "mu", "en_scale": "10000",
    }, follow_redirects=True)  # fmt: skip
    page = added.get_data(as_text=True)
    assert "The unit mu is added." in page and "10,000" in page
    unit = session.scalar(select(Unit))
    assert (unit.key, unit.label_zh, unit.label_en) == ("mu", "万亩", "mu")
    (event,) = events(session, "unit.create")
    assert event.actor == "li"
    assert json.loads(event.after) == {
        "key": "mu", "label_zh": "万亩", "label_en": "mu", "en_scale": "10000",
    }  # fmt: skip

    form = f"/admin/units/{unit.id}/edit"
    assert 'value="10000"' in admin.get(form).get_data(as_text=True)
    edited = send(admin, form, form, {
        "label_zh": "万亩", "label_en": "mu of farmland", "en_scale": "10000",
    }, follow_redirects=True)  # fmt: skip
    assert "The unit mu is saved." in edited.get_data(as_text=True)
    (event,) = events(session, "unit.edit")
    assert json.loads(event.before) == {"key": "mu", "label_en": "mu"}
    assert json.loads(event.after) == {"key": "mu", "label_en": "mu of farmland"}
    unchanged = send(admin, form, form, {
        "label_zh": "万亩", "label_en": "mu of farmland", "en_scale": "10000",
    }, follow_redirects=True)  # fmt: skip
    assert "Nothing was changed." in unchanged.get_data(as_text=True)
    assert len(events(session, "unit.edit")) == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"label_zh": "个", "label_en": ""}, "Please write the name in English."),
        ({"label_zh": "", "label_en": "piles"}, "Please write the name in Chinese."),
        ({"label_zh": "个", "label_en": "piles", "en_scale": "0"},
         "Please enter a number greater than 0."),
        ({"label_zh": "个", "label_en": "Projects"}, "exists already"),
    ],
)  # fmt: skip
def test_a_bad_unit_is_refused_with_a_message(admin, session, values, message):
    session.add(Unit(key="projects", label_zh="个", label_en="projects", en_scale=1))
    session.commit()
    refused = send(
        admin, "/admin/units/new", "/admin/units/new", {"en_scale": "1", **values}
    )
    assert refused.status_code == 400
    assert message in refused.get_data(as_text=True)
    assert session.scalar(select(func.count(Unit.id))) == 1
    assert not events(session, "unit.create")


def test_only_administrators_manage_units(app, make_staff, sign_in):
    client = app.test_client()
    sign_in(client, make_staff("official"))
    assert client.get("/admin/units").status_code == 403
    assert client.post("/admin/units/new").status_code in (400, 403)
