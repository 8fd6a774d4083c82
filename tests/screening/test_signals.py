"""Links and repetition are counted as a moderator would count them."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.screening.signals import (
    LONGEST_UNBROKEN,
    link_count,
    longest_unbroken_run,
    looks_repetitive,
    repeated_text_ratio,
)

# A shared article link with its tracking parameters, about 300 characters long.
LONG_LINK = "https://mp.weixin.qq.com/s?__biz=MzA3NjE5NQ==&" + "&".join(
    f"p{n}={hashlib.sha256(str(n).encode()).hexdigest()}" for n in range(4)
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see https://example.com/a?b=1 now", 1),
        ("HTTP://EXAMPLE.COM", 1),
        ("http://例子.测试/路径", 1),
        ("http://127.0.0.1:8080/x", 1),
        ("www.example.com", 1),
        ("访问www.example.com了解详情", 1),  # glued to Chinese
        ("加我example.top谢谢", 1),
        ("网址：example.com", 1),
        ("访问 例子.中国 了解", 1),
        ("网址：例子.中國。", 1),
        ("ｅｘａｍｐｌｅ．ｃｏｍ", 1),  # full-width letters and dot
        ("example。com", 1),
        ("example点com", 1),
        ("example 點 com", 1),
        ("example[.]com", 1),
        ("example(dot)com", 1),
        ("exa\u200bmple.com", 1),  # a zero-width space cannot split it
        ("联系foo.cn或bar.com.cn", 2),
        ("a.com b.net c.org", 3),
        (LONG_LINK, 1),
        ("我们小区的垃圾分类做得很好。", 0),
        ("e.g. this, i.e. that", 0),
        ("version 3.14 and 1.2.3", 0),
        ("Mr.Smith said hi. Then left.", 0),
        ("the dot com bubble", 0),
        ("写信给 someone@example.com", 0),  # an address is not a link
        ("z***@example.com", 0),  # nor one that was masked
        ("", 0),
    ],
)
def test_links_are_counted(text, expected):
    assert link_count(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "哈哈哈哈哈哈哈哈哈哈哈",
        "buy buy buy buy buy",
        "BUY, buy, ｂｕｙ, buy, buy",
        "加微信123 加微信123 加微信123 加微信123",
        "顶顶顶顶顶顶顶顶顶顶顶顶",
        "a" * 10_000,
        "spam" * 2_500,
        "".join(chr(97 + (i * 7) % 26) for i in range(10_000)),  # one long string
    ],
)
def test_repetitive_text_is_flagged(text):
    assert looks_repetitive(text)


@pytest.mark.parametrize(
    "text",
    [
        "我们小区的垃圾分类做得很好，希望继续保持。",
        "哈哈哈哈哈哈，说得太对了，我们楼也是这样，物业一直不管。",
        "哈哈哈，说得对",
        "The lift has been broken for three weeks, please fix it.",
        "！！！！！！！！！！！！",  # punctuation alone is not a repeated word
        "no no no",
        LONG_LINK,  # a long link is counted as a link, not as garbage
        "",
    ],
)
def test_ordinary_text_is_not_flagged(text):
    assert not looks_repetitive(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("哈哈哈哈哈哈哈哈哈哈哈", 1.0),
        ("buy buy buy buy buy", 1.0),
        ("哈哈哈哈哈哈好的", 0.75),
        ("哈哈哈好的", 0.0),
        ("我们小区的垃圾分类做得很好", 0.0),
        ("", 0.0),
    ],
)
def test_repeated_text_ratio(text, expected):
    assert repeated_text_ratio(text) == pytest.approx(expected)


def test_unbroken_runs_stop_at_spaces_and_chinese():
    assert longest_unbroken_run("abc defg") == 4
    assert longest_unbroken_run("我们abcdef你们") == 6
    assert longest_unbroken_run("我们小区") == 0
    assert longest_unbroken_run("x" * LONGEST_UNBROKEN) == LONGEST_UNBROKEN


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_signals_take_any_text(text):
    assert link_count(text) >= 0
    assert 0.0 <= repeated_text_ratio(text) <= 1.0
    looks_repetitive(text)
