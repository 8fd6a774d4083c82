"""Command-line tasks: database set-up and translation catalogues."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from babel.messages.frontend import CommandLineInterface
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from portal import reportdata
from portal.backup import backup, restore
from portal.config import ROOT
from portal.demo import demo
from portal.extensions import db
from portal.insights.commands import insights
from portal.models import Role
from portal.reports_import.commands import report
from portal.services import staff
from portal.services.reports import InvalidReportData, load_report
from portal.services.screening import seed_word_lists

TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"


def alembic_config() -> AlembicConfig:
    """Alembic settings pointing at migrations/, with this app's database."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return config


def upgrade_database() -> None:
    """Create or upgrade the schema to the newest migration."""
    url = make_url(current_app.config["DATABASE_URL"])
    if url.get_backend_name() == "sqlite" and url.database not in (
        None,
        "",
        ":memory:",
    ):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the schema and load the shipped report if it is absent."""
    upgrade_database()
    click.echo("Database schema is up to date.")
    data = reportdata.load(current_app.config["REPORT_DATA_FILE"])
    try:
        report = load_report(db.session, data)
    except InvalidReportData as exc:
        raise click.ClickException(
            "The report data file has errors:\n" + "\n".join(exc.errors)
        ) from exc
    if words := seed_word_lists(db.session):
        click.echo(f"Copied {words} entries of the shipped screening word lists.")
    if report is None:
        click.echo(f"The {data.report['year']} report is already loaded.")
    else:
        click.echo(
            f"Loaded the {report.year} report: {len(data.commitments)} commitments."
        )


@click.group()
def users() -> None:
    """Staff accounts."""


@users.command("create")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    required=True,
    help="What the account may do.",
)
@click.option("--department", default=None, help="An official's department.")
@click.option(
    "--district-wide",
    is_flag=True,
    help="An official who sees every commitment (the district government office).",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input instead of a prompt.",
)
@with_appcontext
def create_user(
    username: str,
    role: str,
    department: str | None,
    district_wide: bool,
    password_stdin: bool,
) -> None:
    """Create a staff account (the first administrator is made this way)."""
    password = _password(password_stdin)
    with _refusals_in_terminal_language():
        user = staff.create_user(
            db.session,
            username,
            password,
            Role(role),
            department=department,
            district_wide=district_wide,
        )
    click.echo(f"Created {user.role.value} {user.username}.")


@users.command("unlock")
@click.argument("username")
@with_appcontext
def unlock_user(username: str) -> None:
    """Lift a lock after repeated failed sign-ins (recorded in the audit log)."""
    if not staff.unlock(db.session, username):
        raise click.ClickException(f"No staff account is called {username!r}.")
    click.echo(f"Unlocked {username.strip().casefold()}.")


@users.command("scope")
@click.argument("username")
@click.option(
    "--department",
    default=None,
    help="The department whose commitments the official sees and answers "
    '("" for none); unchanged when left out.',
)
@click.option(
    "--district-wide/--own-department",
    default=None,
    help="Whether the official sees every commitment; unchanged when left out.",
)
@with_appcontext
def user_scope(username: str, department: str | None, district_wide: bool | None):
    """Set which commitments an official sees (recorded in the audit log)."""
    user = _account(username)
    with _refusals_in_terminal_language():
        user = staff.set_scope(
            db.session,
            user.username,
            user.department if department is None else department,
            user.district_wide if district_wide is None else district_wide,
        )
    seen = "every commitment" if user.district_wide else "its department's only"
    click.echo(
        f"{user.username}: department {user.department or '(none)'}, sees {seen}."
    )


@users.command("list")
@with_appcontext
def list_users() -> None:
    """Every staff account: role, department, whether it may sign in, last sign-in."""
    for user in staff.all_users(db.session):
        state = "active" if user.is_active else "stopped"
        seen = f"{user.last_login_at:%Y-%m-%d}" if user.last_login_at else "never"
        department = user.department or "-"
        click.echo(
            f"{user.username}\t{user.role.value}\t{department}\t{state}\t"
            f"last sign-in {seen}"
        )


def _account(username: str):
    """The staff account called `username`, or the command stops saying so."""
    user = staff.find_user(db.session, username)
    if user is None:
        raise click.ClickException(f"No staff account is called {username!r}.")
    return user


def _password(from_stdin: bool) -> str:
    """A password from standard input, or asked for twice at a hidden prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@contextmanager
def _refusals_in_terminal_language():
    """Run a staff change with its refusals in the terminal's language, each
    on a line of the command's error."""
    try:
        with _terminal_language():
            yield
    except staff.StaffError as exc:
        raise click.ClickException("\n".join(exc.problems)) from exc


@users.command("deactivate")
@click.argument("username")
@with_appcontext
def deactivate_user(username: str) -> None:
    """Stop an account signing in, and sign it out now (recorded in the audit log).
    What it did stays, under its name."""
    user = _account(username)
    staff.set_active(db.session, user, False)
    click.echo(f"{user.username} can no longer sign in.")


@users.command("activate")
@click.argument("username")
@with_appcontext
def activate_user(username: str) -> None:
    """Let a stopped account sign in again (recorded in the audit log)."""
    user = _account(username)
    staff.set_active(db.session, user, True)
    click.echo(f"{user.username} can sign in again.")


@users.command("role")
@click.argument("username")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@with_appcontext
def user_role(username: str, role: str) -> None:
    """Change what an account may do; it is signed out (recorded in the audit log)."""
    user = _account(username)
    with _refusals_in_terminal_language():
        staff.set_role(db.session, user, Role(role))
    click.echo(f"{user.username} is now {user.role.value}.")


@users.command("password")
@click.argument("username")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input instead of a prompt.",
)
@with_appcontext
def user_password(username: str, password_stdin: bool) -> None:
    """Set a new password; the account is signed out and unlocked (recorded in
    the audit log, without the password)."""
    user = _account(username)
    password = _password(password_stdin)
    with _refusals_in_terminal_language():
        staff.set_password(db.session, user, password)
    click.echo(f"New password set for {user.username}; signed out everywhere.")


def _terminal_language():
    """A request context in the terminal's language (LANG), for the messages."""
    language = "zh" if os.environ.get("LANG", "").startswith("zh") else "en"
    return current_app.test_request_context(query_string={"lang": language})


def babel(*args: str) -> None:
    """Run one pybabel command in-process."""
    CommandLineInterface().run(["pybabel", "-q", *args])


@click.group()
def translate() -> None:
    """Keep the translation catalogues in step with the code."""


@translate.command()
def extract() -> None:
    """Write messages.pot from the code and templates."""
    extract_to(POT)


def extract_to(path: Path) -> None:
    """Extract every translatable string into a catalogue template at path."""
    babel(
        "extract", "-F", str(TRANSLATIONS / "babel.cfg"), "-k", "_l",
        "--no-location", "--sort-output", "--omit-header",
        # The default skips folders starting with "_", such as templates/_macros.
        "--ignore-dirs", ".* node_modules __pycache__",
        "-o", str(path), str(ROOT),
    )  # fmt: skip


@translate.command()
def update() -> None:
    """Extract, then merge new strings into every language's catalogue."""
    extract_to(POT)
    babel(
        "update", "-i", str(POT), "-d", str(TRANSLATIONS),
        "--no-fuzzy-matching", "--ignore-obsolete",
    )  # fmt: skip


@translate.command()
def compile() -> None:
    """Build the .mo files the site reads."""
    compile_catalogues()


def compile_catalogues() -> None:
    """Build every language's .mo file from its .po file."""
    babel("compile", "-d", str(TRANSLATIONS))


def register_cli(app: Flask) -> None:
    """Attach the commands to `flask --app wsgi`."""
    app.cli.add_command(init_db)
    app.cli.add_command(translate)
    app.cli.add_command(users)
    app.cli.add_command(demo)
    app.cli.add_command(insights)
    app.cli.add_command(report)
    app.cli.add_command(backup)
    app.cli.add_command(restore)
