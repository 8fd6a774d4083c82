"""A live portal on loopback and a phone-sized headless Chromium to drive it.

Debian's Chromium is used as it is (no browser download). Without it, or
without npm's axe-core, these tests skip, except under CI=true where they fail.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import traceback
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal import create_app, reportdata
from portal.cli import upgrade_database
from portal.config import Config
from portal.extensions import db
from portal.services.reports import load_report

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PHONE = {"width": 390, "height": 844}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failed browser test, add what the live servers' threads were doing
    and their connection pools: a page that never loads leaves no other trace
    (the server logs a request only once it is answered)."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    stacks = [
        f"--- thread {names.get(ident, ident)}\n" + "".join(traceback.format_stack(f))
        for ident, f in sys._current_frames().items()
    ]
    for name in ("live_app", "demo_app"):
        app = item.funcargs.get(name)
        if app is not None:
            pool = app.extensions["portal_db"].kw["bind"].pool.status()
            stacks.insert(0, f"{name} pool: {pool}\n")
    report.sections.append(("live server threads", "\n".join(stacks)))


def _whole_bodies(app):
    """The app, each response read to the end and closed before the server
    sends it. When a browser drops a connection mid-response (it cancels
    requests), werkzeug's dev server reads the dead socket before it closes
    the response and fails there; a static file is then left open for the
    garbage collector, whose ResourceWarning fails whichever test runs at
    that moment."""

    def wsgi(environ, start_response):
        chunks = app(environ, start_response)
        try:
            return [b"".join(chunks)]
        finally:
            if hasattr(chunks, "close"):
                chunks.close()

    return wsgi


@contextmanager
def serving(app):
    """Serve the app from a thread on a free port; app.url is its address."""
    server = make_server("127.0.0.1", 0, _whole_bodies(app), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield
    finally:
        server.shutdown()


def _require(condition: bool, why: str) -> None:
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests are required in CI: {why}")
    pytest.skip(why)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The portal with the shipped report, served from a thread on a free port."""
    path = tmp_path_factory.mktemp("live") / "portal.db"
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{path}",
            "SECRET_KEY": "browser",
            # A test types faster than a person; the bot traps are tested elsewhere.
            "COMMENT_MIN_SECONDS": 0,
            "RATING_MIN_SECONDS": 0,
        }
    )
    with app.app_context():
        upgrade_database()
        load_report(db.session, reportdata.load(Config.REPORT_DATA_FILE))
    with serving(app):
        yield app


@pytest.fixture(scope="session")
def live_server(live_app):
    """The address of the live portal."""
    return live_app.url


@pytest.fixture(scope="session")
def browser():
    _require(
        CHROMIUM is not None, "Chromium is not installed (apt-get install chromium)"
    )
    _require(AXE.exists(), "axe-core is not installed (npm ci)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, live_server):
    """A fresh phone-sized tab; it records every URL the page requests."""
    # bypass_csp lets the test inject axe-core; the site's own CSP is tested elsewhere.
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        bypass_csp=True,
        base_url=live_server,
    )
    page = context.new_page()
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    yield page
    context.close()


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page) -> list[str]:
    """Run axe-core on the page; one line per violated rule and node."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']}: {node['target']} {node.get('failureSummary', '')}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory):
    """A second live portal with demonstration data and every kind of feedback.

    Kept apart from `live_app`, whose tests count cards, comments and queues.
    Besides `demo load` it holds: a thread long enough for a second page, a
    hidden and a rejected comment, a retired commitment and an earlier year's
    report. `app.samples` names the rows the accessibility sweep opens.
    """
    from sqlalchemy import select

    from portal.db import utcnow
    from portal.demo.data import load_demo
    from portal.models import (
        Comment,
        CommentStatus,
        Commitment,
        RejectReason,
        Reply,
        Report,
    )
    from portal.services.comments import THREAD_PAGE
    from tests.builders import make_commitment, make_report

    path = tmp_path_factory.mktemp("demo") / "portal.db"
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{path}",
            "SECRET_KEY": "browser-demo",
            "COMMENT_MIN_SECONDS": 0,
            "RATING_MIN_SECONDS": 0,
            # Every page is sent forms in four modes; limits are tested elsewhere,
            # so they are raised here (still counted, as in production).
            **{
                f"LIMIT_{name}": "100000/minute"
                for name in (
                    "RATING_RESIDENT",
                    "RATING_NETWORK",
                    "COMMENT_RESIDENT",
                    "COMMENT_NETWORK",
                    "FLAG_RESIDENT",
                    "FLAG_NETWORK",
                    "SIGN_IN_NETWORK",
                    "SIGN_IN_USERNAME",
                )
            },
        }
    )
    with app.app_context():
        session = db.session
        upgrade_database()
        load_report(session, reportdata.load(Config.REPORT_DATA_FILE))
        load_demo(
            session, n_ratings=2000, n_comments=100, updates=True, weeks=12, seed=1
        )
        # A reply from the demonstration data, on a page with one page of
        # comments; another commitment gets a thread of two pages.
        reply = session.scalars(select(Reply).order_by(Reply.id)).first()
        commitment = reply.comment.commitment
        long = session.scalars(
            select(Commitment)
            .join(Report)
            .where(Report.is_current, Commitment.id != commitment.id)
            .order_by(Commitment.position)
        ).first()
        for n in range(THREAD_PAGE + 5):
            session.add(
                Comment(
                    commitment_id=long.id,
                    resident_key=f"reader-{n}",
                    body=f"第{n}条留言 / comment {n}",
                    lang="zh" if n % 2 else "en",
                    status=CommentStatus.PUBLISHED,
                    needs_review=False,
                )
            )
        session.flush()
        published = session.scalars(
            select(Comment)
            .where(Comment.commitment_id == long.id)
            .where(Comment.status == CommentStatus.PUBLISHED)
            .order_by(Comment.created_at.desc(), Comment.id.desc())
        ).all()
        published[0].status = CommentStatus.HIDDEN
        published[1].status = CommentStatus.REJECTED
        published[1].reject_reason = RejectReason.OFF_TOPIC
        retired = session.scalars(
            select(Commitment)
            .join(Report)
            .where(Report.is_current, Commitment.id.not_in([commitment.id, long.id]))
            .order_by(Commitment.position.desc())
        ).first()
        retired.retired_at = utcnow()
        current = session.scalar(select(Report).where(Report.is_current))
        earlier = make_report(
            session,
            year=current.year - 1,
            is_current=False,
            district_zh=current.district_zh,
            district_en=current.district_en,
        )
        old = make_commitment(session, report=earlier)
        session.commit()
        app.samples = {
            "code": commitment.code,
            "long": long.code,
            "reply": reply.id,
            "retired": retired.code,
            "earlier_year": earlier.year,
            "earlier_code": old.code,
        }
    with serving(app):
        yield app
