"""GET /healthz: 200 while the database answers, a bare 503 when it does not."""

from __future__ import annotations

import pytest

from portal.views import health


def test_healthy_database_answers_ok(app):
    response = app.test_client().get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///{tmp}/missing-folder/portal.db",
        # Port 1 on loopback: nothing listens, the connection is refused at once.
        "postgresql+psycopg://portal@127.0.0.1:1/portal",
    ],
    ids=["sqlite-missing-folder", "postgresql-closed-port"],
)
def test_unreachable_database_answers_503_without_details(make_app, tmp_path, url):
    app = make_app(DATABASE_URL=url.format(tmp=tmp_path))

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    body = response.get_data(as_text=True)
    for leak in ("Traceback", "sqlite", "postgresql", "127.0.0.1", str(tmp_path)):
        assert leak not in body


def test_health_check_is_public(app):
    assert health.healthz.access == "public"
