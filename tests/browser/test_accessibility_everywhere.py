"""axe-core on every public page, in both languages and both text sizes (issue 7).

The pages come from the app's own URL map: every route a view marks
`@public` is either opened here (with sample arguments for routes that take
some), listed as not HTML, or sent a form in `ACTIONS`. A new public route
that is none of these fails `test_every_public_route_is_swept`, naming it; a
new public page without arguments is opened automatically.

One browser, one server (`demo_app`: demonstration data plus a long thread,
hidden and rejected comments, a retired commitment and an earlier report), one
tab per mode. Each mode also goes through the states after an action: a rating
sent, a comment awaiting review, a report of a comment, an answer about a
reply, and each form sent back with its errors.
"""

from __future__ import annotations

import pytest

from portal.access import PUBLIC
from portal.i18n import LANG_COOKIE
from tests.browser.conftest import PHONE, axe_violations

pytestmark = pytest.mark.browser

# Sample addresses of each public page, by URL rule; {names} come from
# demo_app.samples. A page without arguments that is missing here is opened
# as it is; a rule with arguments that is missing fails the inventory test.
PAGES = {
    "/": [
        "/",
        "/?page=2",
        "/?q=nothing-matches",
        "/?q=" + "x" * 101,  # too long: sent back with the field's error (400)
        "/?area=3.5&status=in_progress&sort=rating",  # the filters opened
        "/?year={earlier_year}",
    ],
    "/c/<code>": [
        "/c/{code}",
        "/c/{long}",
        "/c/{long}?comments=1",
        "/c/{retired}",
        "/c/{earlier_code}?year={earlier_year}",
        "/c/9.9.9",  # 404
    ],
    "/about": ["/about"],
    "/transparency": ["/transparency"],
    "/me": ["/me"],
    "/staff/sign-in": ["/staff/sign-in"],
}
# Error pages a resident can reach: unknown address, a staff page, a wrong method.
ERROR_PAGES = ["/no-such-page", "/dashboard/", "/settings"]
# Public routes that answer with data, not a page; checked to stay so.
NOT_HTML = {
    "/api/v1/commitments": "/api/v1/commitments",
    "/api/v1/commitments.csv": "/api/v1/commitments.csv",
    "/api/v1/comments.csv": "/api/v1/comments.csv",
    "/api/v1/commitments/<code>": "/api/v1/commitments/{code}",
    "/api/v1/openapi.json": "/api/v1/openapi.json",
    "/healthz": "/healthz",
}
# Public routes that take a form; the pages they lead to are checked in
# `_actions` (and /settings by switching to elder mode).
ACTIONS = {
    "/c/<code>/rating",
    "/c/<code>/comments",
    "/comments/<int:comment_id>/flag",
    "/replies/<int:reply_id>/verdict",
    "/settings",
    "/staff/sign-in",
}
MODES = [("zh", False), ("en", False), ("zh", True), ("en", True)]
HTML_LANG = {"zh": "zh-Hans", "en": "en"}


def public_rules(app) -> list:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "access", None) == PUBLIC
    ]


def sample_paths(app) -> list[str]:
    """Every public page address to open, with the demo rows filled in."""
    paths = []
    for rule in public_rules(app):
        if "GET" not in rule.methods or rule.rule in NOT_HTML:
            continue
        if rule.rule in PAGES:
            paths += PAGES[rule.rule]
        elif not rule.arguments:
            paths.append(rule.rule)
    return [p.format(**app.samples) for p in paths + ERROR_PAGES]


def test_every_public_route_is_swept(demo_app):
    missing = []
    for rule in public_rules(demo_app):
        gets = "GET" in rule.methods
        listed = rule.rule in PAGES or rule.rule in NOT_HTML
        if gets and rule.arguments and not listed:
            missing.append(f"GET {rule.rule}: add sample addresses to PAGES")
        if not gets and rule.rule not in ACTIONS:
            missing.append(f"{sorted(rule.methods)} {rule.rule}: check it in ACTIONS")
    assert missing == []
    client = demo_app.test_client()
    for rule, path in NOT_HTML.items():
        response = client.get(path.format(**demo_app.samples))
        assert response.status_code == 200, rule
        assert not response.mimetype.startswith("text/html"), rule


class Sweep:
    """One tab in one mode; collects axe's findings with the page they were on."""

    def __init__(self, page, lang: str, elder: bool):
        self.page, self.lang, self.elder = page, lang, elder
        self.found: list[str] = []

    def check(self, label: str) -> None:
        html = self.page.locator("html")
        assert html.get_attribute("lang") == HTML_LANG[self.lang], label
        assert ("elder" in (html.get_attribute("class") or "")) == self.elder, label
        self.found += [f"{label}: {v}" for v in axe_violations(self.page)]

    def open(self, path: str) -> None:
        self.page.goto(path)
        self.check(path)


def submit(page, button) -> None:
    """Click a form's button and wait for the page the server answers with."""
    with page.expect_navigation():
        button.click()


def _actions(sweep: Sweep, samples: dict) -> None:
    """Send each public form, wrongly and rightly, and check the page after it."""
    page = sweep.page
    code, long = samples["code"], samples["long"]
    rating = page.locator("#rate form")
    comment = page.locator("#comments form.feedback-form")

    page.goto(f"/c/{code}")
    submit(page, rating.locator("button[type=submit]"))
    assert page.locator("#rate .error").count(), "rating without a choice"
    sweep.check(f"/c/{code} rating sent without a choice")
    rating.locator("input[type=radio]").first.check()
    submit(page, rating.locator("button[type=submit]"))
    assert page.locator("#feedback-message .message-success").count()
    sweep.check(f"/c/{code} after rating")

    submit(page, comment.locator("button[type=submit]"))
    assert page.locator("#comments .error").count(), "empty comment"
    sweep.check(f"/c/{code} comment sent empty")
    comment.locator("textarea").fill("路灯修好以后晚上走路安心多了，希望继续保持。")
    submit(page, comment.locator("button[type=submit]"))
    assert page.locator(".awaiting").count(), "own comment awaiting review"
    sweep.check(f"/c/{code} with a comment awaiting review")

    # A report of someone's comment: without a reason, then with one. On the
    # long thread, so the reply's comment is never hidden by reports.
    page.goto(f"/c/{long}")
    flag = page.locator("details.flag").first
    flag.locator("summary").click()
    submit(page, flag.locator("button[type=submit]"))
    sweep.check(f"/c/{long} comment reported without a reason")
    flag = page.locator("details.flag").first
    flag.locator("summary").click()
    flag.locator("input[type=radio]").first.check()
    submit(page, flag.locator("button[type=submit]"))
    assert page.locator("#feedback-message .message-success").count()
    sweep.check(f"/c/{long} after reporting a comment")

    # An answer about the government's reply: without a choice, then with one.
    page.goto(f"/c/{code}")
    verdict = page.locator(f"#reply-{samples['reply']} details.verdict")
    verdict.locator("summary").click()
    submit(page, verdict.locator("button[type=submit]"))
    assert page.locator(f"#reply-{samples['reply']} .error").count(), "verdict"
    sweep.check(f"/c/{code} reply answered without a choice")
    verdict = page.locator(f"#reply-{samples['reply']} details.verdict")
    verdict.locator("input[type=radio][value=yes]").check()
    submit(page, verdict.locator("button[type=submit]"))
    assert page.locator("#feedback-message .message-success").count()
    sweep.check(f"/c/{code} after answering about a reply")

    sweep.open("/me")  # now with a rating and a comment

    page.goto("/staff/sign-in")
    submit(page, page.locator("main form button[type=submit]"))
    sweep.check("/staff/sign-in sent empty")


@pytest.mark.parametrize(
    ("lang", "elder"),
    MODES,
    ids=[f"{lang}-{'elder' if elder else 'standard'}" for lang, elder in MODES],
)
def test_no_axe_violations_on_any_public_page(browser, demo_app, lang, elder):
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN" if lang == "zh" else "en-GB",
        bypass_csp=True,
        base_url=demo_app.url,
    )
    context.add_cookies([{"name": LANG_COOKIE, "value": lang, "url": demo_app.url}])
    page = context.new_page()
    sweep = Sweep(page, lang, elder)
    try:
        if elder:
            # As a resident does: the header's "Larger text" (POST /settings).
            page.goto("/")
            submit(page, page.locator(".preferences button[name=elder]"))
        for path in sample_paths(demo_app):
            sweep.open(path)
        _actions(sweep, demo_app.samples)
    finally:
        context.close()
    assert not sweep.found, "\n".join(sweep.found)
