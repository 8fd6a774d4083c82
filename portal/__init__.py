"""The work-report commitments feedback portal."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask

from portal import config
from portal.config import ROOT


def create_app(test_config: Mapping | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, errors, commands. No I/O."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(config.Config)
    app.config.from_prefixed_env("PORTAL")
    if test_config is not None:
        app.config.from_mapping(test_config)
    config.finalise(app)
    if hops := int(app.config["PROXY_HOPS"]):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    register_extensions(app)
    register_blueprints(app)
    register_templates(app)

    from portal.cli import register_cli
    from portal.errors import register_errors
    from portal.headers import register_headers

    register_errors(app)
    register_headers(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    from portal.extensions import babel, csrf, db, limiter, login_manager
    from portal.i18n import select_locale
    from portal.residents import register_residents
    from portal.session_cookie import SessionCookie
    from portal.views.imports import allow_upload_size
    from portal.views.staff import load_staff_member

    app.session_interface = SessionCookie()
    db.init_app(app)
    # Before the CSRF check reads the form: report uploads may be larger.
    app.before_request(allow_upload_size)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_staff_member)
    login_manager.login_view = "staff.sign_in"
    register_residents(app)


def register_blueprints(app: Flask) -> None:
    from portal.views import (
        admin,
        api,
        cards,
        catalogue,
        dashboard,
        exports,
        feedback,
        health,
        imports,
        moderation,
        official,
        pages,
        staff,
    )

    blueprints = (cards, feedback, pages, api, staff, moderation, official, dashboard)
    for module in (*blueprints, exports, imports, admin, catalogue, health):
        app.register_blueprint(module.bp)


def register_templates(app: Flask) -> None:
    from portal import pagecache, static_urls, templating

    app.jinja_env.policies["ext.i18n.trimmed"] = True
    templating.register(app)
    static_urls.register(app)
    pagecache.register(app)
