"""Bad input to the billing API always gets a documented catalogue answer: never a 500, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

NEVER_ISSUED = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQQ=="
CREDIT_CARD_TOKEN = "/api/v1.0/billing_payment_method/credit_card_token"
TEN_THOUSAND = "A" * 10_000
NINE_MB = 9 * 1024 * 1024
WRONG_TYPES = [["a", "list"], {"an": "object"}, True, 1.5, 12345]

# (field, value, catalogue id): each field's wrong JSON types, 10,000-character strings, bad formats.
FIELD_CASES = [
    *[
        ("user_id", value, "11")
        for value in (*WRONG_TYPES, TEN_THOUSAND + "@sandbox.example", "not-an-email")
    ],
    *[("access_key", value, "12") for value in (*WRONG_TYPES, TEN_THOUSAND, "has space", "記号!")],
    *[("billing_code", value, "3401") for value in (*WRONG_TYPES, TEN_THOUSAND, "", "B" * 21, "全角", "a b")],
    *[
        ("billing_payment_method_number", value, "3402")
        for value in (["1"], {"n": 1}, True, 1.5, "abc", "1" * 19, 10**18, -1, "1" * 10_000, "")
    ],
    *[
        ("token", value, "3405")
        for value in (*WRONG_TYPES, "A" * 101, TEN_THOUSAND, "", "not a token!", "トークン", "AB==CD")
    ],
]


@pytest.mark.parametrize(
    ("field", "value", "outcome_id"),
    FIELD_CASES,
    ids=[f"{field}-{type(value).__name__}-{str(value)[:12]}" for field, value, _ in FIELD_CASES],
)
def test_a_bad_field_gets_its_documented_code(
    calls: Any,
    account: dict[str, Any],
    billing: dict[str, Any],
    expect_outcome: Any,
    field: str,
    value: Any,
    outcome_id: str,
) -> None:
    expect_outcome(calls.register(account, billing, **{"token": NEVER_ISSUED, field: value}), outcome_id)


@pytest.mark.parametrize("value", [*WRONG_TYPES, TEN_THOUSAND, "", "全角コード", "C" * 21])
def test_a_bad_payment_method_code_answers_3403(
    calls: Any, account: dict[str, Any], billing: dict[str, Any], expect_outcome: Any, value: Any
) -> None:
    response = calls.register(
        account, billing, NEVER_ISSUED, billing_payment_method_number=None, billing_payment_method_code=value
    )
    expect_outcome(response, "3403")


@pytest.mark.parametrize(
    ("missing", "outcome_id"),
    [
        ("user_id", "11"),
        ("access_key", "12"),
        ("billing_code", "3401"),
        ("billing_payment_method_number", "3402"),
        ("token", "3405"),
    ],
)
def test_a_missing_field_gets_its_documented_code(
    calls: Any,
    account: dict[str, Any],
    billing: dict[str, Any],
    expect_outcome: Any,
    missing: str,
    outcome_id: str,
) -> None:
    expect_outcome(calls.register(account, billing, **{"token": NEVER_ISSUED, missing: None}), outcome_id)


def test_null_counts_as_absent(
    calls: Any, account: dict[str, Any], billing: dict[str, Any], expect_outcome: Any
) -> None:
    body = {
        "user_id": account["user_id"],
        "access_key": account["access_key"],
        "billing_code": billing["billing_code"],
        "billing_payment_method_number": billing["number"],
        "billing_payment_method_code": None,
        "token": calls.token(account),
    }
    expect_outcome(calls.http.post(CREDIT_CARD_TOKEN, json=body), "SUCCESS")


def test_the_number_may_be_a_digit_string(
    calls: Any, account: dict[str, Any], billing: dict[str, Any], expect_outcome: Any
) -> None:
    response = calls.register(
        account, billing, calls.token(account), billing_payment_method_number=str(billing["number"])
    )
    expect_outcome(response, "SUCCESS")


def test_the_payment_method_code_may_replace_the_number(
    calls: Any, account: dict[str, Any], billing: dict[str, Any], expect_outcome: Any
) -> None:
    response = calls.register(
        account,
        billing,
        calls.token(account),
        billing_payment_method_number=None,
        billing_payment_method_code=billing["code"],
    )
    expect_outcome(response, "SUCCESS")


def test_unknown_fields_are_ignored(
    calls: Any, account: dict[str, Any], billing: dict[str, Any], expect_outcome: Any
) -> None:
    response = calls.register(account, billing, calls.token(account), email_hint="x", extra={"deep": [1, 2]})
    expect_outcome(response, "SUCCESS")


@pytest.mark.parametrize("field", ["cn", "card_number"])
def test_a_card_number_field_next_to_the_token_answers_er586(
    calls: Any, account: dict[str, Any], billing: dict[str, Any], expect_outcome: Any, field: str
) -> None:
    token = calls.token(account)
    expect_outcome(calls.register(account, billing, token, **{field: calls.test_card}), "ER586")
    # ER586 refuses the request before the token is looked at: the token is still good.
    expect_outcome(calls.register(account, billing, token), "SUCCESS")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"   ",
        b"user_id=someone&token=x",
        b"[]",
        b'"a string"',
        b"42",
        b"null",
        b"{",
        b"\xff\xfe\x00",
        b'{"user_id": NaN}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["empty", "blank", "form", "array", "string", "number", "null", "broken", "not-utf8", "nan", "deep"],
)
def test_a_body_that_is_not_a_json_object_answers_11(calls: Any, expect_outcome: Any, content: bytes) -> None:
    response = calls.http.post(
        CREDIT_CARD_TOKEN, content=content, headers={"Content-Type": "application/json"}
    )
    expect_outcome(response, "11")


def test_a_body_of_9_mb_answers_413_without_json(
    calls: Any, account: dict[str, Any], expect_outcome: Any
) -> None:
    padding = "x" * NINE_MB
    response = calls.api("billing_payment_method/credit_card_token", {**account, "padding": padding})
    expect_outcome(response, "HTTP413")


def test_a_chunked_body_of_9_mb_answers_413(calls: Any, expect_outcome: Any) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b" " * (1024 * 1024)

    response = calls.http.post(CREDIT_CARD_TOKEN, content=chunks())
    assert "content-length" not in response.request.headers
    expect_outcome(response, "HTTP413")


def test_a_body_just_under_9_mb_is_read(calls: Any, account: dict[str, Any], expect_outcome: Any) -> None:
    body = f'{{"user_id": "{account["user_id"]}", "access_key": "WrongKey", "padding": "'.encode()
    content = body + b"x" * (NINE_MB - len(body) - 3) + b'"}'
    assert len(content) == NINE_MB - 1
    expect_outcome(calls.http.post(CREDIT_CARD_TOKEN, content=content), "12")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_other_methods_than_post_answer_unknown_uri(calls: Any, expect_outcome: Any, method: str) -> None:
    expect_outcome(calls.http.request(method, CREDIT_CARD_TOKEN), "10")
