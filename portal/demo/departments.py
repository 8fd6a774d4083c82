"""Demonstration departments: the district bureau that answers for each topic.

The report names no responsible departments, so shipped commitments have
none, and a department's officials would see nothing. `demo load` gives each
commitment without one the bureau that usually handles its topic, so that
department officials and demo replies can be tried out. What it set is kept
in the demo_departments setting; `demo clear` takes back each one still as
it left it (an administrator's later choice stays).
"""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Commitment
from portal.services import settings

SETTING = "demo_departments"
# Topic keys of the shipped report's topics (portal/data/*.yaml); another
# report's unknown topics fall back to the development and reform commission.
FALLBACK = "区发展和改革委员会"
BY_TOPIC = {
    "economy": FALLBACK,
    "investment": FALLBACK,
    "charging": FALLBACK,
    "industry": "区工业和信息化局",
    "low_altitude": "区工业和信息化局",
    "innovation": "区科学技术局",
    "business": "区行政审批服务局",
    "consumption": "区商务局",
    "trade": "区商务局",
    "housing": "区住房和城乡建设局",
    "urban_renewal": "区住房和城乡建设局",
    "roads": "区交通运输局",
    "green_space": "区城市管理局",
    "agriculture": "区农业农村局",
    "environment": "安阳市生态环境局北关分局",
    "culture_tourism": "区文化广电和旅游局",
    "heritage": "区文化广电和旅游局",
    "jobs": "区人力资源和社会保障局",
    "social_security": "区人力资源和社会保障局",
    "schools": "区教育局",
    "health": "区卫生健康委员会",
    "childcare": "区卫生健康委员会",
    "elderly_care": "区民政局",
    "safety": "区应急管理局",
}


def _assigned(session: Session) -> dict[int, str]:
    """The departments demo load set, by commitment id."""
    stored = settings.get(session, SETTING)
    return {int(k): v for k, v in json.loads(stored).items()} if stored else {}


def assign(session: Session, commitments: list[Commitment]) -> Counter[str]:
    """Give each commitment without a department its topic's bureau; how many
    commitments each department got (the topic must be loaded)."""
    assigned = _assigned(session)
    given: Counter[str] = Counter()
    for commitment in commitments:
        if commitment.department:
            continue
        department = BY_TOPIC.get(commitment.topic.key, FALLBACK)
        commitment.department = department
        assigned[commitment.id] = department
        given[department] += 1
    if given:
        settings.put(session, SETTING, json.dumps(assigned, ensure_ascii=False))
    return given


def unassign(session: Session) -> int:
    """Take back the departments demo load set and nobody changed since."""
    assigned = _assigned(session)
    taken = 0
    if assigned:
        rows = session.scalars(select(Commitment).where(Commitment.id.in_(assigned)))
        for commitment in rows:
            if commitment.department == assigned[commitment.id]:
                commitment.department = None
                taken += 1
    settings.put(session, SETTING, None)
    return taken
