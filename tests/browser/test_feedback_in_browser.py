"""A resident on a phone rates a card, changes the rating and comments."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


def test_resident_rates_changes_and_comments_from_a_phone(phone):
    page = phone
    page.goto("/c/3.7.6")
    page.get_by_label("满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_url("**/c/3.7.6#feedback-message")
    assert "谢谢，您的评价已保存。" in page.locator("#feedback-message").inner_text()
    assert "共 1 人评价" in page.locator("#rate").inner_text()
    assert "您的评价：满意" in page.locator("#rate").inner_text()

    page.get_by_label("非常不满意").check()
    page.get_by_role("button", name="修改我的评价").click()
    page.wait_for_url("**/c/3.7.6#feedback-message")
    rate = page.locator("#rate").inner_text()
    assert "平均 1.0 分" in rate and "共 1 人评价" in rate

    page.get_by_label("留言内容").fill("学位够不够？请打我电话 139 1234 5678 告诉我。")
    page.get_by_label("显示的称呼（可不填）").fill("张阿姨")
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_url("**/c/3.7.6#feedback-message")
    message = page.locator("#feedback-message").inner_text()
    assert "隐去了留言中的手机号码" in message
    thread = page.locator("#comments").inner_text()
    assert "139****5678" in thread and "1234" not in thread and "待审核" in thread
    assert axe_violations(page) == []

    page.get_by_role("link", name="我的反馈").click()
    page.wait_for_url("**/me")
    mine = page.locator("main").inner_text()
    assert "139****5678" in mine and "待审核" in mine and "非常不满意" in mine
    assert axe_violations(page) == []


def test_a_rating_without_a_choice_is_explained_not_lost(phone):
    page = phone
    page.goto("/c/2.1?lang=en")
    page.get_by_role("button", name="Send my rating").click()
    assert (
        "Please choose one of the five answers." in page.locator("#rate").inner_text()
    )
    page.get_by_label("Your comment").fill("x")
    page.get_by_role("button", name="Send comment").click()
    assert (
        "Please write at least 2 characters." in page.locator("#comments").inner_text()
    )
    assert page.get_by_label("Your comment").input_value() == "x"
    assert axe_violations(page) == []
