"""Personal data whatever its format: property tests that generate separators, scripts and noise.

Card numbers are generated (valid Luhn, 13-19 digits), cut into random groups, written in mixed
scripts (ASCII, full-width, Arabic-Indic, Devanagari, Chinese numerals), joined by random
separators (spaces, dots, dashes, slashes, full-width forms, zero-width characters) and put in
random Chinese or English text. Neither the at-rest mask nor the output redaction may leave the
number readable; the independent check below reads digits its own way.
"""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from agents.guards.pii import redact
from switchboard.privacy import has_full_card_number, luhn_valid, mask_at_rest, mask_deep

CHINESE_NUMERALS = "零一二三四五六七八九"
SCRIPTS = {
    "ascii": lambda d: str(d),
    "fullwidth": lambda d: chr(0xFF10 + d),
    "arabic": lambda d: chr(0x0660 + d),
    "devanagari": lambda d: chr(0x0966 + d),
    "chinese": lambda d: CHINESE_NUMERALS[d],
}
SEPARATORS = [
    " ",
    ".",
    "-",
    "/",
    "_",
    "  ",
    " - ",
    "\u3000",
    "．",
    "－",
    "\u200b",
    "\u200c\u200b",
    "\u2060",
    "·",
]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
WORDS = ["my card", "卡号", "please refund", "是", "number", "付款", "to", "谢谢", "card no:", "用这张卡"]


def independent_digits(text: str) -> str:
    """Digits of `text` in any script or as Chinese numerals (not the code under test's folding)."""
    out = []
    for ch in text:
        if ch in CHINESE_NUMERALS or ch == "〇":
            out.append(str(CHINESE_NUMERALS.find(ch)) if ch != "〇" else "0")
        elif unicodedata.decimal(ch, None) is not None:
            out.append(str(unicodedata.decimal(ch)))
    return "".join(out)


def separators_between_digits(text: str) -> list[str]:
    """The runs of non-digits in `text` (digits of any script, Chinese numerals)."""
    runs, current = [], ""
    for ch in text:
        if ch in CHINESE_NUMERALS or ch == "〇" or unicodedata.decimal(ch, None) is not None:
            if current:
                runs.append(current)
            current = ""
        else:
            current += ch
    return runs


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    length = draw(st.integers(13, 19))
    body = draw(st.lists(st.integers(0, 9), min_size=length - 1, max_size=length - 1))
    body[0] = draw(st.sampled_from([3, 4, 5, 6]))
    for check in range(10):
        digits = "".join(map(str, body)) + str(check)
        if luhn_valid(digits):
            return digits
    raise AssertionError("a Luhn check digit always exists")


@st.composite
def formatted(draw: st.DrawFn, digits: str) -> str:
    """`digits` cut into groups, each digit in a script, groups joined by separators, noise inside."""
    cuts = sorted(set(draw(st.lists(st.integers(1, len(digits) - 1), max_size=6))))
    groups = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
    separators = SEPARATORS
    script = draw(st.sampled_from(sorted(SCRIPTS)))
    mixed = draw(st.booleans())
    out = []
    for g, group in enumerate(groups):
        for d in group:
            name = draw(st.sampled_from(sorted(SCRIPTS))) if mixed else script
            out.append(SCRIPTS[name](int(d)))
            if draw(st.integers(0, 9)) == 0:
                out.append(draw(st.sampled_from(INVISIBLE)))
        if g < len(groups) - 1:
            out.append(draw(st.sampled_from(separators)))
    text = "".join(out)
    # Two groups joined by one dot read as a decimal number (by design): not a card format.
    visible = separators_between_digits("".join(ch for ch in text if ch not in INVISIBLE))
    assume(not (len(visible) == 1 and visible[0] in (".", "．")))
    return text


@st.composite
def card_messages(draw: st.DrawFn) -> tuple[str, str]:
    digits = draw(card_numbers())
    number = draw(formatted(digits))
    before = draw(st.sampled_from(WORDS))
    after = draw(st.sampled_from(WORDS))
    glue = draw(st.sampled_from([" ", "：", ": ", "", "\n"]))
    return digits, f"{before}{glue}{number} {after}"


PROPERTY = settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY
@given(card_messages())
def test_a_card_number_in_any_format_is_masked_at_rest_to_its_last_four(case: tuple[str, str]) -> None:
    digits, message = case
    masked = mask_at_rest(message)
    assert digits not in independent_digits(masked.text), masked.text
    assert f"**** {digits[-4:]}" in masked.text and "card" in masked.kinds
    assert not has_full_card_number(masked.text)
    assert mask_at_rest(masked.text).text == masked.text  # masking twice changes nothing


@PROPERTY
@given(card_messages(), st.sampled_from(["zh", "en"]))
def test_a_card_number_in_any_format_is_masked_in_replies_even_the_users_own(
    case: tuple[str, str], language: str
) -> None:
    digits, message = case
    result = redact(f"Refund to {message}.", own_text=message, language=language)
    assert digits not in independent_digits(result.text)
    assert f"**** {digits[-4:]}" in result.text


@st.composite
def mobiles(draw: st.DrawFn) -> tuple[str, str]:
    digits = (
        "1"
        + str(draw(st.integers(3, 9)))
        + "".join(str(d) for d in draw(st.lists(st.integers(0, 9), min_size=9, max_size=9)))
    )
    sep = draw(st.sampled_from(["", " ", ".", "-", "－", "．", "\u3000", "\u200b"]))
    script = draw(st.sampled_from(["ascii", "fullwidth"]))
    text = sep.join([digits[:3], digits[3:7], digits[7:]])
    text = "".join(SCRIPTS[script](int(ch)) if ch.isdigit() else ch for ch in text)
    return digits, draw(st.sampled_from(["我的电话", "call me at ", "手机：", "phone "])) + text


@PROPERTY
@given(mobiles())
def test_a_phone_number_with_any_separator_is_masked_at_rest_and_redacted_for_others(
    case: tuple[str, str],
) -> None:
    digits, message = case
    masked = mask_at_rest(message)
    assert digits not in independent_digits(masked.text) and masked.kinds == ["phone"]
    assert masked.text.endswith("***" + digits[-4:])
    assert digits not in independent_digits(redact(f"Contact: {message}", own_text="hi").text)


def test_identifiers_are_masked_with_a_hint_and_flight_data_is_untouched() -> None:
    text = "护照 G12345678，身份证 110101199003078515，邮箱 li.ming@example.com"
    assert mask_at_rest(text).text == "护照 ***678，身份证 ***8515，邮箱 l***@example.com"
    plain = (
        "Change FL123 seat 12A to 14C on 2026-06-20 14:00, fare 1,400.00 USD, booking ABC123, CMP-1A2B3C4D"
    )
    assert mask_at_rest(plain).text == plain and mask_at_rest(plain).kinds == []


def test_the_issue_examples_are_masked() -> None:
    for text in ("4111.1111.1111.1111", "4\u200b111 1111 1111 1111", "４１１１ １１１１ １１１１ １１１１"):
        assert mask_at_rest(f"card {text}").text == "card **** 1111"
        assert redact(f"card {text}").text == "card **** 1111"


def test_a_decimal_number_is_not_a_card() -> None:
    assert mask_at_rest("ratio 0.203930263133269 and 4111.1111.1111.1111").text == (
        "ratio 0.203930263133269 and **** 1111"
    )


def test_mask_deep_reaches_every_string() -> None:
    value = {"a": ["card 4111-1111-1111-1111", {"b": ("13812345678",)}], "n": 5, "none": None}
    assert mask_deep(value) == {"a": ["card **** 1111", {"b": ("***5678",)}], "n": 5, "none": None}


@given(st.text(max_size=60))
@settings(max_examples=300, deadline=None)
def test_the_folded_view_is_the_same_by_the_quick_path(text: str) -> None:
    from switchboard.privacy import TextView, _fold_char

    chars = [_fold_char(ch) for ch in text]  # the definition: every character folded alone
    origin = tuple(index for index, folded in enumerate(chars) for _ in folded)
    assert TextView.of(text) == TextView(text, "".join(chars), origin)
