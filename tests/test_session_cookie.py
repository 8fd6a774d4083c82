"""The session cookie (form token, messages) across a change of secret key."""

from __future__ import annotations

from tests.forms import send

PAGE = "/c/3.5.8"
SAVED = "谢谢，您的评价已保存。"


def _rate_then_change_key(app, client, **settings):
    """Rate, change the keys before the next page, and return that page."""
    response = send(client, PAGE, f"{PAGE}/rating", {"score": "4"})
    assert response.status_code == 303
    app.config.update(settings)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_message_survives_a_new_key_while_the_old_one_is_a_fallback(
    app, client, shipped
):
    """Keys are rotated by moving the old one to SECRET_KEY_FALLBACKS."""
    page = _rate_then_change_key(
        app, client, SECRET_KEY="rotated", SECRET_KEY_FALLBACKS=["test-secret"]
    )
    assert SAVED in page


def test_a_cookie_signed_with_a_dropped_key_is_not_read(app, client, shipped):
    """The kept serializer follows the key: an old cookie opens nothing."""
    page = _rate_then_change_key(app, client, SECRET_KEY="rotated")
    assert SAVED not in page
