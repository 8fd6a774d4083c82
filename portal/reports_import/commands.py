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


@report.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--publish", is_flag=True, help="Publish every draft without review.")
@click.option("--year", type=int, help="The report's year (read from the text).")
@click.option("--district-zh", default="", help="The district's Chinese name.")
@click.option("--district-en", default="", help="The district's English name.")
@click.option("--current/--not-current", default=True, show_default=True)
@with_appcontext
def import_command(
    file: Path,
    publish: bool,
    year: int | None,
    district_zh: str,
    district_en: str,
    current: bool,
) -> None:
    """Draft a report's commitments for review at /admin/imports (or publish)."""
    from portal.extensions import db
    from portal.reports_import.english import Glossary, english_title
    from portal.services import report_import

    limit = current_app.config.get("REPORT_UPLOAD_MAX_BYTES", REPORT_UPLOAD_MAX_BYTES)
    try:
        extraction, source = draft_report(file, max_bytes=int(limit))
    except ReportImportError as exc:
        click.echo(f"Error ({exc.reason}): {exc.message}", err=True)
        raise SystemExit(1) from exc
    for note in source.note_messages():
        click.echo(f"Note: {note}", err=True)
    glossary = Glossary.from_session(db.session)
    batch = report_import.stage(
        db.session,
        extraction,
        filename=file.name,
        actor="command line",
        english=lambda draft: english_title(draft, glossary),
    )
    click.echo(f"Drafted {len(batch.drafts)} commitments (import {batch.id}).")
    if not publish:
        click.echo(f"Review them at /admin/imports/{batch.id} and publish there.")
        return
    if not district_zh or not district_en:
        raise click.UsageError("--publish needs --district-zh and --district-en.")
    try:
        published = report_import.publish(
            db.session,
            batch,
            None,
            year=year or batch.year,
            district_zh=district_zh,
            district_en=district_en,
            make_current=current,
        )
    except report_import.ImportRefused as exc:
        click.echo("Not published: " + ", ".join(exc.problems), err=True)
        raise SystemExit(1) from exc
    click.echo(f"Published the {published.year} report.")
