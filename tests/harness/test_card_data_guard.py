"""Card-data guard: card numbers and security codes caught however written; bare digits left alone."""

from __future__ import annotations

import base64
import json
import random
import re
import time
from urllib.parse import quote, quote_plus

import pytest

from card_redaction import luhn_valid
from harness.core.card_data_guard import (
    CARD_NUMBER,
    FINDING,
    SECURITY_CODE,
    TEST_CARD_NUMBER,
    TRUNCATED_CARD_NUMBER,
    VIOLATION,
    Finding,
    looks_like_card_brand,
    scan_request,
    scan_text,
    summarise,
)

TEST_CARD = "4444333322221111"
CODE = "123"
CARDS = (TEST_CARD,)
CODES = (CODE,)


def luhn_complete(partial: str) -> str:
    return next(partial + d for d in "0123456789" if luhn_valid(partial + d))


def scan(text: str) -> list[Finding]:
    return scan_text(text, "console", CARDS, CODES)


def kinds(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.kind, f.severity) for f in findings]


def assert_nothing_revealed(findings: list[Finding]) -> None:
    for finding in findings:
        shown = f"{finding.detail} {finding.where}"
        assert TEST_CARD not in re.sub(r"\D", "", shown), shown
        assert not re.search(rf"(?<!\d){CODE}(?!\d)", shown), shown


def base64_in(payload: str, urlsafe: bool = False) -> str:
    encode = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    return encode(payload.encode()).decode()


@pytest.mark.parametrize(
    ("written", "how"),
    [
        (TEST_CARD, "in clear"),
        ("4444 3333 2222 1111", "with separators"),
        ("4444-3333-2222-1111", "with separators"),
        ("4444.3333.2222.1111", "with separators"),
        ("4 4 4 4 3 3 3 3 2 2 2 2 1 1 1 1", "with separators"),
        ("4444 - 3333 - 2222 - 1111", "with separators"),
        (quote("4444 3333 2222 1111"), "URL-encoded"),
        (quote(quote("4444 3333 2222 1111")), "URL-encoded"),
        (quote_plus("4444 3333 2222 1111"), "with separators"),
        ("%34%34%34%34%33%33%33%33%32%32%32%32%31%31%31%31", "URL-encoded"),
        ("".join(f"\\u003{d}" for d in TEST_CARD), "JSON-escaped"),
        (f"glued9{TEST_CARD}9digits", "in clear"),
    ],
)
def test_the_test_card_is_a_violation_however_it_is_written(written: str, how: str) -> None:
    findings = scan(f"payload={written}&x=1")
    assert kinds(findings) == [(TEST_CARD_NUMBER, VIOLATION)]
    assert how in findings[0].detail and "****1111" in findings[0].detail
    assert findings[0].where == "console"
    assert_nothing_revealed(findings)


@pytest.mark.parametrize("prefix", ["", "x", "xy"])
@pytest.mark.parametrize("urlsafe", [False, True])
def test_the_test_card_inside_base64_is_a_violation_at_every_alignment(prefix: str, urlsafe: bool) -> None:
    payload = base64_in(f'{prefix}{{"cn":"{TEST_CARD}","amount":1200}}', urlsafe)
    findings = scan(f"beacon?d={payload}")
    assert kinds(findings) == [(TEST_CARD_NUMBER, VIOLATION)]
    assert "base64" in findings[0].detail


def test_base64_of_other_text_is_not_flagged() -> None:
    assert scan(base64_in('{"cn":"","amount":1200,"order":"A-1"}')) == []


@pytest.mark.parametrize(
    "card",
    [
        "4111111111111111",
        "5555555555554444",
        "2223003122003222",
        "378282246310005",
        "3530111333300000",
        "6011111111111117",
        "30569309025904",
        "4222222222222",
        "6200000000000005",
    ],
)
def test_any_card_number_of_a_known_brand_is_a_violation(card: str) -> None:
    findings = scan(f"analytics: {card} end")
    assert kinds(findings) == [(CARD_NUMBER, VIOLATION)]
    assert f"****{card[-4:]}" in findings[0].detail
    assert card not in findings[0].detail


def test_a_separated_card_number_of_a_known_brand_is_a_violation() -> None:
    assert kinds(scan("x 4111 1111 1111 1111 y")) == [(CARD_NUMBER, VIOLATION)]


def test_numbers_that_pass_luhn_but_belong_to_no_brand_are_not_failed() -> None:
    # Millisecond timestamps and order ids pass Luhn one time in ten.
    timestamp = luhn_complete("170000000012")
    assert scan(f'{{"ts":{timestamp}}}') == []


def test_digits_that_fail_luhn_are_not_a_card_number() -> None:
    assert scan("order 4444333322221112 shipped") == []


@pytest.mark.parametrize(
    "text", ["cn=4444333322221112", '{"cardNumber":"1234 5678 1234 5678"}', "カード番号: 9999888877776666"]
)
def test_any_13_to_19_digits_in_a_card_number_field_are_a_violation(text: str) -> None:
    findings = scan(text)
    assert kinds(findings) == [(CARD_NUMBER, VIOLATION)]
    assert "card-number field" in findings[0].detail


def test_a_card_that_is_both_known_and_luhn_valid_is_reported_once() -> None:
    findings = scan(f"a {TEST_CARD} b")
    assert kinds(findings) == [(TEST_CARD_NUMBER, VIOLATION)]


@pytest.mark.parametrize(
    "text",
    [
        '{"cvv":"123"}',
        '{"security_code": 123}',
        "cvv=123&tkn=abc",
        "https://a.example/c?cvc=123",
        "セキュリティコード: 123",
        "123 (CVV)",
        "%22securityCode%22%3A%22123%22",
        '"{\\"cvv\\":\\"123\\"}"',
    ],
)
def test_the_security_code_next_to_card_context_is_a_violation(text: str) -> None:
    findings = scan(text)
    assert kinds(findings) == [(SECURITY_CODE, VIOLATION)]
    assert_nothing_revealed(findings)


@pytest.mark.parametrize(
    "text",
    [
        "quantity 123",
        "order 51234 cvv",
        "cvv 1234",
        f"cvv{'.' * 50}123",
        '{"items": 123, "total": 5000}',
    ],
)
def test_a_bare_or_longer_number_is_not_the_security_code(text: str) -> None:
    assert scan(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "444433******1111",
        "card ****1111",
        "4444 33XX XXXX 1111",
        "•••• 1111",
        '{"card_last4":"1111"}',
        "bin=444433",
        "card brand VISA 444433",
    ],
)
def test_truncated_test_card_data_is_a_finding_not_a_violation(text: str) -> None:
    findings = scan(text)
    assert kinds(findings) == [(TRUNCATED_CARD_NUMBER, FINDING)]


@pytest.mark.parametrize("text", ["1111 items in stock", "****9999", "444433"])
def test_truncated_digits_without_card_context_or_of_another_card_are_not_reported(text: str) -> None:
    assert scan(text) == []


def test_without_given_cards_only_generic_card_numbers_are_found() -> None:
    assert kinds(scan_text(f"x {TEST_CARD}", "URL")) == [(CARD_NUMBER, VIOLATION)]
    assert scan_text("cvv=123 and ****1111", "URL") == []


def test_details_carry_a_redacted_excerpt_of_the_surroundings() -> None:
    text = f"a long prefix before the 4111 event=pay&cn={TEST_CARD}&cvv=123&next=1 and a long tail after it"
    findings = scan(text)
    assert kinds(findings) == [(TEST_CARD_NUMBER, VIOLATION), (SECURITY_CODE, VIOLATION)]
    assert "cn=****1111&cvv=***" in findings[0].detail
    assert_nothing_revealed(findings)


@pytest.mark.parametrize("seed", range(30))
def test_no_finding_ever_reveals_the_card_or_the_code(seed: int) -> None:
    rng = random.Random(seed)
    pieces = [
        f"cn={TEST_CARD}",
        "4444 3333 2222 1111",
        "cvv=123",
        '{"cvc":"123"}',
        "card ****1111",
        "4111111111111111",
        "noise 12345",
        "x" * rng.randint(0, 40),
        quote("4444 3333 2222 1111"),
    ]
    rng.shuffle(pieces)
    text = " ".join(pieces)
    findings = scan(text)
    assert {f.kind for f in findings} >= {TEST_CARD_NUMBER, CARD_NUMBER, SECURITY_CODE}
    assert_nothing_revealed(findings)


def test_scan_request_looks_in_the_decoded_url_and_names_the_channel() -> None:
    url = "https://analytics.example/collect?d=" + quote(
        json.dumps({"cn": "4444 3333 2222 1111", "cvv": "123"})
    )
    findings = scan_request(url, "get", {}, None, cards=CARDS, security_codes=CODES)
    assert kinds(findings) == [(TEST_CARD_NUMBER, VIOLATION), (SECURITY_CODE, VIOLATION)]
    assert {f.where for f in findings} == {"request URL of GET https://analytics.example/collect"}


def test_scan_request_looks_in_headers_with_their_name_as_context() -> None:
    findings = scan_request(
        "https://api.example/x",
        "POST",
        {"X-Card-Cvv": "123", "Accept": "text/html"},
        None,
        cards=CARDS,
        security_codes=CODES,
    )
    assert kinds(findings) == [(SECURITY_CODE, VIOLATION)]
    assert findings[0].where == "request header 'X-Card-Cvv' of POST https://api.example/x"


@pytest.mark.parametrize(
    "body",
    [
        b"cn=4444+3333+2222+1111&tkn=abc",
        json.dumps({"event": "pay", "card": {"number": TEST_CARD}}).encode(),
        json.dumps({"wrapped": json.dumps({"number": "4444-3333-2222-1111"})}),
        "pan=4444%2D3333%2D2222%2D1111",
    ],
)
def test_scan_request_finds_the_card_in_form_json_and_nested_json_bodies(body: bytes | str) -> None:
    findings = scan_request("https://m.example/track", "POST", {}, body, "beacon", CARDS, CODES)
    assert kinds(findings) == [(TEST_CARD_NUMBER, VIOLATION)]
    assert findings[0].where == "beacon body of POST https://m.example/track"


def test_scan_request_does_not_repeat_a_finding_seen_raw_and_decoded() -> None:
    body = "cvv=123&cn=4444%203333%202222%201111"
    findings = scan_request("https://m.example/t", "POST", {}, body, cards=CARDS, security_codes=CODES)
    assert sorted(kinds(findings)) == [(SECURITY_CODE, VIOLATION), (TEST_CARD_NUMBER, VIOLATION)]


def test_scan_request_never_shows_card_data_from_the_url_path_in_where() -> None:
    findings = scan_request(f"https://m.example/cards/{TEST_CARD}/save", "PUT", [], None, cards=CARDS)
    assert findings and all(TEST_CARD not in f.where and "****1111" in f.where for f in findings)


def test_scan_request_of_a_clean_request_finds_nothing() -> None:
    body = json.dumps({"tkn": "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY==", "amount": 1200}).encode()
    assert (
        scan_request(
            "https://m.example/pay", "POST", {"Cookie": "s=1"}, body, cards=CARDS, security_codes=CODES
        )
        == []
    )


def test_summarise_counts_by_severity_and_lists_plain_dicts() -> None:
    findings = scan(f"{TEST_CARD} card ****1111 cvv=123")
    summary = summarise(findings)
    assert summary["counts"] == {"violation": 2, "finding": 1}
    assert summary["items"][0] == {
        "kind": TEST_CARD_NUMBER,
        "severity": VIOLATION,
        "where": "console",
        "detail": findings[0].detail,
    }
    assert json.loads(json.dumps(summary)) == summary


def test_a_finding_reads_as_one_line() -> None:
    finding = Finding(CARD_NUMBER, VIOLATION, "localStorage key 'cart'", "card number ****1111")
    assert str(finding) == "violation: card number ****1111 — in localStorage key 'cart'"


@pytest.mark.parametrize(
    ("digits", "brand"),
    [
        ("4000", True),
        ("5100", True),
        ("2720", True),
        ("2721", False),
        ("3400", True),
        ("3528", True),
        ("3527", False),
        ("1700", False),
        ("9999", False),
        ("6011", True),
        ("6449", True),
        ("6012", False),
    ],
)
def test_brand_prefixes(digits: str, brand: bool) -> None:
    assert looks_like_card_brand(digits + "000000000") is brand


@pytest.mark.parametrize(
    "text",
    [
        "*" * 20000,
        "x*" * 10000,
        "1 " * 10000,
        "1-" * 10000,
        "%2520" * 4000,
        'token=\\"' * 3000,
        "•" * 20000 + "1111",
    ],
)
def test_long_adversarial_text_is_scanned_in_linear_time(text: str) -> None:
    started = time.perf_counter()
    scan_request("https://m.example/t", "POST", {"X-Long": text}, text, cards=CARDS, security_codes=CODES)
    assert time.perf_counter() - started < 3, "a pattern backtracks: scanning must stay linear"


def _random_ids(rng: random.Random) -> list[str]:
    """Ids a page or the harness puts in URLs and bodies: hex ids, UUIDs, millisecond timestamps, digests."""
    import hashlib
    import uuid

    ids: list[str] = []
    for _ in range(4000):
        ids.append(f"{rng.getrandbits(64):016x}")  # secrets.token_hex(8), the reference merchant's old id
        ids.append(f"{rng.getrandbits(128):032x}")
        ids.append(str(uuid.UUID(int=rng.getrandbits(128), version=4)))
        ids.append(str(1_600_000_000_000 + rng.randrange(10**11)))
        ids.append(hashlib.sha256(rng.randbytes(16)).hexdigest())
    return ids


def test_false_alarms_on_random_ids_and_catches_of_the_typed_card_are_measured() -> None:
    rng = random.Random(20261129)
    ids = _random_ids(rng)
    alarms = [text for text in ids if scan_text(f"GET /checkout/{text}/pay?id={text}", "URL")]
    # Before digit runs glued into hex ids were ignored, about 1 in 2000 random 16-hex ids raised an alarm.
    assert alarms == [], f"{len(alarms)} of {len(ids)} random ids taken for card data, e.g. {alarms[:3]}"

    card = "5555555555554444"
    hexed = f"{rng.getrandbits(32):08x}"
    copies = {
        "plain": card, "spaced": "5555 5555 5555 4444", "hyphens": "5555-5555-5555-4444",
        "percent-encoded": quote(" ".join([card[:4], card[4:8], card[8:12], card[12:]])),
        "digits percent-escaped": "".join(f"%3{d}" for d in card),
        "unicode-escaped": "".join(f"\\u003{d}" for d in card),
        "in JSON": json.dumps({"cn": card}), "in a form body": quote_plus(f"card number={card}"),
        "base64": base64.b64encode(f"cn={card}".encode()).decode(),
        "glued into a hex id": f"{hexed}{card}{hexed}", "glued after letters": f"order{card}",
        "in a URL": f"/pay?ref={hexed}&c={card}",
    }
    caught = {how for how, text in copies.items()
              if any(f.kind == TEST_CARD_NUMBER for f in scan_text(text, "body", cards=(card,)))}
    assert caught == set(copies), f"the typed card was missed when {sorted(set(copies) - caught)}"
    # A card the harness did not type is still found standing alone, however separated or encoded.
    untyped = {"plain": card, "spaced": "5555 5555 5555 4444", "percent-encoded": quote(f"cn={card}"),
               "after a label": f"cardNumber:{card}", "in JSON": json.dumps({"pan": card})}
    found = {how for how, text in untyped.items() if any(f.kind == CARD_NUMBER for f in scan_text(text, "body"))}
    assert found == set(untyped), f"an untyped card was missed when {sorted(set(untyped) - found)}"


def test_ids_the_merchant_engine_generates_hold_no_card_sized_digit_run() -> None:
    from harness.merchant.run_ids import random_id

    assert all(not re.search(r"\d{13}", random_id(24)) and len(random_id(24)) == 24 for _ in range(2000))


def test_the_reference_merchants_checkout_ids_hold_no_card_sized_digit_run() -> None:
    from sandbox.merchant import new_checkout_id

    ids = [new_checkout_id() for _ in range(5000)]
    assert all(len(i) == 16 and not re.search(r"\d{13}", i) and not scan_text(f"/checkout/{i}/custom", "URL")
               for i in ids)
