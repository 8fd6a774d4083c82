"""Fixtures for drafting commitments from report text: the reports and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal import create_app, reportdata
from portal.config import ROOT

DATA = Path(__file__).parent / "data"
BEIGUAN_DATA = ROOT / "portal" / "data" / "beiguan-2025.yaml"
BEIGUAN_TEXT = ROOT / "portal" / "data" / "beiguan-2025-work-report.zh.txt"
QINGXI_TEXT = DATA / "qingxi-2026-work-report.zh.txt"


@pytest.fixture(scope="session")
def shipped():
    """The shipped Beiguan commitments, as checked by the data file's loader."""
    data = reportdata.load(BEIGUAN_DATA)
    assert data.errors == []
    return data


def make_cli(**settings):
    """A CLI runner on the real app (Chinese by default); no database is touched."""
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": "sqlite://", **settings}
    )
    return app.test_cli_runner()


@pytest.fixture
def cli():
    return make_cli()


MEASURED: list[str] = []


def pytest_terminal_summary(terminalreporter):
    """Show the measured figures after every run, with or without -s."""
    if MEASURED:
        terminalreporter.section("commitment extraction on the Beiguan report")
        for line in MEASURED:
            terminalreporter.write_line(line)
