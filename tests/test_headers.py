"""Headers every response carries, and pages that never show a stack trace."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/", "/about", "/c/none", "/api/v1/commitments"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_vary_by_language_choice(client):
    vary = client.get("/about").headers["Vary"]
    assert "Cookie" in vary and "Accept-Language" in vary


def test_unexpected_errors_show_a_translated_page(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = client.get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "出错了" in page and "secret detail" not in page


def test_wrong_method_and_huge_bodies_get_error_pages(client):
    assert client.post("/").status_code == 405
    response = client.post("/settings", data={"next": "x" * 70_000})
    assert response.status_code == 413
