"""Redaction: no full card number, security code or secret survives into anything the harness writes."""

from __future__ import annotations

import json
import random
import re
import time
from urllib.parse import quote, quote_plus

import pytest

from harness.core.redaction import (
    find_card_numbers,
    luhn_valid,
    mask_card_number,
    redact_headers,
    redact_json,
    redact_text,
)

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
    ["1 " * 10000, "1" * 20000, "a" * 20000 + "token", "%22" * 7000, 'token=\\"' * 3000, '"cn":"' * 4000],
)
def test_long_adversarial_text_is_redacted_in_linear_time(text: str) -> None:
    started = time.perf_counter()
    redact_text(text, ["123", TEST_CARD, "tok"])
    assert time.perf_counter() - started < 3, "a pattern backtracks: redaction must stay linear"
