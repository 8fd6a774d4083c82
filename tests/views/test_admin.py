"""Administrators manage commitments, areas and topics; every change is audited,
and a retired commitment keeps its address and its feedback."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from portal.models import (
    Area,
    AuditEvent,
    Comment,
    Commitment,
    Rating,
    Topic,
    Unit,
)
from portal.services import moderation
from tests.forms import hidden_fields, send

NEW = "/admin/commitments/new"


@pytest.fixture
def admin(app, make_staff, sign_in):
    """An administrator's client, reading English."""
    client = app.test_client()
    sign_in(client, make_staff("administrator", username="wang"))
    client.set_cookie("lang", "en")
    return client


def ids(session) -> dict:
    area = session.scalar(select(Area).where(Area.code == "3.5"))
    topic = session.scalar(select(Topic).where(Topic.key == "charging"))
    unit = session.scalar(select(Unit).where(Unit.key == "charging_piles"))
    return {"area": str(area.id), "topic": str(topic.id), "unit": str(unit.id)}


def commitment_data(session, **values) -> dict:
    known = ids(session)
    return {
        "code": "3.5.30",
        "area": known["area"],
        "topic": known["topic"],
        "title_zh": "新建换电站",
        "title_en": "Build battery swap stations",
        "summary_zh": "新建换电站5座。",
        "summary_en": "Build 5 battery swap stations.",
        "quote_zh": "新建换电站5座。",
        "phrasing": "reach",
        "target_value": "5",
        "target_unit": known["unit"],
        "baseline_value": "",
        "baseline_unit": "",
        "baseline_quote_zh": "",
        **values,
    }


def events(session, action: str) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.id)
        )
    )


def get(session, code: str) -> Commitment:
    session.expire_all()
    return session.scalar(select(Commitment).where(Commitment.code == code))


def test_an_administrator_adds_a_commitment_residents_then_see(
    admin, app, session, shipped
):
    response = send(admin, NEW, NEW, commitment_data(session))
    assert response.status_code == 303
    assert "3.5.30 is added" in admin.get(response.headers["Location"]).get_data(
        as_text=True
    )
    added = get(session, "3.5.30")
    assert added.target_value == 5 and added.target_unit.key == "charging_piles"
    # Report order: after 3.5.9 and the other 3.5 items, before section 3.6.
    before = get(session, "3.5.8")
    first_of_next = session.scalar(
        select(Commitment).where(Commitment.code.startswith("3.6.")).limit(1)
    )
    assert before.position < added.position < first_of_next.position
    page = app.test_client().get("/?lang=en&q=battery").get_data(as_text=True)
    assert "Build battery swap stations" in page
    (event,) = events(session, "commitment.create")
    after = json.loads(event.after)
    assert event.actor == "wang"
    assert (
        after["code"] == "3.5.30" and after["title_en"] == "Build battery swap stations"
    )
    assert after["target_value"] == "5" and after["area"] == "3.5"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"code": "3.5.8"}, "Another commitment of this report has this code"),
        ({"code": "3 5 30"}, "Use the report&#39;s numbering"),
        ({"code": "<b>1</b>"}, "Use the report&#39;s numbering"),
        ({"code": ""}, "Please enter the code."),
        ({"title_zh": ""}, "Please write the title in Chinese."),
        ({"target_value": ""}, "This phrasing needs a target figure"),
        ({"target_value": "five"}, "Not a valid decimal value"),
        ({"area": "999999"}, "Not a valid choice"),
        ({"phrasing": "promise"}, "Not a valid choice"),
    ],
)
def test_bad_commitments_are_refused_on_the_form(
    admin, session, shipped, values, message
):
    count = session.scalar(select(func.count()).select_from(Commitment))
    response = send(admin, NEW, NEW, commitment_data(session, **values))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'aria-invalid="true"' in page
    assert "<b>1</b>" not in page
    assert session.scalar(select(func.count()).select_from(Commitment)) == count
    assert not events(session, "commitment.create")


def test_an_administrator_edits_a_commitment_and_the_log_keeps_before_and_after(
    admin, app, session, shipped
):
    form = "/admin/commitments/3.5.8/edit"
    page = admin.get(form).get_data(as_text=True)
    assert "Build new public charging piles" in page and 'name="code"' not in page
    assert 'name="target_value" step="any" type="number" value="40"' in page
    data = commitment_data(session, title_en="Build 40 public charging points")
    del data["code"]
    data.update(
        title_zh="新建公共充电桩",
        summary_zh="新建公共充电桩40个。",
        summary_en="Build 40 new public charging piles.",
        quote_zh="新建公共充电桩40个。",
        target_value="40",
        baseline_value="170",
        baseline_unit=data["target_unit"],
        baseline_quote_zh="新建公共充电桩170个。",
    )
    response = send(admin, form, form, data)
    assert response.status_code == 303
    (event,) = events(session, "commitment.edit")
    assert json.loads(event.before) == {"title_en": "Build new public charging piles"}
    assert json.loads(event.after) == {"title_en": "Build 40 public charging points"}
    card = app.test_client().get("/c/3.5.8?lang=en").get_data(as_text=True)
    assert "Build 40 public charging points" in card

    # Sending the same again changes nothing and logs nothing.
    send(admin, form, form, data)
    assert len(events(session, "commitment.edit")) == 1


def test_saving_an_english_title_clears_the_machine_draft_mark(
    admin, app, session, shipped
):
    commitment = get(session, "3.5.8")
    commitment.needs_english = True
    session.commit()
    page = app.test_client().get("/c/3.5.8?lang=en").get_data(as_text=True)
    assert "Build new public charging piles" in page and "(machine draft)" in page
    assert "Needs English" in admin.get("/admin/").get_data(as_text=True)

    form = "/admin/commitments/3.5.8/edit"
    page = admin.get(form).get_data(as_text=True)
    data = {
        name: value
        for name, value in commitment_data(session).items()
        if name != "code"
    }
    data.update(
        title_zh="新建公共充电桩",
        title_en="Build new public charging piles",
        summary_zh="新建公共充电桩40个。",
        summary_en="Build 40 new public charging piles.",
        quote_zh="新建公共充电桩40个。",
        target_value="40",
        baseline_value="170",
        baseline_unit=data["target_unit"],
        baseline_quote_zh="新建公共充电桩170个。",
    )
    assert send(admin, form, form, data).status_code == 303
    assert get(session, "3.5.8").needs_english is False
    (event,) = events(session, "commitment.edit")
    assert json.loads(event.before) == {"needs_english": True}
    assert json.loads(event.after) == {"needs_english": False}
    page = app.test_client().get("/c/3.5.8?lang=en").get_data(as_text=True)
    assert "(machine draft)" not in page


@pytest.fixture
def feedback_on_3_5_8(app, client, session, shipped, make_staff):
    """A rating and a published comment on 3.5.8, sent as a resident would."""
    page = "/c/3.5.8"
    send(client, page, "/c/3.5.8/rating", {"score": "2"})
    body = "充电桩太少了，希望今年能建起来。"
    assert send(client, page, "/c/3.5.8/comments", {"body": body}).status_code == 303
    comment = session.scalar(select(Comment))
    with app.test_request_context():
        moderation.decide(session, comment.id, make_staff("moderator"), approve=True)
    return body


def test_a_retired_commitment_leaves_the_list_and_keeps_its_page_and_feedback(
    admin, app, client, session, feedback_on_3_5_8
):
    form = "/admin/commitments/3.5.8/edit"
    response = send(
        admin, form, "/admin/commitments/3.5.8/retire", {"reason": "Merged into 3.5.9"}
    )
    assert response.status_code == 303
    assert get(session, "3.5.8").retired_at is not None
    (event,) = events(session, "commitment.retire")
    assert json.loads(event.before)["retired_at"] is None
    assert json.loads(event.after)["retired_at"]
    assert event.reason == "Merged into 3.5.9"
    assert "Retired on" in admin.get("/admin/").get_data(as_text=True)

    reader = app.test_client()
    assert "3.5.8" not in reader.get("/?q=充电桩").get_data(as_text=True)
    response = reader.get("/c/3.5.8?lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This commitment was retired on" in page
    assert "its feedback is kept" in page
    assert feedback_on_3_5_8 in page
    assert "Average 2.0 out of 5, from 1 rating." in page
    assert 'action="/c/3.5.8/rating' not in page
    assert 'action="/c/3.5.8/comments' not in page

    api = reader.get("/api/v1/commitments/3.5.8").get_json()
    assert api["retired"] is True and api["retired_on"]
    assert api["rating"]["count"] == 1
    listed = reader.get("/api/v1/commitments").get_json()["commitments"]
    assert next(c for c in listed if c["code"] == "3.5.9")["retired"] is False

    # And back again: on the list, open to feedback, both steps in the log.
    response = send(admin, form, "/admin/commitments/3.5.8/unretire", {"reason": ""})
    assert response.status_code == 303
    assert get(session, "3.5.8").retired_at is None
    (event,) = events(session, "commitment.unretire")
    assert json.loads(event.after)["retired_at"] is None
    assert "3.5.8" in reader.get("/?q=充电桩").get_data(as_text=True)
    assert 'action="/c/3.5.8/rating' in reader.get("/c/3.5.8").get_data(as_text=True)


def test_retiring_twice_is_refused_with_a_message(admin, session, shipped):
    form = "/admin/commitments/3.5.8/edit"
    page = admin.get(form).get_data(as_text=True)
    send(admin, form, "/admin/commitments/3.5.8/retire", {})
    # A second tab still shows the retire button.
    again = admin.post(
        "/admin/commitments/3.5.8/retire",
        data=hidden_fields(page, "/admin/commitments/3.5.8/retire"),
        follow_redirects=True,
    )
    assert "This commitment was retired already." in again.get_data(as_text=True)
    assert len(events(session, "commitment.retire")) == 1


def test_residents_cannot_rate_or_comment_on_a_retired_commitment(
    app, admin, session, shipped
):
    reader = app.test_client()
    page = reader.get("/c/3.5.8").get_data(as_text=True)  # opened before retiring
    send(admin, "/admin/commitments/3.5.8/edit", "/admin/commitments/3.5.8/retire", {})
    for action, data in (
        ("/c/3.5.8/rating", {"score": "5"}),
        ("/c/3.5.8/comments", {"body": "还会建吗？"}),
    ):
        response = reader.post(
            action,
            data={**hidden_fields(page, action), **data},
            headers={"Accept-Language": "en"},
        )
        assert response.status_code == 409
        assert "takes no new ratings or comments" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Rating)) == 0
    assert session.scalar(select(func.count()).select_from(Comment)) == 0


def test_an_empty_english_title_shows_the_chinese_one_marked(app, session, shipped):
    commitment = get(session, "3.5.8")
    commitment.title_en = ""
    session.commit()
    reader = app.test_client()
    for url in ("/?lang=en&q=充电桩", "/c/3.5.8?lang=en"):
        page = reader.get(url).get_data(as_text=True)
        assert '<span lang="zh-Hans">新建公共充电桩</span>' in page
        assert "(Chinese only)" in page
    chinese = reader.get("/c/3.5.8?lang=zh").get_data(as_text=True)
    assert "新建公共充电桩" in chinese and "(Chinese only)" not in chinese


def test_areas_are_added_and_renamed_with_the_log(admin, app, session, shipped):
    response = send(
        admin,
        "/admin/areas/new",
        "/admin/areas/new",
        {"code": "3.9", "name_zh": "数字政府", "name_en": "Digital government"},
    )
    assert response.status_code == 303
    area = session.scalar(select(Area).where(Area.code == "3.9"))
    assert area.name_en == "Digital government"
    (event,) = events(session, "area.create")
    assert json.loads(event.after)["name_zh"] == "数字政府"

    form = f"/admin/areas/{area.id}/edit"
    response = send(
        admin, form, form, {"name_zh": "数字政府", "name_en": "Digital public services"}
    )
    assert response.status_code == 303
    (event,) = events(session, "area.edit")
    assert json.loads(event.before) == {"code": "3.9", "name_en": "Digital government"}
    assert json.loads(event.after) == {
        "code": "3.9",
        "name_en": "Digital public services",
    }
    assert "Digital public services" in admin.get("/admin/areas").get_data(as_text=True)

    again = send(
        admin,
        "/admin/areas/new",
        "/admin/areas/new",
        {"code": "3.9", "name_zh": "重复", "name_en": "Again"},
    )
    assert again.status_code == 400
    assert "Another area of this report has this code" in again.get_data(as_text=True)


def test_topics_are_added_and_renamed_with_the_log(admin, session, shipped):
    response = send(
        admin,
        "/admin/topics/new",
        "/admin/topics/new",
        {"key": "digital", "name_zh": "数字化", "name_en": "Digital"},
    )
    assert response.status_code == 303
    topic = session.scalar(select(Topic).where(Topic.key == "digital"))
    (event,) = events(session, "topic.create")
    assert json.loads(event.after) == {
        "key": "digital",
        "name_zh": "数字化",
        "name_en": "Digital",
    }
    form = f"/admin/topics/{topic.id}/edit"
    response = send(admin, form, form, {"name_zh": "数字服务", "name_en": "Digital"})
    assert response.status_code == 303
    (event,) = events(session, "topic.edit")
    assert json.loads(event.before) == {"key": "digital", "name_zh": "数字化"}
    assert json.loads(event.after) == {"key": "digital", "name_zh": "数字服务"}

    for key, message in (
        ("charging", "Another topic has this key"),
        ("Digital Life", "Use lower-case letters"),
    ):
        refused = send(
            admin,
            "/admin/topics/new",
            "/admin/topics/new",
            {"key": key, "name_zh": "重复", "name_en": "Again"},
        )
        assert refused.status_code == 400
        assert message in refused.get_data(as_text=True)


ADMIN_PAGES = [
    ("get", "/admin/"),
    ("get", "/admin/commitments/new"),
    ("post", "/admin/commitments/new"),
    ("get", "/admin/commitments/3.5.8/edit"),
    ("post", "/admin/commitments/3.5.8/edit"),
    ("post", "/admin/commitments/3.5.8/retire"),
    ("post", "/admin/commitments/3.5.8/unretire"),
    ("get", "/admin/areas"),
    ("get", "/admin/areas/new"),
    ("post", "/admin/areas/new"),
    ("get", "/admin/areas/1/edit"),
    ("get", "/admin/topics"),
    ("get", "/admin/topics/new"),
    ("post", "/admin/topics/new"),
    ("get", "/admin/topics/1/edit"),
]


@pytest.mark.parametrize("role", ["moderator", "official", None])
def test_only_administrators_manage_commitments(
    app, make_staff, sign_in, session, shipped, role
):
    client = app.test_client()
    if role:
        sign_in(client, make_staff(role))
    # A real form token, so that it is the role that is refused, not the form.
    page = client.get("/c/3.5.8").get_data(as_text=True)
    token = {"csrf_token": hidden_fields(page, "/c/3.5.8/rating")["csrf_token"]}
    for method, url in ADMIN_PAGES:
        if method == "post":
            response = client.post(url, data={**token, **commitment_data(session)})
        else:
            response = client.get(url)
        assert response.status_code == 403, (method, url)
    assert get(session, "3.5.8").retired_at is None
    kinds = {
        action.split(".")[0] for action in session.scalars(select(AuditEvent.action))
    }
    assert not kinds & {"commitment", "area", "topic"}


def test_admin_pages_are_never_cached_and_state_changes_need_a_token(
    app, admin, session, shipped
):
    response = admin.get("/admin/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "3.5.8" in response.get_data(as_text=True)
    assert admin.get("/admin/commitments/3.5.8/retire").status_code == 405


def test_retiring_without_the_form_token_is_refused(admin, session, shipped):
    response = admin.post("/admin/commitments/3.5.8/retire", data={"reason": ""})
    assert response.status_code == 400
    assert get(session, "3.5.8").retired_at is None
    assert not events(session, "commitment.retire")


def test_an_administrator_gives_a_commitment_to_a_department(
    admin, session, shipped, make_staff
):
    make_staff("official", username="zhou", department="区住建局")
    form = "/admin/commitments/3.5.8/edit"
    page = admin.get(form).get_data(as_text=True)
    assert "Responsible department" in page and '<option value="区住建局">' in page
    data = commitment_data(session)
    del data["code"]
    data.update(title_zh=get(session, "3.5.8").title_zh, department="区住房局")
    refused = send(admin, form, form, data)
    assert refused.status_code == 400
    assert get(session, "3.5.8").department is None
    data["department"] = "区住建局"
    assert send(admin, form, form, data).status_code == 303
    assert get(session, "3.5.8").department == "区住建局"
    (event, *_) = events(session, "commitment.edit")
    assert json.loads(event.after)["department"] == "区住建局"
    listing = admin.get("/admin/").get_data(as_text=True)
    assert "<bdi>区住建局</bdi>" in listing
