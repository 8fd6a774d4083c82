"""An administrator stops a departing moderator's account from a desktop browser."""

from __future__ import annotations

import uuid

import pytest

from portal.extensions import db
from portal.models import Role
from portal.services import staff
from tests.browser.conftest import axe_violations
from tests.conftest import STAFF_PASSWORD

pytestmark = pytest.mark.browser


def test_an_administrator_stops_an_account(browser, live_server, live_app):
    tag = uuid.uuid4().hex[:6]
    with live_app.test_request_context():
        staff.create_user(
            db.session, f"chief-{tag}", STAFF_PASSWORD + "!admin", Role.ADMINISTRATOR
        )
        staff.create_user(db.session, f"leaving-{tag}", STAFF_PASSWORD, Role.MODERATOR)
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server, bypass_csp=True
    )
    page = context.new_page()
    page.goto("/staff/sign-in?lang=en")
    page.get_by_label("Username").fill(f"chief-{tag}")
    page.get_by_label("Password").fill(STAFF_PASSWORD + "!admin")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Staff accounts").click()
    assert axe_violations(page) == []
    row = page.get_by_role("row").filter(has_text=f"leaving-{tag}")
    row.get_by_role("button", name="Stop this account").click()
    assert "can no longer sign in, and was signed out" in page.inner_text("main")
    assert axe_violations(page) == []
    page.goto("/admin/staff?lang=zh")
    assert axe_violations(page) == []
    context.close()
