"""Phone, ID, card and e-mail details are masked before anyone else sees them."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric

from portal.screening.pii import Masked, mask_personal_data

MOBILE = "138****8000"
ID = "110105************"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13800138000", MOBILE),
        ("138 0013 8000", MOBILE),
        ("138-0013-8000", MOBILE),
        ("138.0013.8000", MOBILE),
        ("138 - 0013 - 8000", MOBILE),
        ("138\u00a00013\u00a08000", MOBILE),  # non-breaking spaces
        ("1 3 8 0 0 1 3 8 0 0 0", MOBILE),
        ("138\u200b0013\u200b8000", MOBILE),  # zero-width spaces
        ("１３８００１３８０００", MOBILE),  # full-width digits
        ("１３８－００１３－８０００", MOBILE),
        ("１３８\u3000００１３\u3000８０００", MOBILE),
        ("+86 138 0013 8000", MOBILE),
        ("+8613800138000", MOBILE),
        ("+86-138-0013-8000", MOBILE),
        ("0086 138 0013 8000", MOBILE),
        ("008613800138000", MOBILE),
        ("86 13800138000", MOBILE),
        ("(+86) 138 0013 8000", MOBILE),
        ("（+86）13800138000", MOBILE),
        ("＋８６ １３８ ００１３ ８０００", MOBILE),
        ("电话13800138000找我", f"电话{MOBILE}找我"),
        ("电话：138 0013 8000。", f"电话：{MOBILE}。"),
        ("电话(+86 138 0013 8000)", f"电话({MOBILE})"),
        ("call me at13800138000today", f"call me at{MOBILE}today"),
        ("Tel:+86 15912345678.", "Tel:159****5678."),
        ("No.12313800138000", f"No.123{MOBILE}"),  # inside a longer run
        ("13800138000123", f"{MOBILE}123"),
        ("138 0013 80001", f"{MOBILE}1"),  # a typed extra digit
        ("两个号码13800138000和19912345678", f"两个号码{MOBILE}和199****5678"),
    ],
)
def test_mobile_numbers_are_masked(text, expected):
    assert mask_personal_data(text) == Masked(expected, frozenset({"mobile"}))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11010519491231002X", ID),
        ("11010519491231002x", ID),  # lower-case check digit
        ("110105200001010016", ID),
        ("110105 19491231 002X", ID),
        ("110105-1949-1231-002X", ID),
        ("１１０１０５１９４９１２３１００２Ｘ", ID),  # full-width
        ("ID11010519491231002Xabc", f"ID{ID}abc"),
        ("身份证号11010519491231002X。", f"身份证号{ID}。"),
        ("编号99110105200001010016", f"编号99{ID}"),  # inside a longer run
        ("44030419900307123X", "440304************"),
    ],
)
def test_resident_ids_are_masked(text, expected):
    assert mask_personal_data(text) == Masked(expected, frozenset({"id_number"}))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zhang.san@example.com", "z***@example.com"),
        ("联系zhangsan@163.com谢谢", "联系z***@163.com谢谢"),
        ("Mail: Li_Si+portal@mail.gov.cn.", "Mail: L***@mail.gov.cn."),
        ("ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", "z***@example.com"),
        ("13800138000@qq.com", "1***@qq.com"),
    ],
)
def test_email_addresses_are_masked(text, expected):
    assert mask_personal_data(text) == Masked(expected, frozenset({"email"}))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6222021234567894", "6222****7894"),
        ("6222 0212 3456 7894", "6222****7894"),
        ("6222-0212-3456-7894", "6222****7894"),
        ("4111 1111 1111 1111", "4111****1111"),
        ("6217000000000000004", "6217****0004"),  # 19 digits
        ("卡号６２２２０２１２３４５６７８９４", "卡号6222****7894"),
        ("6221380013800012", "6221****0012"),  # a card before the mobile inside
    ],
)
def test_bank_cards_are_masked(text, expected):
    assert mask_personal_data(text) == Masked(expected, frozenset({"bank_card"}))


def test_an_id_that_is_also_luhn_valid_reads_as_an_id():
    assert mask_personal_data("440304199003070050") == Masked(
        "440304************", frozenset({"id_number"})
    )


def test_an_id_with_a_wrong_check_digit_can_still_hide_a_mobile_number():
    # Not an ID, but 19491231002 inside it has a mobile number's shape.
    assert mask_personal_data("110105194912310021") == Masked(
        "110105194****10021", frozenset({"mobile"})
    )


def test_every_kind_found_is_reported():
    masked = mask_personal_data(
        "我叫张三，电话13800138000，身份证11010519491231002X，"
        "邮箱zs@example.com，卡号6222 0212 3456 7894。"
    )
    assert masked.text == (
        f"我叫张三，电话{MOBILE}，身份证{ID}，邮箱z***@example.com，卡号6222****7894。"
    )
    assert masked.kinds == {"mobile", "id_number", "email", "bank_card"}


@pytest.mark.parametrize(
    "text",
    [
        "2025年完成",
        "预算8000元",
        "共2580户",
        "增长289.81%",
        "2025-06-30前完成",
        "2025.06.30-2025.07.01",  # a date range, joined up by separators
        "2019.05.01-2019.06.30",
        "第3.5.8条",
        "第3.5.8条，2025年6月30日前投入2580万元，增长289.81%。",
        "1380013800",  # ten digits: one short of a mobile number
        "010-6552 9988",  # a Beijing landline
        "0755-8888 1234",
        "110105200001010017",  # an ID with a wrong check digit
        "6222021234567891",  # sixteen digits failing the Luhn check
        "4000 0000 0000 0001",
        "12,345,678,901",  # commas separate amounts, not phone digits
        "name@localhost",
        "no address @ here",
        "",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert mask_personal_data(text) == Masked(text, frozenset())


@pytest.mark.parametrize(
    "text",
    [
        MOBILE,
        ID,
        "z***@example.com",
        "6222****7894",
        f"电话{MOBILE}，身份证{ID}，邮箱z***@163.com",
    ],
)
def test_masked_text_stays_as_it_is(text):
    assert mask_personal_data(text) == Masked(text, frozenset())


def test_digits_left_beside_a_mask_cannot_form_a_new_number():
    # After 14798071607 is masked, its visible 1607 and the 3313433 written
    # next to it read as the mobile number 16073313433, so that is masked too.
    assert mask_personal_data("14798071607 3313433") == Masked(
        "147****160****3433", frozenset({"mobile"})
    )


# Property tests: a valid number in any of the disguises is masked, and only it.

FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")
SEPARATORS = ["", "", "", " ", "-", ".", "\u00a0", "\u3000", "－", "\u200b", " - "]
PREFIXES = ["", "", "+86", "+86 ", "0086-", "86 ", "(+86)", "＋８６ "]
# Surrounding text without digits, so every digit in the output is ours to check.
WORDS = st.text(
    alphabet=st.sampled_from(list("电话身份证号我的是 ，。：:;!?()abcXYZx-._\n")),
    max_size=12,
)
MOBILES = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@st.composite
def resident_ids(draw) -> str:
    """A resident ID with a valid check digit, born any day from 1900 on."""
    region = draw(st.sampled_from(["110105", "310115", "440304", "510107", "650102"]))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2024, 12, 31)))
    body = f"{region}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return body + ric.calc_check_digit(body + "0")


@st.composite
def cards(draw) -> str:
    """A UnionPay-style card number of 16 to 19 digits passing the Luhn check."""
    body = draw(st.from_regex(r"62[0-9]{13,16}", fullmatch=True))
    return body + luhn.calc_check_digit(body)


def _write(draw, number: str) -> str:
    """The number as a resident might type it: full-width, lower-case x, gaps."""
    if draw(st.booleans()):
        number = number.lower()
    if draw(st.booleans()):
        number = number.translate(FULL_WIDTH)
    size = len(number) - 1
    gaps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=size, max_size=size))
    return number[0] + "".join(g + c for g, c in zip(gaps, number[1:], strict=True))


@st.composite
def written_ids(draw) -> tuple[str, str]:
    """Text holding a disguised ID, and the text a reader should then see."""
    number = draw(resident_ids())
    before, after = draw(WORDS), draw(WORDS)
    return (
        before + _write(draw, number) + after,
        f"{before}{number[:6]}{'*' * 12}{after}",
    )


@st.composite
def written_mobiles(draw) -> tuple[str, str]:
    """Text holding a disguised mobile number, and the text a reader should see."""
    number = draw(MOBILES)
    before, after, prefix = draw(WORDS), draw(WORDS), draw(st.sampled_from(PREFIXES))
    return (
        before + prefix + _write(draw, number) + after,
        f"{before}{number[:3]}****{number[-4:]}{after}",
    )


@st.composite
def written_cards(draw) -> tuple[str, str]:
    """Text holding a disguised card number, and the text a reader should see."""
    number = draw(cards())
    before, after = draw(WORDS), draw(WORDS)
    return (
        before + _write(draw, number) + after,
        f"{before}{number[:4]}****{number[-4:]}{after}",
    )


@st.composite
def glued_into_digits(draw, numbers: st.SearchStrategy[str]) -> str:
    """A number inside a longer run of digits, with no separators."""
    digits = st.text(alphabet="0123456789", max_size=6)
    run = draw(digits) + draw(numbers) + draw(digits)
    if draw(st.booleans()):
        run = run.translate(FULL_WIDTH)
    return draw(WORDS) + run + draw(WORDS)


def _survivors(text: str) -> list[str]:
    """Checksum-valid IDs and mobile numbers still readable in masked text."""
    view = unicodedata.normalize("NFKC", text).replace("\u200b", "")
    view = re.sub(r"(?<=[0-9])[ \-.\u00a0]+(?=[0-9Xx])", "", view).upper()
    ids = [
        n
        for n in re.findall(r"(?=([0-9]{17}[0-9X]))", view)
        if ric.calc_check_digit(n) == n[-1]
    ]
    return ids + re.findall(r"(?=(1[3-9][0-9]{9}))", view)


@settings(max_examples=200, deadline=None)
@given(written_ids())
def test_a_disguised_id_is_masked(case):
    text, expected = case
    assert mask_personal_data(text) == Masked(expected, frozenset({"id_number"}))


@settings(max_examples=200, deadline=None)
@given(written_mobiles())
def test_a_disguised_mobile_number_is_masked(case):
    text, expected = case
    assert mask_personal_data(text) == Masked(expected, frozenset({"mobile"}))


@settings(max_examples=200, deadline=None)
@given(written_cards())
def test_a_disguised_card_number_is_masked(case):
    text, expected = case
    masked = mask_personal_data(text)
    # One 18-digit card in eleven also passes as an ID, and IDs come first.
    if masked.kinds == {"id_number"}:
        assert len(re.sub(r"[^0-9]", "", masked.text)) == 6
    else:
        assert masked == Masked(expected, frozenset({"bank_card"}))


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        written_ids().map(lambda case: case[0]),
        written_mobiles().map(lambda case: case[0]),
        glued_into_digits(resident_ids()),
        glued_into_digits(MOBILES),
    )
)
def test_no_valid_id_or_mobile_number_survives(text):
    masked = mask_personal_data(text)
    assert not _survivors(masked.text)
    assert masked.kinds


# Anything at all: digits of both widths, separators, letters, e-mail parts.
MESSY = st.text(
    alphabet=st.one_of(
        st.sampled_from(
            list("0123456789０１２３４５６７８９ -.+()Xx@＠.com电话\u00a0")
        ),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(MESSY, glued_into_digits(resident_ids()), glued_into_digits(MOBILES)))
def test_masking_is_idempotent(text):
    once = mask_personal_data(text).text
    assert mask_personal_data(once) == Masked(once, frozenset())
