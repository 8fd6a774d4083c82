"""A resident on a phone: list, filter, open a card, switch language and text size."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


def fits_the_screen(page) -> bool:
    """No sideways scrolling: the page reflows to the viewport's width."""
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def only_this_host(page, live_server) -> list[str]:
    return [url for url in page.requested if not url.startswith(live_server)]


def test_resident_follows_a_commitment_in_both_languages(phone, live_server):
    page = phone
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator(".cards > li").count() == 20
    assert axe_violations(page) == []
    assert fits_the_screen(page)

    page.locator(".more-filters summary").click()
    page.select_option("#area", "3.5")
    page.get_by_role("button", name="显示承诺事项").click()
    page.wait_for_url(re.compile(r"area=3\.5"))
    codes = page.locator(".card .code").all_text_contents()
    assert codes and all(code.startswith("3.5.") for code in codes)

    page.get_by_role("link", name="新建公共充电桩").click()
    page.wait_for_url("**/c/3.5.8")
    assert page.locator("h1").inner_text() == "新建公共充电桩"
    assert "40 个" in page.locator(".facts").inner_text()
    assert axe_violations(page) == []

    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/c/3.5.8")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Build new public charging piles"
    assert "40 charging piles" in page.locator(".facts").inner_text()
    assert axe_violations(page) == []

    # The choice is remembered on the next page.
    page.get_by_role("link", name="Commitments", exact=True).first.click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert only_this_host(page, live_server) == []


def test_elder_mode_makes_text_and_targets_larger(phone):
    page = phone
    page.goto("/c/3.7.5")
    normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    button_height = page.get_by_role("button", name="长辈版").bounding_box()["height"]
    assert normal >= 18 and button_height >= 44

    page.get_by_role("button", name="长辈版").click()
    page.wait_for_url("**/c/3.7.5")
    assert "elder" in page.locator("html").get_attribute("class")
    larger = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert larger >= normal * 1.35
    assert page.get_by_role("button", name="标准版").bounding_box()["height"] >= 60
    assert fits_the_screen(page)
    assert axe_violations(page) == []

    page.goto("/")
    assert "elder" in page.locator("html").get_attribute("class")
    assert fits_the_screen(page)
    assert axe_violations(page) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "path", ["/", "/c/2.1", "/about", "/c/9.9.9", "/?q=nothing-matches"]
)
def test_public_pages_have_no_accessibility_violations(phone, live_server, path, lang):
    sep = "&" if "?" in path else "?"
    phone.goto(f"{path}{sep}lang={lang}")
    assert axe_violations(phone) == []
    assert fits_the_screen(phone)
    assert only_this_host(phone, live_server) == []


def test_pages_reflow_on_a_narrow_screen_with_larger_text(browser, live_server):
    context = browser.new_context(
        viewport={"width": 320, "height": 640}, base_url=live_server
    )
    page = context.new_page()
    context.add_cookies([{"name": "elder", "value": "1", "url": live_server}])
    for path in ("/", "/c/3.1.6", "/about?lang=en"):
        page.goto(path)
        assert fits_the_screen(page), path
    context.close()


def test_read_aloud_button_appears_only_where_speech_exists(phone):
    phone.goto("/c/2.1")
    has_speech = phone.evaluate("'speechSynthesis' in window")
    assert phone.get_by_role("button", name="朗读").is_visible() == has_speech


def test_the_accessibility_check_does_catch_violations(phone):
    """Guards the guard: axe must report a page that breaks the rules."""
    phone.set_content('<html><body><img src="x.png"><button></button></body></html>')
    violations = axe_violations(phone)
    assert any(v.startswith("image-alt") for v in violations)
    assert any(v.startswith("button-name") for v in violations)
