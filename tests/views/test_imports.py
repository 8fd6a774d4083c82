"""An administrator uploads a report's text, reviews the drafts and publishes."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.config import ROOT
from portal.models import (
    AuditEvent,
    Commitment,
    DraftCommitment,
    ImportBatch,
    Report,
    Unit,
)
from tests.forms import hidden_fields, send

REPORT = ROOT / "portal" / "data" / "beiguan-2025-work-report.zh.txt"
SYNTHETIC = Path(__file__).parents[1] / "reports_import" / "data"


@pytest.fixture
def admin(app, make_staff, sign_in):
    client = app.test_client()
    sign_in(client, make_staff("administrator"))
    return client


def upload(client, data: bytes, name="report.txt"):
    token = hidden_fields(client.get("/admin/imports/").get_data(as_text=True),
                          "/admin/imports/")  # fmt: skip
    return client.post(
        "/admin/imports/?lang=en",
        data={**token, "report": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_upload_review_and_publish_a_report_on_an_empty_portal(admin, session):
    response = upload(admin, REPORT.read_bytes())
    assert response.status_code == 303
    batch = session.scalar(select(ImportBatch))
    assert batch.year == 2025 and len(batch.drafts) >= 50
    review = admin.get(response.headers["Location"])
    page = review.get_data(as_text=True)
    assert review.status_code == 200, page[-3000:]
    assert "Review the drafts" in page and "新建公共充电桩" in page

    # Translate one draft, drop another, merge a third into the one before.
    first, second, third = batch.drafts[0], batch.drafts[1], batch.drafts[5]
    url = f"/admin/imports/{batch.id}"
    action = f"{url}/drafts/{first.id}?lang=en"
    fields = hidden_fields(page, action)
    values = {
        "code": first.code, "title_zh": "生产总值增长", "title_en": "GDP growth",
        "quote_zh": first.quote_zh, "target_value": "6", "unit_key": "+new",
        "new_unit-label_zh": "%", "new_unit-label_en": "%", "phrasing": "grow_by",
    }  # fmt: skip
    prefixed = {f"d{first.id}-{key}": value for key, value in values.items()}
    saved = admin.post(action, data={**fields, **prefixed, "action": "save"})
    assert saved.status_code == 303
    drop = f"{url}/drafts/{second.id}?lang=en"
    assert (
        admin.post(
            drop, data={**hidden_fields(page, drop), "action": "drop"}
        ).status_code
        == 303
    )
    merge = f"{url}/drafts/{third.id}?lang=en"
    assert (
        admin.post(
            merge, data={**hidden_fields(page, merge), "action": "merge"}
        ).status_code
        == 303
    )
    session.expire_all()
    assert session.get(DraftCommitment, first.id).needs_english is False
    assert session.get(DraftCommitment, second.id).dropped

    page = admin.get(url + "?lang=en").get_data(as_text=True)
    publish = f"{url}/publish?lang=en"
    published = admin.post(publish, data={
        **hidden_fields(page, publish), "year": "2025", "district_zh": "北关区",
        "district_en": "Beiguan District", "make_current": "y",
    })  # fmt: skip
    assert published.status_code == 303
    report = session.scalar(select(Report).where(Report.year == 2025))
    kept = len(batch.drafts) - 2
    count = session.scalar(
        select(func.count()).where(Commitment.report_id == report.id)
    )
    assert count == kept
    card = admin.get("/c/3.5.8?lang=en")
    assert card.status_code == 200
    assert session.scalar(
        select(AuditEvent).where(AuditEvent.action == "report.import")
    )
    # The same drafts cannot be published twice.
    again = admin.post(publish, data={
        **hidden_fields(page, publish), "year": "2026", "district_zh": "北关区",
        "district_en": "Beiguan District",
    })  # fmt: skip
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.txt", "The file is empty"),
        ("政府工作报告".encode("gbk") * 50, "gbk.txt", "not UTF-8"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "report.txt", "This is a PDF"),
        ("各位代表：今年我们继续努力工作，办好民生实事。\n".encode() * 20, "words.txt",
         "No commitments found"),
    ],
)  # fmt: skip
def test_bad_files_get_a_clear_message_and_import_nothing(
    admin, session, data, name, message
):
    response = upload(admin, data, name)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert session.scalar(select(func.count(ImportBatch.id))) == 0


def test_a_file_over_the_limit_is_refused(app, admin, session):
    app.config["REPORT_UPLOAD_MAX_BYTES"] = 10_000
    response = upload(admin, REPORT.read_bytes())
    assert response.status_code in (400, 413)
    assert session.scalar(select(func.count(ImportBatch.id))) == 0


def test_a_utf8_bom_is_accepted(admin, session):
    assert upload(admin, b"\xef\xbb\xbf" + REPORT.read_bytes()).status_code == 303


def test_only_administrators_import(app, make_staff, sign_in):
    for role in ("official", "moderator"):
        client = app.test_client()
        sign_in(client, make_staff(role))
        assert client.get("/admin/imports/").status_code == 403
    assert app.test_client().get("/admin/imports/").status_code == 403


def test_the_command_drafts_for_review_or_publishes(runner, session):
    drafted = runner.invoke(args=["report", "import", str(REPORT)])
    assert drafted.exit_code == 0, drafted.output
    assert "Review them at /admin/imports/" in drafted.output
    other = next(SYNTHETIC.glob("*.txt"))
    published = runner.invoke(args=[
        "report", "import", str(other), "--publish",
        "--district-zh", "青溪县", "--district-en", "Qingxi County",
    ])  # fmt: skip
    assert published.exit_code == 0, published.output
    report = session.scalar(select(Report).where(Report.district_en == "Qingxi County"))
    assert report is not None and report.is_current
    assert (
        session.scalar(select(func.count()).where(Commitment.report_id == report.id))
        > 5
    )


def test_an_earlier_year_stays_reachable_and_read_only(runner, client, shipped):
    other = next(SYNTHETIC.glob("*.txt"))
    result = runner.invoke(args=[
        "report", "import", str(other), "--publish",
        "--district-zh", "北关区", "--district-en", "Beiguan District",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    current = client.get("/?lang=en").get_data(as_text=True)
    assert "2026" in current and 'href="/?year=2025&amp;lang=en"' in current
    earlier = client.get("/?year=2025&lang=en").get_data(as_text=True)
    assert "charging" in earlier.lower()
    page = client.get("/c/3.5.8?year=2025&lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "no longer the current one" in html
    assert 'action="/c/3.5.8/rating' not in html
    assert client.get("/?year=1999").status_code == 404


def test_changing_a_draft_needs_the_form_token(admin, session):
    upload(admin, REPORT.read_bytes())
    draft = session.scalar(select(DraftCommitment))
    url = f"/admin/imports/{draft.batch_id}/drafts/{draft.id}"
    assert admin.post(url, data={"action": "drop"}).status_code == 400
    session.expire_all()
    assert not session.get(DraftCommitment, draft.id).dropped


def add_units(session, *units: tuple[str, str, str, int]) -> None:
    """Units the portal has already: (key, Chinese, English, scale)."""
    for key, zh, en, scale in units:
        session.add(Unit(key=key, label_zh=zh, label_en=en, en_scale=scale))
    session.commit()


def draft_about(batch: ImportBatch, words: str) -> DraftCommitment:
    """The draft whose report words say this."""
    return next(d for d in batch.drafts if words in d.quote_zh)


def selected(page: str, name: str) -> str:
    """The value selected in a select of the page."""
    options = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    chosen = re.search(r'<option selected value="([^"]*)"', options.group(1))
    return chosen.group(1) if chosen else ""


def save_draft(admin, batch, draft, **changes):
    """Send a draft's review form as it stands, with these fields changed."""
    review = f"/admin/imports/{batch.id}?lang=en"
    action = f"/admin/imports/{batch.id}/drafts/{draft.id}?lang=en"
    values = {
        "code": draft.code, "area_code": draft.area_code,
        "title_zh": draft.title_zh, "quote_zh": draft.quote_zh,
        "target_value": str(draft.target_value or ""),
        "phrasing": draft.phrasing.value,
        "baseline_value": str(draft.baseline_value or ""), **changes,
    }  # fmt: skip
    data = {f"d{draft.id}-{key}": value for key, value in values.items()}
    return send(admin, review, action, {**data, "action": "save"})


CHARGING = "新建公共充电桩"


def test_the_review_preselects_the_unit_named_in_the_english_title(admin, session):
    add_units(
        session,
        ("amenities", "个", "amenities", 1),
        ("charging_piles", "个", "charging piles", 1),
        ("villages", "个", "villages", 1),
    )
    upload(admin, REPORT.read_bytes())
    batch = session.scalar(select(ImportBatch))
    page = admin.get(f"/admin/imports/{batch.id}?lang=en").get_data(as_text=True)
    charging = draft_about(batch, CHARGING)
    assert charging.title_en == "Build new public charging piles"
    # Several units are called 个: the one whose English the title uses.
    assert selected(page, f"d{charging.id}-unit_key") == "charging_piles"
    assert selected(page, f"d{charging.id}-baseline_unit_key") == "+target"
    assert "个 / charging piles</option>" in page
    # No English words to go by: the first of them.
    projects = next(d for d in batch.drafts if d.unit_zh == "个" and not d.title_en)
    assert selected(page, f"d{projects.id}-unit_key") == "amenities"
    # A unit the portal lacks is offered as a new one, its scale guessed.
    farmland = draft_about(batch, "1.92万亩")
    prefix = f"d{farmland.id}-new_unit"
    assert selected(page, f"d{farmland.id}-unit_key") == "+new"
    assert re.search(rf'name="{prefix}-label_zh"[^>]*value="万亩"', page)
    assert re.search(rf'name="{prefix}-en_scale"[^>]*value="10000"', page)


def test_a_unit_made_in_the_review_is_logged_and_published(admin, session):
    add_units(session, ("projects", "个", "projects", 1))
    upload(admin, REPORT.read_bytes())
    batch = session.scalar(select(ImportBatch))
    charging = draft_about(batch, CHARGING)
    saved = save_draft(admin, batch, charging, **{
        "title_en": "Build new public charging piles", "unit_key": "+new",
        "new_unit-label_zh": "个", "new_unit-label_en": "charging piles",
        "new_unit-en_scale": "1", "baseline_unit_key": "+target",
    })  # fmt: skip
    assert saved.status_code == 303
    session.expire_all()
    unit = session.scalar(select(Unit).where(Unit.label_en == "charging piles"))
    draft = session.get(DraftCommitment, charging.id)
    assert (draft.unit_key, draft.baseline_unit_key) == (unit.key, unit.key)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "unit.create"))
    assert event.object_id == str(unit.id)
    assert json.loads(event.after)["label_en"] == "charging piles"
    # The page now selects it, and publishing uses it rather than "projects".
    page = admin.get(f"/admin/imports/{batch.id}?lang=en").get_data(as_text=True)
    assert selected(page, f"d{charging.id}-unit_key") == unit.key
    publish = f"/admin/imports/{batch.id}/publish?lang=en"
    published = admin.post(publish, data={
        **hidden_fields(page, publish), "year": "2025", "district_zh": "北关区",
        "district_en": "Beiguan District", "make_current": "y",
    })  # fmt: skip
    assert published.status_code == 303
    card = session.scalar(
        select(Commitment).where(Commitment.quote_zh.contains(CHARGING))
    )
    assert card.target_unit == unit and card.baseline_unit == unit


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"unit_key": "+new", "new_unit-label_zh": "个"}, 400,
         "Please write the new unit's name in English."),
        ({"unit_key": "+new", "new_unit-label_en": "charging piles"}, 400,
         "Please write the new unit's Chinese name."),
        ({"unit_key": "+new", "new_unit-label_zh": "个",
          "new_unit-label_en": "piles", "new_unit-en_scale": "0"}, 400,
         "Please enter a number greater than 0."),
        ({"unit_key": "litres"}, 400, "Not a valid choice"),
        ({"unit_key": "+new", "new_unit-label_zh": "个",
          "new_unit-label_en": "Projects"}, 409, "exists already"),
        # The target's new unit is not kept when the 2024 figure's is refused.
        ({"unit_key": "+new", "new_unit-label_zh": "个",
          "new_unit-label_en": "piles", "baseline_unit_key": "+new",
          "new_baseline_unit-label_zh": "个",
          "new_baseline_unit-label_en": "projects"}, 409, "exists already"),
    ],
)  # fmt: skip
def test_a_bad_unit_is_refused_with_a_message_and_saves_nothing(
    admin, session, changes, status, message
):
    add_units(session, ("projects", "个", "projects", 1))
    upload(admin, REPORT.read_bytes())
    batch = session.scalar(select(ImportBatch))
    charging = draft_about(batch, CHARGING)
    title = charging.title_zh
    refused = save_draft(admin, batch, charging, title_zh="改过的标题", **changes)
    assert refused.status_code == status
    assert message in refused.get_data(as_text=True)
    session.expire_all()
    assert session.get(DraftCommitment, charging.id).title_zh == title
    assert session.scalar(select(func.count(Unit.id))) == 1
