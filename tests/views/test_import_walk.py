"""The whole walk: an administrator uploads the Beiguan report to an empty portal,
reviews the drafts on the review page and publishes; the cards are then the ones
the shipped data file holds, field by field.

The test decides what to do with each draft as a reviewer would, by reading it
against the shipped data (matching report sentences and figures), never from a
list of draft numbers: the extraction may improve and the walk still holds.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.config import ROOT
from portal.models import (
    Area,
    Commitment,
    DraftCommitment,
    ImportBatch,
    Report,
    Status,
    Unit,
)
from portal.reportdata import clean_report_text, number_as_written
from tests.forms import hidden_fields, send

REPORT = ROOT / "portal" / "data" / "beiguan-2025-work-report.zh.txt"


@pytest.fixture
def admin(app, make_staff, sign_in):
    """An administrator's client, reading English."""
    client = app.test_client()
    sign_in(client, make_staff("administrator", username="zhao"))
    client.set_cookie("lang", "en")
    return client


def _value(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _quote(text: str | None) -> str:
    return clean_report_text(text or "")


@dataclass
class Plan:
    """What the reviewer does: which drafts become which shipped item."""

    keep: dict[str, DraftCommitment] = field(default_factory=dict)
    merge: dict[str, list[DraftCommitment]] = field(default_factory=dict)
    add: list[dict] = field(default_factory=list)
    drop: list[DraftCommitment] = field(default_factory=list)


def plan_review(drafts: list[DraftCommitment], items: list[dict]) -> Plan:
    """Match drafts to shipped items by the report's words and figures.

    Closest matches first, so a looser match never takes a draft a closer one
    needs: the same sentence and figure; the same sentence; one sentence inside
    the other with the same figure; consecutive drafts that together make the
    sentence (merged); one sentence inside the other. What is left is dropped,
    and shipped items without a draft are added.
    """
    plan, used = Plan(), set()
    free = [d for d in drafts]

    def same(d, item):
        return _quote(d.quote_zh) == item["quote"]

    def inside(d, item):
        a, b = _quote(d.quote_zh), item["quote"]
        return a in b or b in a

    def figure(d, item):
        return d.target_value == _value(item["target"].get("value"))

    rules = (
        lambda d, item: same(d, item) and figure(d, item),
        same,
        lambda d, item: inside(d, item) and figure(d, item) and d.target_value,
        None,  # consecutive drafts merged
        inside,
    )
    for rule in rules:
        for item in items:
            code = item["code"]
            if code in plan.keep or code in plan.merge:
                continue
            if rule is None:
                run = _run_making(free, used, item)
                if run:
                    plan.merge[code] = run
                    used.update(d.id for d in run)
                continue
            found = next(
                (
                    d
                    for d in free
                    if d.id not in used
                    and d.area_code == item["area"]
                    and rule(d, item)
                ),
                None,
            )
            if found is not None:
                plan.keep[code] = found
                used.add(found.id)
    plan.add = [i for i in items if i["code"] not in plan.keep | plan.merge]
    plan.drop = [d for d in drafts if d.id not in used]
    return plan


def _run_making(drafts, used, item) -> list[DraftCommitment] | None:
    """Two or more neighbouring drafts whose sentences together are the item's."""
    for start, first in enumerate(drafts):
        if first.id in used or not item["quote"].startswith(_quote(first.quote_zh)):
            continue
        run, text = [first], _quote(first.quote_zh)
        for nxt in drafts[start + 1 :]:
            if nxt.id in used or nxt.area_code != first.area_code:
                break
            run.append(nxt)
            text += _quote(nxt.quote_zh)
            if text == item["quote"]:
                return run
            if not item["quote"].startswith(text):
                break
    return None


def unit_spec(units: dict, key: str | None) -> tuple | None:
    """A shipped unit as (Chinese, English, scale)."""
    if not key:
        return None
    unit = units[key]
    return unit["zh"], unit["en"], Decimal(str(unit.get("en_scale", 1)))


def card_unit(unit: Unit | None) -> tuple | None:
    return unit and (unit.label_zh, unit.label_en, Decimal(unit.en_scale))


def unit_values(
    session, item: dict, units: dict, made: list, picked: list
) -> dict[str, str]:
    """The unit selects as a reviewer sets them: the portal's unit that is the
    shipped one (noted in `picked`), else a new unit described in the form
    (noted in `made`)."""
    known = {card_unit(u): u.key for u in session.scalars(select(Unit))}
    target = unit_spec(units, item["target"].get("unit"))
    baseline = unit_spec(units, (item.get("baseline") or {}).get("unit"))
    values = {}
    for name, new, spec in (
        ("unit_key", "new_unit", target),
        ("baseline_unit_key", "new_baseline_unit", baseline),
    ):
        if spec is None:
            values[name] = ""
        elif name == "baseline_unit_key" and spec == target:
            values[name] = "+target"
        elif spec in known:
            values[name] = known[spec]
            picked.append(spec)
        else:
            zh, en, scale = spec
            values[name] = "+new"
            values.update({
                f"{new}-label_zh": zh, f"{new}-label_en": en,
                f"{new}-en_scale": number_as_written(scale),
            })  # fmt: skip
            made.append(spec)
    return values


def form_values(item: dict, units: dict, chosen: dict) -> dict[str, str]:
    """The review form filled in with what the shipped item says; `chosen`: the
    unit fields (unit_values)."""
    target, baseline = item["target"], item.get("baseline") or {}

    def number(value):
        return "" if value is None else number_as_written(value)

    return {
        "code": item["code"],
        "area_code": item["area"],
        "topic_key": item["topic"],
        "title_zh": item["title"]["zh"],
        "title_en": item["title"]["en"],
        "summary_zh": item["summary"]["zh"],
        "summary_en": item["summary"]["en"],
        "quote_zh": item["quote"],
        "target_value": number(target.get("value")),
        "phrasing": target["phrasing"],
        "baseline_value": number(baseline.get("value")),
        "baseline_quote_zh": baseline.get("quote", ""),
        **chosen,
    }


def extracted_as_shipped(draft: DraftCommitment, item: dict, units: dict) -> bool:
    """The extraction got the item's facts right: only words were left to write."""
    target, baseline = item["target"], item.get("baseline") or {}
    return (
        draft.code == item["code"]
        and _quote(draft.quote_zh) == item["quote"]
        and draft.target_value == _value(target.get("value"))
        and (draft.unit_zh or None)
        == (units[target["unit"]]["zh"] if target.get("unit") else None)
        and draft.phrasing.value == target["phrasing"]
        and draft.baseline_value == _value(baseline.get("value"))
    )


def post_form(client, page: str, url: str, prefix: str, values: dict, button=None):
    """Send one form of the review page, as its button (save, merge, drop) does."""
    data = {f"{prefix}-{key}": value for key, value in values.items()}
    if button:
        data["action"] = button
    response = client.post(url, data={**hidden_fields(page, url), **data})
    assert response.status_code == 303, re.findall(
        r'class="error"[^>]*>([^<]*)', response.get_data(as_text=True)
    )
    return response


def test_the_beiguan_report_reviewed_on_an_empty_portal_gives_the_shipped_cards(
    admin, session, shipped_data
):
    data = shipped_data
    items = [{**item, "code": str(item["code"])} for item in data.commitments]
    assert session.scalar(select(Report.id)) is None  # an empty portal

    # The topics the cards are filed under, added as an administrator adds them.
    for topic in data.topics:
        added = send(admin, "/admin/topics/new", "/admin/topics/new", {
            "key": topic["key"], "name_zh": topic["name"]["zh"],
            "name_en": topic["name"]["en"],
        })  # fmt: skip
        assert added.status_code == 303

    # Upload the report's text.
    token = hidden_fields(admin.get("/admin/imports/").get_data(as_text=True),
                          "/admin/imports/")  # fmt: skip
    uploaded = admin.post(
        "/admin/imports/",
        data={**token, "report": (io.BytesIO(REPORT.read_bytes()), REPORT.name)},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 303
    batch = session.scalar(select(ImportBatch))
    review_url = uploaded.headers["Location"]
    page = admin.get(review_url).get_data(as_text=True)
    drafts = list(batch.drafts)

    plan = plan_review(drafts, items)
    base = f"/admin/imports/{batch.id}/drafts"
    as_extracted = edited = 0
    made, picked = [], []  # units described in the form, chosen in its list
    # Merges first, while the drafts before them are still kept.
    for run in plan.merge.values():
        for later in run[1:]:
            action = f"{base}/{later.id}"
            post_form(admin, page, action, f"d{later.id}", {}, button="merge")
    for item in items:
        code = item["code"]
        draft = plan.keep.get(code) or (plan.merge.get(code) or [None])[0]
        if draft is None:
            continue
        if code in plan.keep and extracted_as_shipped(draft, item, data.units):
            as_extracted += 1
        else:
            edited += 1
        action = f"{base}/{draft.id}"
        chosen = unit_values(session, item, data.units, made, picked)
        post_form(
            admin, page, action, f"d{draft.id}",
            form_values(item, data.units, chosen), button="save",
        )  # fmt: skip
    for draft in plan.drop:
        action = f"{base}/{draft.id}"
        post_form(admin, page, action, f"d{draft.id}", {}, button="drop")
    for item in plan.add:
        chosen = unit_values(session, item, data.units, made, picked)
        values = form_values(item, data.units, chosen)
        post_form(admin, page, f"{base}/new", "new", values)
    merged = sum(len(run) - 1 for run in plan.merge.values())
    print(
        f"\n{len(drafts)} drafts for {len(items)} shipped cards: "
        f"{as_extracted} kept as extracted (English, summary and topic written), "
        f"{edited} edited, {merged} merged into the draft before, "
        f"{len(plan.drop)} dropped, {len(plan.add)} added "
        f"({', '.join(i['code'] for i in plan.add)}); "
        f"{len(made)} units described in the review form, "
        f"{len(picked)} times a unit chosen from its list"
    )
    # Every unit the cards use was described once, in the review form.
    used = {unit_spec(data.units, i["target"].get("unit")) for i in items} | {
        unit_spec(data.units, (i.get("baseline") or {}).get("unit")) for i in items
    }
    assert sorted(made) == sorted(used - {None})
    assert as_extracted + edited + len(plan.add) == len(items)
    assert as_extracted + edited + merged + len(plan.drop) == len(drafts)

    page = admin.get(review_url).get_data(as_text=True)
    assert f"{len(items)} drafts kept, 0 still need English" in page
    publish = f"/admin/imports/{batch.id}/publish"
    published = admin.post(publish, data={
        **hidden_fields(page, publish), "year": "2025",
        "district_zh": data.report["district"]["zh"],
        "district_en": data.report["district"]["en"], "make_current": "y",
    })  # fmt: skip
    assert published.status_code == 303, published.get_data(as_text=True)[-3000:]
    # Publishing used the chosen units and made none of its own.
    assert session.scalar(select(func.count(Unit.id))) == len(made)

    # The areas keep the report's headings; the administrator names them.
    report = session.scalar(select(Report).where(Report.year == 2025))
    assert report.is_current
    assert report.title_zh == data.report["title"]["zh"]
    assert report.title_en == data.report["title"]["en"]
    for area in data.areas:
        area_id = session.scalar(
            select(Area.id).where(
                Area.report_id == report.id, Area.code == area["code"]
            )
        )
        form = f"/admin/areas/{area_id}/edit"
        renamed = send(admin, form, form, {
            "name_zh": area["name"]["zh"], "name_en": area["name"]["en"],
        })  # fmt: skip
        assert renamed.status_code == 303

    session.expire_all()
    cards = list(
        session.scalars(
            select(Commitment)
            .where(Commitment.report_id == report.id)
            .order_by(Commitment.position)
        )
    )
    assert [c.code for c in cards] == [i["code"] for i in items]
    areas = {a["code"]: a["name"] for a in data.areas}
    topics = {t["key"]: t["name"] for t in data.topics}
    for card, item in zip(cards, items, strict=True):
        target, baseline = item["target"], item.get("baseline") or {}
        units = data.units
        assert {
            "area": (card.area.code, card.area.name_zh, card.area.name_en),
            "topic": (card.topic.key, card.topic.name_zh, card.topic.name_en),
            "title": (card.title_zh, card.title_en),
            "summary": (card.summary_zh, card.summary_en),
            "quote": card.quote_zh,
            "target": (
                card.target_value,
                card_unit(card.target_unit),
                card.phrasing.value,
            ),
            "baseline": (
                card.baseline_value,
                card_unit(card.baseline_unit),
                card.baseline_quote_zh,
            ),
            "status": card.status,
            "needs English": card.needs_english,
            "retired": card.retired_at,
        } == {
            "area": (item["area"], *areas[item["area"]].values()),
            "topic": (item["topic"], *topics[item["topic"]].values()),
            "title": (item["title"]["zh"], item["title"]["en"]),
            "summary": (item["summary"]["zh"], item["summary"]["en"]),
            "quote": item["quote"],
            "target": (
                _value(target.get("value")),
                unit_spec(units, target.get("unit")),
                target["phrasing"],
            ),
            "baseline": (
                _value(baseline.get("value")),
                unit_spec(units, baseline.get("unit")),
                baseline.get("quote"),
            ),
            "status": Status.NOT_STARTED,
            "needs English": False,
            "retired": None,
        }, item["code"]

    # What residents see: the card in English, in the current report.
    card = admin.get("/c/3.5.8").get_data(as_text=True)
    assert "Build new public charging piles" in card
    assert "Boosting demand" in admin.get("/").get_data(as_text=True)


def test_a_missed_commitment_needs_a_code_an_area_and_its_words(admin, session):
    token = hidden_fields(admin.get("/admin/imports/").get_data(as_text=True),
                          "/admin/imports/")  # fmt: skip
    uploaded = admin.post(
        "/admin/imports/",
        data={**token, "report": (io.BytesIO(REPORT.read_bytes()), REPORT.name)},
        content_type="multipart/form-data",
    )
    batch = session.scalar(select(ImportBatch))
    count = len(batch.drafts)
    page = admin.get(uploaded.headers["Location"]).get_data(as_text=True)
    url = f"/admin/imports/{batch.id}/drafts/new"
    refused = admin.post(url, data={
        **hidden_fields(page, url), "new-code": "", "new-area_code": "9.9",
        "new-title_zh": "", "new-quote_zh": "", "new-phrasing": "advance",
    })  # fmt: skip
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    for message in (
        "Please enter the code.",
        "Not a valid choice",
        "Please enter the title.",
        "Please keep the report's words.",
    ):
        assert message in html  # fmt: skip
    session.expire_all()
    assert len(session.get(ImportBatch, batch.id).drafts) == count
