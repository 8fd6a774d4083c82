"""Configuration defaults; deployments override them with PORTAL_* variables."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Config:
    """Defaults shared by every deployment; nothing secret lives here."""

    # PORTAL_SECRET_KEY must be set in production; see portal.config.finalise.
    SECRET_KEY = None
    # PORTAL_DATABASE_URL; empty means SQLite in the instance folder.
    DATABASE_URL = None

    LANGUAGES = ("zh", "en")
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    # Must be absolute: Flask-Babel resolves relative paths against portal/.
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")

    # Request bodies are small forms; anything larger is refused (413).
    MAX_CONTENT_LENGTH = 64 * 1024

    PAGE_SIZE = 20
    PREFERENCE_COOKIE_MAX_AGE = 365 * 24 * 3600
    # Set to true when the site is served over HTTPS so cookies get Secure.
    COOKIE_SECURE = False

    # The report the site carries when the database is empty.
    REPORT_DATA_FILE = str(
        Path(__file__).resolve().parent / "data" / "beiguan-2025.yaml"
    )


def finalise(app) -> None:
    """Fill in settings that depend on the instance folder or on each other."""
    if not app.config.get("DATABASE_URL"):
        path = Path(app.instance_path) / "portal.db"
        app.config["DATABASE_URL"] = f"sqlite:///{path}"
    if not app.config.get("SECRET_KEY"):
        # No fixed default: a random key lasts for this process only, so
        # anything signed (forms, cookies) breaks on restart. Loud on purpose.
        import secrets

        app.logger.warning(
            "PORTAL_SECRET_KEY is not set; using a random key for this process."
        )
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    app.config["SESSION_COOKIE_SECURE"] = app.config["COOKIE_SECURE"]
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
