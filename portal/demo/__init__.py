"""`flask demo load|clear`: clearly marked demonstration feedback for trying the site.

Every row written has is_demo set, and the demo_data setting puts a banner on
every page; `demo clear` removes exactly those rows and leaves real ones alone.
Commitments without a department get a demonstration one (demo.departments),
taken back by `demo clear`.
"""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from portal.demo.data import MAX_COMMENTS, MAX_RATINGS, NotReady, clear_demo, load_demo
from portal.extensions import db
from portal.services import themes
from portal.services.commitments import current_report


@click.group()
def demo() -> None:
    """Add or remove demonstration feedback and progress, for trying the site out."""


@demo.command()
@click.option(
    "--ratings",
    "n_ratings",
    default=5000,
    show_default=True,
    type=click.IntRange(0, MAX_RATINGS),
    help="Demo ratings to add.",
)
@click.option(
    "--comments",
    "n_comments",
    default=300,
    show_default=True,
    type=click.IntRange(0, MAX_COMMENTS),
    help="Demo comments to add, about 70% in Chinese and 30% in English.",
)
@click.option(
    "--updates/--no-updates",
    default=True,
    show_default=True,
    help="Add demo progress updates to about a third of the commitments.",
)
@click.option(
    "--weeks",
    default=12,
    show_default=True,
    type=click.IntRange(1, 260),
    help="Spread the feedback over this many past weeks.",
)
@click.option("--seed", type=int, help="Generate the same data every time.")
@with_appcontext
def load(
    n_ratings: int, n_comments: int, updates: bool, weeks: int, seed: int | None
) -> None:
    """Add demonstration ratings, comments and progress to the current report."""
    started = time.perf_counter()
    try:
        done = load_demo(
            db.session,
            n_ratings=n_ratings,
            n_comments=n_comments,
            updates=updates,
            weeks=weeks,
            seed=seed,
        )
    except NotReady as exc:
        raise click.ClickException(str(exc)) from exc
    # Themes are read by the dashboard, and computed only by a command.
    read = themes.refresh(db.session, current_report(db.session).id)
    click.echo(
        f"Added demonstration data to the {done.year} report "
        f"({done.commitments} commitments, run {done.run}): "
        f"{n_ratings:,} ratings ({done.changed:,} of them changed later), "
        f"{n_comments:,} comments, {done.updates} progress updates on "
        f"{done.updated_commitments} commitments, themes of {read:,} comments, "
        f"in {time.perf_counter() - started:.1f} s."
    )
    if done.departments:
        given = ", ".join(f"{name} {n}" for name, n in done.departments.most_common())
        example = done.departments.most_common(1)[0][0]
        click.echo(
            "Commitments without a responsible department were given one for the "
            f"demonstration ({given}). Try one as an official: `flask --app wsgi "
            f'users create NAME --role official --department "{example}"`.'
        )
    click.echo(
        "Every page now says the site holds demonstration data. "
        "Remove it with `flask --app wsgi demo clear`."
    )


@demo.command()
@with_appcontext
def clear() -> None:
    """Remove every demonstration row; real feedback and progress stay as they are."""
    started = time.perf_counter()
    try:
        removed = clear_demo(db.session)
    except NotReady as exc:
        raise click.ClickException(str(exc)) from exc
    if report := current_report(db.session):
        themes.refresh(db.session, report.id)
    click.echo(
        "Removed demonstration data: "
        + ", ".join(f"{n:,} {name}" for name, n in removed.items())
        + f", in {time.perf_counter() - started:.1f} s."
    )
