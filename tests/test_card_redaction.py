"""The one redaction table: no full card number, security code, token or secret survives into the journal,
Allure attachments, traces or the console."""

from __future__ import annotations

import base64
import json
import random
import re
import time
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from card_redaction import (
    TOO_DEEP,
    find_card_numbers,
    luhn_valid,
    mask_card_number,
    redact_headers,
    redact_json,
    redact_text,
)
from sandbox.journal import JOURNAL_REDACTION, MAX_DEPTH, MAX_KEPT_CHARACTERS, kept

TEST_CARD = "4444333322221111"
NOT_LUHN_CARD = "4444333322221112"


def luhn_complete(partial: str) -> str:
    """The partial number with the check digit that makes it pass Luhn."""
    for check in "0123456789":
        if luhn_valid(partial + check):
            return partial + check
    raise AssertionError("unreachable: one check digit always fits")


def generated_cards(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    prefixes = ["4", "51", "55", "2221", "34", "37", "3528", "6011", "62", "9", "1", "7"]
    cards = []
    for _ in range(count):
        prefix = rng.choice(prefixes)
        length = rng.randint(13, 19)
        body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
        cards.append(luhn_complete(body))
    return cards


def grouped(card: str, rng: random.Random, separator: str) -> str:
    """The card split the way people and forms split it: 4-4-4-4, 4-6-5, or random groups of 3 to 6."""
    layouts = {16: [4, 4, 4, 4], 15: [4, 6, 5], 14: [4, 6, 4], 19: [4, 4, 4, 4, 3]}
    sizes = layouts.get(len(card)) if rng.random() < 0.5 else None
    if sizes is None:
        sizes, left = [], len(card)
        while left:
            size = min(left, rng.randint(3, 6))
            if 0 < left - size < 3:
                size = left
            sizes.append(size)
            left -= size
    parts, at = [], 0
    for size in sizes:
        parts.append(card[at : at + size])
        at += size
    return separator.join(parts)


def embeddings(card: str, rng: random.Random) -> list[str]:
    spaced = grouped(card, rng, " ")
    hyphened = grouped(card, rng, "-")
    return [
        card,
        f"paid with {card}.",
        spaced,
        hyphened,
        grouped(card, rng, "."),
        grouped(card, rng, " - "),
        f"({spaced})",
        json.dumps({"note": card}),
        json.dumps({"note": spaced}),
        json.dumps({"n": int(card)}),
        json.dumps(json.dumps({"inner": card})),
        repr({"value": card}),
        quote(spaced),
        quote(json.dumps({"x": spaced})),
        quote_plus(spaced),
        f"https://a.example/p?x={quote_plus(hyphened)}&y=1",
        f"<td>{spaced}</td>",
        f"line1\n{card}\nline3",
    ]


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


CARDS = generated_cards(400, seed=643)


@pytest.mark.parametrize("card", CARDS[:200])
def test_no_full_card_number_survives_in_any_embedding(card: str) -> None:
    rng = random.Random(card)
    for text in embeddings(card, rng):
        masked = redact_text(text)
        assert card not in digits_of(masked), f"{card} left in {masked!r} (from {text!r})"
        assert "****" + card[-4:] in masked


@pytest.mark.parametrize("card", CARDS[200:])
def test_redaction_is_idempotent(card: str) -> None:
    rng = random.Random(card)
    secrets = ["123", "AKIAsecretKey", "tok/+en=="]
    noise = ["cvv=123", "token=tok/+en==", "key AKIAsecretKey", "10 20 30 40 50 60", "order 51234", ""]
    for text in embeddings(card, rng):
        text = f"{rng.choice(noise)} {text} {rng.choice(noise)}"
        once = redact_text(text, secrets)
        assert redact_text(once, secrets) == once


def test_the_digits_left_after_masking_cannot_form_a_new_card() -> None:
    # "1111 5555 6666 777x" (the kept last four and what follows) passes Luhn on its own.
    tail = luhn_complete("1111" + "55556666" + "777")[-4:]
    text = f"4444 3333 2222 1111 5555 6666 {tail}"
    masked = redact_text(text)
    assert redact_text(masked) == masked
    assert not any(span.luhn for span in find_card_numbers(masked))


def test_several_card_numbers_in_one_text_are_all_masked() -> None:
    cards = generated_cards(5, seed=7)
    text = " | ".join(f"row {i}: {card}" for i, card in enumerate(cards))
    masked = redact_text(text)
    for card in cards:
        assert card not in digits_of(masked)
    assert masked.startswith("row 0: ****")


def test_a_card_number_followed_by_a_year_is_masked_and_the_year_kept() -> None:
    assert redact_text(f"{grouped(TEST_CARD, random.Random(0), ' ')} 2026") == "****1111 2026"


def test_percent_escapes_next_to_the_digits_do_not_hide_the_card() -> None:
    assert redact_text(f"%22{TEST_CARD}%22") == "%22****1111%22"
    assert redact_text(f"\\u0022{TEST_CARD}\\u0022") == "\\u0022****1111\\u0022"


def test_digits_that_fail_luhn_are_left_alone_outside_card_fields() -> None:
    assert redact_text(f"order {NOT_LUHN_CARD} shipped") == f"order {NOT_LUHN_CARD} shipped"


@pytest.mark.parametrize(
    "text",
    [
        f"cn={NOT_LUHN_CARD}",
        f'{{"card_number": "{NOT_LUHN_CARD}"}}',
        f"card number: {grouped(NOT_LUHN_CARD, random.Random(1), ' ')}",
        f"カード番号：{NOT_LUHN_CARD}",
        f"%22cardNumber%22%3A%22{NOT_LUHN_CARD}%22",
    ],
)
def test_digits_that_fail_luhn_are_masked_next_to_a_card_number_key(text: str) -> None:
    masked = redact_text(text)
    assert NOT_LUHN_CARD not in digits_of(masked)
    assert "****1112" in masked


def test_tables_of_small_numbers_are_not_taken_for_cards() -> None:
    text = "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 and 10-20-30-40-50-60-70-80"
    assert redact_text(text) == text


def test_find_card_numbers_reports_positions_digits_and_check_digit() -> None:
    text = f"a {grouped(TEST_CARD, random.Random(2), '-')} b cn={NOT_LUHN_CARD}"
    spans = find_card_numbers(text)
    assert [(s.digits, s.luhn, s.labelled) for s in spans] == [
        (TEST_CARD, True, False),
        (NOT_LUHN_CARD, False, True),
    ]
    assert digits_of(text[spans[0].start : spans[0].end]) == TEST_CARD


def test_mask_card_number_keeps_only_the_last_four() -> None:
    assert mask_card_number("4444-3333-2222-1111") == "****1111"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"cvv": "123"}', '{"cvv": "***"}'),
        ('{"securityCode":"9876"}', '{"securityCode":"***"}'),
        ("security_code=123&x=1", "security_code=***&x=1"),
        ('{"access_key": "k-123"}', '{"access_key": "***"}'),
        ('{"accessKey": "k"}', '{"accessKey": "***"}'),
        ('{"token": "AbC+/=="}', '{"token": "***"}'),
        ("https://m.example/done?tkn=AbC%2B%2F%3D%3D&ok=1", "https://m.example/done?tkn=***&ok=1"),
        ("{'tkn': 'abc'}", "{'tkn': '***'}"),
        ('{"cn": "4444333322221111"}', '{"cn": "****1111"}'),
        ('{"cn": 4444333322221111}', '{"cn": "****1111"}'),
        ('{"pan":"4444 3333 2222 1111"}', '{"pan":"****1111"}'),
        ("cardNumber=4444333322221111", "cardNumber=****1111"),
        ('"{\\"cvc\\":\\"123\\"}"', '"{\\"cvc\\":\\"***\\"}"'),
        ("%22cvv%22%3A%22123%22", "%22cvv%22%3A%22***%22"),
        ('{"token": null, "cn": ""}', '{"token": null, "cn": ""}'),
    ],
)
def test_values_of_card_and_secret_keys_are_masked(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_keys_that_only_contain_a_sensitive_word_are_left_alone() -> None:
    text = "token_type=bearer&scan=42&pancake=3&tokens=5"
    assert redact_text(text) == text


def test_json_stays_valid_after_redaction() -> None:
    body = {
        "cn": 4444333322221111,
        "cvv": "123",
        "nested": {"token": "t0k", "list": [TEST_CARD]},
        "amount": 1200,
    }
    parsed = json.loads(redact_text(json.dumps(body)))
    assert parsed == {
        "cn": "****1111",
        "cvv": "***",
        "nested": {"token": "***", "list": ["****1111"]},
        "amount": 1200,
    }


def test_given_secrets_are_masked_as_written_and_encoded() -> None:
    key = "Ak/9+x=="
    text = f"raw {key} path {quote(key, safe='')} form {quote_plus(key)} json {json.dumps(key)[1:-1]}"
    masked = redact_text(text, [key])
    assert "Ak" not in masked and masked == "raw *** path *** form *** json ***"


def test_a_security_code_given_as_secret_is_masked_only_as_a_whole_number() -> None:
    masked = redact_text("code 123, order 51234, ****1123, 1234, %22123%22", ["123"])
    assert masked == "code ***, order 51234, ****1123, 1234, %22***%22"


def test_a_card_given_as_secret_is_masked_however_it_is_split_or_glued() -> None:
    text = f"x9{TEST_CARD}9 and {' '.join(TEST_CARD)} and 4444--3333..2222  1111"
    masked = redact_text(text, [TEST_CARD])
    assert TEST_CARD not in digits_of(masked.replace("9", ""))
    assert masked.count("****1111") == 3


def test_blank_and_mask_only_secrets_are_ignored() -> None:
    assert redact_text("a * b", ["", "   ", "*"]) == "a * b"


def test_base64_payloads_are_not_searched_as_documented() -> None:
    # Masking base64 would need decoding every blob; the card data guard searches it instead.
    encoded = "eyJjbiI6IjQ0NDQzMzMzMjIyMjExMTEifQ=="
    assert redact_text(encoded) == encoded


def test_redact_json_masks_deeply_and_leaves_the_input_untouched() -> None:
    value = {
        "card": {"cn": TEST_CARD, "holder": "TARO"},
        "rows": [{"pan": int(TEST_CARD)}, ("free text 4444 3333 2222 1111",)],
        "token": {"value": "abc", "issued": 12},
        "count": 4444333322221111,
        "flag": True,
        "missing": None,
        "ratio": 0.5,
        "note": "secret-key inside",
    }
    original = json.loads(json.dumps(value))
    masked = redact_json(value, ["secret-key"])
    assert masked == {
        "card": {"cn": "****1111", "holder": "TARO"},
        "rows": [{"pan": "****1111"}, ("free text ****1111",)],
        "token": {"value": "***", "issued": "***"},
        "count": "****1111",
        "flag": True,
        "missing": None,
        "ratio": 0.5,
        "note": "*** inside",
    }
    assert json.loads(json.dumps(value)) == original


def test_redact_json_masks_card_numbers_in_keys_too() -> None:
    assert redact_json({TEST_CARD: 1}) == {"****1111": 1}


def test_redact_headers_masks_credentials_and_cookie_values_but_keeps_their_shape() -> None:
    headers = {
        "Authorization": "Bearer eyJhbGciOi.xyz",
        "Proxy-Authorization": "opaque",
        "Cookie": "session=abc; theme=dark",
        "Set-Cookie": "sid=s3cr3t; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT, pref=1; HttpOnly",
        "X-Api-Key": "k",
        "X-Access-Key": "k2",
        "Referer": f"https://shop.example/pay?cn={TEST_CARD}",
        "Content-Type": "application/json",
    }
    masked = redact_headers(headers, ["s3cr3t"])
    assert masked == {
        "Authorization": "Bearer ***",
        "Proxy-Authorization": "***",
        "Cookie": "session=***; theme=***",
        "Set-Cookie": "sid=***; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT, pref=***; HttpOnly",
        "X-Api-Key": "***",
        "X-Access-Key": "***",
        "Referer": "https://shop.example/pay?cn=****1111",
        "Content-Type": "application/json",
    }
    assert headers["Authorization"] == "Bearer eyJhbGciOi.xyz"


@pytest.mark.parametrize(
    "digits", ["4444333322221111", "378282246310005", "6011111111111117", "4222222222222"]
)
def test_luhn_accepts_known_test_cards(digits: str) -> None:
    assert luhn_valid(digits)


@pytest.mark.parametrize("digits", ["4444333322221112", "", "12a4", "١٢٣"])
def test_luhn_rejects_wrong_check_digits_and_non_digits(digits: str) -> None:
    assert not luhn_valid(digits)


@pytest.mark.parametrize(
    "text",
    ["1 " * 10000, "1" * 20000, "a" * 20000 + "token", "%22" * 7000, 'token=\\"' * 3000, '"cn":"' * 4000,
     "Content-Disposition: " + "name=" * 10000, "Content-Disposition: form-data; name=\"x\n" * 10000,
     'name="x' * 10000, "<a>" * 20000, "<a " * 20000, "cv%76=" * 10000, "１ " * 20000, "QUFB" * 20000],
    ids=lambda text: f"{text[:24]!r}... ({len(text)} chars)",
)
def test_long_adversarial_text_is_redacted_in_linear_time(text: str) -> None:
    started = time.perf_counter()
    redact_text(text, ["123", TEST_CARD, "tok"])
    redact_text(text, ["123", TEST_CARD, "tok"], any_digit_run=True, base64=True)
    assert time.perf_counter() - started < 3, "a pattern backtracks: redaction must stay linear"


# ---------------------------------------------------------------- bodies: multipart, XML, encodings, deep nesting
CARD = TEST_CARD
FULL_WIDTH_CARD = CARD.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
REPORTS: dict[str, Any] = {}  # what Allure attachments, traces and the console use
JOURNAL: dict[str, Any] = {**JOURNAL_REDACTION, "max_depth": MAX_DEPTH}  # what the sandbox's journal uses


def deep(levels: int) -> Any:
    value: Any = {"cvv": "987"}
    for _ in range(levels):
        value = {"x": [value]}
    return value


MULTIPART = ('--b\r\nContent-Disposition: form-data; name="cvv"\r\n\r\n987\r\n'
             '--b\r\nContent-Disposition: form-data; name="access_key"\r\n\r\nSeCrEt9\r\n--b--')
XML = "<req><cvv>987</cvv><accessKey>SeCrEt9</accessKey><ns:cn>4444333322221111</ns:cn><fn>TARO</fn></req>"

# (case, value, options, text that must not survive, text that must survive)
TABLE: list[tuple[str, Any, list[dict[str, Any]], list[str], list[str]]] = [
    ("card number value", {"cn": CARD}, [REPORTS, JOURNAL], [CARD], ["****1111"]),
    ("card number as a JSON key", {CARD: "x"}, [REPORTS, JOURNAL], [CARD], ["****1111"]),
    ("card number as an int", {"n": int(CARD)}, [REPORTS, JOURNAL], [CARD], ["****1111"]),
    ("grouped card number in text", "card 4444 3333 2222 1111 ok", [REPORTS, JOURNAL], ["4444 3333"],
     ["****1111", "ok"]),
    ("full-width digits", f"番号{FULL_WIDTH_CARD}", [REPORTS, JOURNAL], [FULL_WIDTH_CARD], ["****1111"]),
    ("full-width card under a key", {"cn": FULL_WIDTH_CARD}, [REPORTS, JOURNAL], [FULL_WIDTH_CARD], ["****1111"]),
    ("base64 of a card number", {"blob": base64.b64encode(CARD.encode()).decode()}, [JOURNAL], ["NDQ0NDMz"],
     ["***"]),
    ("url-safe base64 of a card", "x=" + base64.urlsafe_b64encode(f"cn:{CARD}".encode()).decode(), [JOURNAL],
     ["Y246"], []),
    ("keys cvc csc pan accessKey", {"cvc": "123", "csc": "4567", "pan": CARD, "accessKey": "SeCrEt9"},
     [REPORTS, JOURNAL], ["123", "4567", CARD, "SeCrEt9"], ["****1111"]),
    ("access_key and token", {"access_key": "SeCrEt9", "token": "tok==", "user_id": "a@b.jp"},
     [REPORTS, JOURNAL], ["SeCrEt9", "tok=="], ["a@b.jp"]),
    ("tokenKey and tkn", {"tokenKey": "tK1", "tkn": "tK2", "fn": "TARO"}, [REPORTS, JOURNAL], ["tK1", "tK2"],
     ["TARO"]),
    ("urlencoded form", "cvv=987&tkn=abc&fn=TARO", [REPORTS, JOURNAL], ["987", "abc"], ["fn=TARO"]),
    ("percent-encoded key name", "cv%76=987&access%5Fkey=SeCrEt9", [REPORTS, JOURNAL], ["987", "SeCrEt9"], []),
    ("percent-encoded JSON key", {"cv%76": "987"}, [REPORTS, JOURNAL], ["987"], []),
    ("multipart body", MULTIPART, [REPORTS, JOURNAL], ["987", "SeCrEt9"], ["form-data"]),
    ("XML body", XML, [REPORTS, JOURNAL], ["987", "SeCrEt9", CARD], ["<fn>TARO</fn>"]),
    ("JSON text", '{"security_code": "987", "card_number": "4444-3333-2222-1111"}', [REPORTS, JOURNAL],
     ["987", "3333"], ["****1111"]),
    ("deep nesting", deep(5000), [JOURNAL], ["987"], ["nested too deep"]),
    ("any 13-19 digit run in the journal", "ref 1234567890123 ok", [JOURNAL], ["1234567890123"], ["****0123"]),
    ("nothing secret", {"fn": "YAMADA", "n": 42}, [REPORTS, JOURNAL], [], ["YAMADA", "42"]),
]
ROWS = [(case, value, options, gone, kept_text) for case, value, all_options, gone, kept_text in TABLE
        for options in all_options]


@pytest.mark.parametrize(
    ("value", "options", "gone", "kept_text"),
    [row[1:] for row in ROWS],
    ids=[f"{row[0]} ({'journal' if row[2] is JOURNAL else 'reports'})" for row in ROWS],
)
def test_redaction_table(value: Any, options: dict[str, Any], gone: list[str], kept_text: list[str]) -> None:
    redacted = redact_text(value, **{k: v for k, v in options.items() if k != "max_depth"}) \
        if isinstance(value, str) else redact_json(value, **options)
    shown = json.dumps(redacted, ensure_ascii=False)
    for text in gone:
        assert text not in shown, shown[:300]
    for text in kept_text:
        assert text in shown, shown[:300]


def test_reports_keep_ids_and_timestamps_the_journal_masks() -> None:
    # any_digit_run is the journal's: reports keep 13-digit millisecond timestamps and ids that fail Luhn.
    text = "wallTime 1764262784613 id a3f41111222233334444b"
    assert redact_text(text) == text
    assert "1764262784613" not in redact_text(text, any_digit_run=True)


def test_base64_is_searched_only_when_asked() -> None:
    blob = base64.b64encode(f"cn:{CARD}".encode()).decode()
    assert redact_text(blob) == blob
    assert redact_text(blob, base64=True) == "***"
    harmless = base64.b64encode(b"nothing to see in here").decode()
    assert redact_text(harmless, base64=True) == harmless


def test_nesting_beyond_the_depth_limit_is_replaced() -> None:
    assert redact_json({"a": [{"b": 1}]}, max_depth=2) == {"a": [TOO_DEEP]}
    assert redact_json({"a": [{"b": 1}]}) == {"a": [{"b": 1}]}


def test_a_long_body_is_redacted_before_the_journal_cuts_it() -> None:
    body = json.dumps({"pad": "x" * MAX_KEPT_CHARACTERS, "cvv": "987", "access_key": "SeCrEt9"}).encode()
    shown = kept(body)
    assert isinstance(shown, str) and shown.endswith("…(cut)") and "SeCrEt9" not in shown
    huge = b'{"cvv": "987", "pad": "' + b"y" * (9 * MAX_KEPT_CHARACTERS) + b'", "cn": "' + CARD.encode() + b'"}'
    assert "987" not in kept(huge)
