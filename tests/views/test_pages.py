"""About page, the language and text-size switch, and what every page promises."""

from __future__ import annotations

import re

import pytest


def test_about_page_has_privacy_and_accessibility_in_both_languages(client):
    zh = client.get("/about").get_data(as_text=True)
    assert 'id="privacy"' in zh and "隐私声明" in zh and "无障碍声明" in zh
    en = client.get("/about?lang=en").get_data(as_text=True)
    assert "Privacy notice" in en and "Accessibility statement" in en


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("en-GB,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9", "zh-Hans"),
        ("fr-FR", "zh-Hans"),
        ("", "zh-Hans"),
    ],
)
def test_language_follows_the_browser_when_not_chosen(client, header, lang):
    page = client.get("/about", headers={"Accept-Language": header}).get_data(
        as_text=True
    )
    assert f'<html lang="{lang}"' in page


def test_language_switch_is_remembered_and_beats_the_browser(client):
    response = client.post("/settings", data={"lang": "en", "next": "/about"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/about"
    cookie = client.get_cookie("lang")
    assert cookie.value == "en" and cookie.http_only
    page = client.get("/about", headers={"Accept-Language": "zh-CN"}).get_data(
        as_text=True
    )
    assert '<html lang="en"' in page
    # The switch on an English page offers Chinese back.
    assert 'name="lang" value="zh" lang="zh-Hans">中文</button>' in page


def test_elder_mode_is_switched_on_and_off_from_any_page(client):
    client.post("/settings", data={"elder": "on", "next": "/about"})
    assert 'class="elder"' in client.get("/about").get_data(as_text=True)
    client.post("/settings", data={"elder": "off", "next": "/about"})
    assert 'class="elder"' not in client.get("/about").get_data(as_text=True)


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "",
    ],
)
def test_switch_only_returns_to_this_site(client, next_url):
    response = client.post("/settings", data={"lang": "en", "next": next_url})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("data", [{"lang": "xx"}, {"elder": "maybe"}])
def test_switch_rejects_unknown_values(client, data):
    assert client.post("/settings", data=data).status_code == 400
    assert client.get_cookie("lang") is None


def test_switch_refuses_cross_site_posts(client):
    response = client.post(
        "/settings", data={"lang": "en"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403


def test_switch_comes_back_to_the_same_filters_without_lang(client, shipped):
    page = client.get("/?area=2&lang=en").get_data(as_text=True)
    assert 'name="next" value="/?area=2"' in page


def test_public_pages_carry_no_per_visitor_token(client, shipped):
    first = client.get("/").get_data(as_text=True)
    other = client.application.test_client().get("/").get_data(as_text=True)
    assert first == other
    assert "csrf_token" not in first


@pytest.mark.parametrize("path", ["/", "/c/3.5.7", "/about", "/c/none"])
def test_pages_request_nothing_from_other_hosts(client, shipped, path):
    page = client.get(path).get_data(as_text=True)
    urls = re.findall(r'(?:src|href|action)="([^"]*)"', page)
    assert urls
    assert all(u.startswith(("/", "#", "http://localhost/")) for u in urls), urls
