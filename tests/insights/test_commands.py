"""`flask insights classify | check | themes`, as someone running them sees them."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from portal.models import Commitment, RatingSummary
from portal.services import ratings


def test_classify_prints_one_json_object_per_line(runner):
    lines = [
        "路灯修好了，晚上走路安全多了，谢谢！",
        "",
        "The chargers are broken again.",
    ]
    result = runner.invoke(args=["insights", "classify"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert len(out) == 3
    assert out[0]["label"] == "positive" and out[0]["lang"] == "zh"
    assert out[1] == {"label": "unclear", "score": 0.0, "lang": "und"}
    assert out[2]["label"] == "negative" and out[2]["lang"] == "en"
    assert all(-1 <= o["score"] <= 1 for o in out)


def test_check_finds_a_wrong_total_and_repairs_it(app, runner, session, shipped):
    target = session.scalar(select(Commitment).where(Commitment.code == "3.5.8"))
    with app.test_request_context():
        ratings.rate(session, target, "resident-1", 4)
    fine = runner.invoke(args=["insights", "check"])
    assert fine.exit_code == 0
    assert "Every kept total equals a recount" in fine.output
    session.execute(
        update(RatingSummary)
        .where(RatingSummary.commitment_id == target.id)
        .values(count=7)
    )
    session.commit()
    wrong = runner.invoke(args=["insights", "check"])
    assert wrong.exit_code == 1
    assert "rating totals: 1 kept rows differ from the recount" in wrong.output
    assert runner.invoke(args=["insights", "check", "--repair"]).exit_code == 0
    assert runner.invoke(args=["insights", "check"]).exit_code == 0


def test_themes_need_a_report(runner):
    result = runner.invoke(args=["insights", "themes"])
    assert result.exit_code != 0
    assert "No report is loaded" in result.output
