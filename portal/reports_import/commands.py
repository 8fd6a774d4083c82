"""`flask report extract FILE`: draft commitments from a work report, as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.reports_import import (
    REPORT_UPLOAD_MAX_BYTES,
    ReportImportError,
    draft_report,
)


@click.group()
def report() -> None:
    """Work reports: draft their commitments before anyone types them in."""


@report.command("extract")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def extract_command(file: Path) -> None:
    """Print the draft commitments found in a report's plain text (UTF-8)."""
    limit = current_app.config.get("REPORT_UPLOAD_MAX_BYTES", REPORT_UPLOAD_MAX_BYTES)
    try:
        extraction, source = draft_report(file, max_bytes=int(limit))
    except ReportImportError as exc:
        click.echo(f"Error ({exc.reason}): {exc.message}", err=True)
        raise SystemExit(1) from exc
    for note in source.note_messages():
        click.echo(f"Note: {note}", err=True)
    click.echo(json.dumps(extraction.as_dict(), ensure_ascii=False, indent=2))
