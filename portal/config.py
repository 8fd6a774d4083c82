"""Configuration defaults; deployments override them with PORTAL_* variables."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Config:
    """Defaults shared by every deployment; nothing secret lives here."""

    # PORTAL_SECRET_KEY must be set in production; see portal.config.finalise.
    SECRET_KEY = None
    # Key of the keyed hashes that stand for residents and networks in the
    # database. Defaults to SECRET_KEY; set it so SECRET_KEY can be rotated
    # without cutting residents off from their earlier feedback.
    IDENTITY_KEY = None
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
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust
    # (exactly this many); 0 when the app faces the network itself.
    PROXY_HOPS = 0
    # Set to true when the site is served over HTTPS so cookies get Secure.
    COOKIE_SECURE = False

    # Residents' feedback.
    COMMENT_MIN_LENGTH = 2
    COMMENT_MAX_LENGTH = 1000
    # Distinct residents whose flags hide a published comment until reviewed.
    FLAG_HIDE_THRESHOLD = 3
    # Seconds a human needs at least between seeing a form and sending it.
    COMMENT_MIN_SECONDS = 3
    RATING_MIN_SECONDS = 1

    # On PostgreSQL each process listens for page-version changes
    # (portal.version_feed) instead of asking on every page view.
    PAGE_VERSION_FEED = True

    # Abuse limits (Flask-Limiter). Memory by default; PORTAL_REDIS_URL makes
    # several app processes share the counts.
    REDIS_URL = None
    # Limits are not published in headers (SECURITY.md); a 429 still says
    # when to try again (Retry-After, set by portal.errors).
    RATELIMIT_HEADERS_ENABLED = False
    LIMIT_RATING_RESIDENT = "30/minute;300/day"
    LIMIT_RATING_NETWORK = "600/minute"
    LIMIT_COMMENT_RESIDENT = "5/minute;30/day"
    LIMIT_COMMENT_NETWORK = "120/minute"
    LIMIT_FLAG_RESIDENT = "10/minute;20/day"
    LIMIT_FLAG_NETWORK = "200/hour"
    # The public comments download reads every published comment.
    LIMIT_OPEN_DATA_NETWORK = "10/minute;100/hour"

    # Staff sessions: ended after this long without a request, and after this
    # long in any case (see SECURITY.md SESS-03).
    STAFF_IDLE_MINUTES = 30
    STAFF_SESSION_HOURS = 12
    LIMIT_SIGN_IN_NETWORK = "6/minute;30/hour"
    LIMIT_SIGN_IN_USERNAME = "5/minute;20/hour"
    # "pre": comments wait for a moderator before anyone sees them (default);
    # "post": clean comments appear at once and are reviewed afterwards.
    MODERATION_MODE = "pre"
    # Working days within which officials should answer a published comment;
    # administrators can change it on the settings page.
    REPLY_TARGET_DAYS = 5

    # The largest report text accepted for extraction or upload; a whole work
    # report is about 60 KB of UTF-8.
    REPORT_UPLOAD_MAX_BYTES = 2_000_000

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
    app.config.setdefault(
        "RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://"
    )
    # Said for every app: Flask-Limiter otherwise takes the value the previous
    # app in this process left on its one Limiter object.
    app.config.setdefault("RATELIMIT_ENABLED", True)
    if app.config["REDIS_URL"]:
        # Redis down: count the same limits in this process's memory (and say so
        # in the log, portal.errors) rather than fail residents' requests.
        app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if app.config["COOKIE_SECURE"]:
        app.config["SESSION_COOKIE_NAME"] = "__Host-session"
