"""The open-data API and the CSV download."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from portal.models import Status
from tests.builders import make_commitment, make_update


def test_api_lists_every_commitment_with_all_fields(client, shipped):
    data = client.get("/api/v1/commitments").get_json()
    assert data["count"] == len(shipped.commitments)
    codes = [c["code"] for c in data["commitments"]]
    assert codes == [c["code"] for c in shipped.commitments]
    charging = next(c for c in data["commitments"] if c["code"] == "3.5.8")
    assert charging["title"] == {
        "zh": "新建公共充电桩",
        "en": "Build new public charging piles",
    }
    assert charging["target"]["value"] == 40
    assert charging["target"]["phrasing"] == "reach"
    assert charging["baseline_2024"]["value"] == 170
    assert charging["quote_zh"] == "新建公共充电桩40个。"
    assert charging["status"] == "not_started"
    assert charging["latest_progress"] is None
    assert charging["url"].endswith("/c/3.5.8")


def test_api_shows_latest_progress(client, session):
    commitment = make_commitment(session, target_value=Decimal(40))
    make_update(session, commitment, value=Decimal(30), status=Status.IN_PROGRESS)
    session.commit()
    data = client.get(f"/api/v1/commitments/{commitment.code}").get_json()
    assert data["status"] == "in_progress"
    assert data["latest_progress"]["value"] == 30
    assert data["latest_progress"]["percent"] == 75


def test_api_unknown_code_is_a_json_404(client, shipped):
    response = client.get("/api/v1/commitments/9.9.9")
    assert response.status_code == 404
    assert response.is_json and response.get_json()["error"]


def test_openapi_describes_the_endpoints(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    assert {"/api/v1/commitments", "/api/v1/commitments/{code}"} <= set(doc["paths"])


def test_openapi_schema_lists_every_field_the_api_returns(client, shipped):
    doc = client.get("/api/v1/openapi.json").get_json()
    schema = doc["components"]["schemas"]["Commitment"]
    item = client.get("/api/v1/commitments/3.5.8").get_json()
    assert set(item) == set(schema["properties"]) == set(schema["required"])


def test_csv_download_has_every_commitment_and_opens_in_excel(client, shipped):
    response = client.get("/api/v1/commitments.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["code"] for r in rows] == [c["code"] for c in shipped.commitments]
    charging = next(r for r in rows if r["code"] == "3.5.8")
    assert charging["target_value"] == "40" and charging["baseline_2024_value"] == "170"


def test_csv_neutralises_formulas(client, session):
    make_commitment(
        session, title_en='=HYPERLINK("http://x")', summary_zh="＋1", quote_zh="-2+3"
    )
    session.commit()
    text = client.get("/api/v1/commitments.csv").get_data(as_text=True)
    assert '"\'=HYPERLINK(""http://x"")"' in text
    assert '"\'＋1"' in text and '"\'-2+3"' in text


def test_anyone_downloads_the_published_comments(client, session, shipped):
    """Open data: published comments as the public sees them, masked, with no
    resident identifiers and no sentiment; nothing awaiting review."""
    from sqlalchemy import select

    from portal.models import Comment, CommentStatus, Commitment

    charging = session.scalar(select(Commitment).where(Commitment.code == "3.5.8"))
    for body, status in (
        ("=1+1 充电桩太少了，电话 138****8000", CommentStatus.PUBLISHED),
        ("还在等审核的留言", CommentStatus.PENDING),
    ):
        session.add(
            Comment(
                commitment_id=charging.id,
                resident_key="resident-secret-key",
                body=body,
                lang="zh",
                status=status,
                needs_review=False,
            )  # fmt: skip
        )
    session.commit()
    response = client.get("/api/v1/comments.csv")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [(r["commitment_code"], r["body"]) for r in rows] == [
        ("3.5.8", "'=1+1 充电桩太少了，电话 138****8000")
    ]
    assert "sentiment" not in rows[0] and "resident-secret-key" not in text
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/comments.csv" in paths


def test_the_comments_download_is_limited_per_network(app, client, shipped):
    app.config["LIMIT_OPEN_DATA_NETWORK"] = "2/minute"
    statuses = [client.get("/api/v1/comments.csv").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
