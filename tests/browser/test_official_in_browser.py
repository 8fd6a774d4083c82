"""An official posts a progress update from a desktop browser."""

from __future__ import annotations

import uuid

import pytest

from portal.extensions import db
from portal.models import Role
from portal.services import staff
from tests.browser.conftest import axe_violations
from tests.conftest import STAFF_PASSWORD

pytestmark = pytest.mark.browser


def test_official_posts_a_progress_update(browser, live_server, live_app):
    username = f"official-{uuid.uuid4().hex[:6]}"
    with live_app.test_request_context():
        staff.create_user(
            db.session, username, STAFF_PASSWORD, Role.OFFICIAL, district_wide=True
        )
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server, bypass_csp=True
    )
    page = context.new_page()
    page.goto("/staff/sign-in?lang=en")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/c/3.7.5?lang=en")
    page.get_by_role("link", name="Post a progress update").click()
    assert axe_violations(page) == []
    page.get_by_label("Date of the figures").fill("2025-06-30")
    page.get_by_label("In progress").check()
    page.get_by_label("Note in Chinese").fill("正在推进。")
    page.get_by_label("Note in English").fill("Work is under way.")
    page.get_by_role("button", name="Publish the update").click()
    page.wait_for_url("**/c/3.7.5**")
    assert "The progress update is published." in page.locator("main").inner_text()
    assert "Work is under way." in page.locator(".timeline").inner_text()
    assert axe_violations(page) == []
    context.close()
