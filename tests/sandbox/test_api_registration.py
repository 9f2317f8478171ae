"""credit_card_token end to end: what a registration keeps, how tokens live and die; bulk_upsert, search."""

from __future__ import annotations

import json
from typing import Any

import pytest


def search(calls: Any, account: dict[str, Any], **filters: Any) -> list[dict[str, Any]]:
    body = {"user_id": account["user_id"], "access_key": account["access_key"], "billing_payment_method": filters}
    response = calls.api("billing_payment_method/search", body)
    assert response.status_code == 200, response.text
    return response.json()["billing_payment_method"]


def test_a_registration_completes_the_payment_method_and_shows_no_card_data(
    calls: Any, account: dict[str, Any], billing: dict[str, Any], expect_outcome: Any
) -> None:
    (before,) = search(calls, account, billing_code=billing["billing_code"])
    assert before["register_status"] == 1
    token = calls.token(account, cvv="123")
    expect_outcome(calls.register(account, billing, token), "SUCCESS")
    (after,) = search(calls, account, number=billing["number"])
    assert after["register_status"] == 5
    # search.md's rows have no card fields: the brand, last four and expiry the sandbox keeps are not shown.
    assert not {"card_brand", "card_last4", "card_expiry"} & set(after)
    assert (after["cod"], after["code"], after["billing_code"]) == (billing["cod"], billing["code"], "BILL-1")
    assert calls.test_card not in json.dumps(after) and "444433" not in json.dumps(after)


@pytest.mark.parametrize(
    ("card", "brand"),
    [
        ("5555555555554444", "MASTER"),
        ("2223000048400011", "MASTER"),
        ("3530111333300000", "JCB"),
    ],
)
def test_cards_of_every_taken_brand_register(
    calls: Any, account: dict[str, Any], billing: dict[str, Any], card: str, brand: str, expect_outcome: Any
) -> None:
    expect_outcome(calls.register(account, billing, calls.token(account, cn=card)), "SUCCESS")
    (row,) = search(calls, account, code=billing["code"])
    assert row["register_status"] == 5


def test_a_token_is_single_use(
    calls: Any, account: dict[str, Any], billing: dict[str, Any], expect_outcome: Any
) -> None:
    token = calls.token(account)
    expect_outcome(calls.register(account, billing, token), "SUCCESS")
    expect_outcome(calls.register(account, billing, token), "ER584")


def test_a_token_of_another_shop_is_unknown(
    calls: Any, account: dict[str, Any], billing: dict[str, Any], expect_outcome: Any
) -> None:
    foreign = calls.token(calls.account())
    expect_outcome(calls.register(account, billing, foreign), "ER584")


def test_a_token_lives_15_minutes_on_the_shop_clock(
    calls: Any, account: dict[str, Any], billing: dict[str, Any], expect_outcome: Any
) -> None:
    token = calls.token(account)
    calls.control("clock", {"advance_seconds": 14 * 60, "aid": account["aid"]})
    expect_outcome(calls.register(account, billing, token), "SUCCESS")
    late = calls.token(account)
    calls.control("clock", {"advance_seconds": 15 * 60, "aid": account["aid"]})
    expect_outcome(calls.register(account, billing, late), "ER585")
    expect_outcome(calls.register(account, billing, late), "ER584")


def test_another_shop_clock_does_not_move(
    calls: Any, account: dict[str, Any], billing: dict[str, Any], expect_outcome: Any
) -> None:
    token = calls.token(account)
    calls.control("clock", {"advance_seconds": 3600, "aid": calls.account()["aid"]})
    expect_outcome(calls.register(account, billing, token), "SUCCESS")


def test_the_global_clock_expires_every_shop_token(
    calls: Any, account: dict[str, Any], billing: dict[str, Any], expect_outcome: Any
) -> None:
    token = calls.token(account)
    calls.control("clock", {"advance_seconds": 901})
    try:
        expect_outcome(calls.register(account, billing, token), "ER585")
    finally:
        calls.control("clock", {"advance_seconds": -901})


def test_bulk_upsert_makes_a_billing_that_takes_a_card(
    calls: Any, account: dict[str, Any], expect_outcome: Any
) -> None:
    body = {
        "user_id": account["user_id"],
        "access_key": account["access_key"],
        "billing": [
            {
                "code": "CUST-9",
                "name": "株式会社サンプル",
                "individual": [
                    {
                        "code": "IND-1",
                        "name": "経理部",
                        "address1": "山田太郎",
                        "zip_code": "165-1111",
                        "pref": "東京都",
                        "city_address": "渋谷区1-1",
                        "email": "a@b.example",
                        "tel": "03-1234-5678",
                    }
                ],
                "payment": [{"code": "CARD-1", "name": "カード", "payment_method": 1}],
            }
        ],
    }
    response = calls.api("billing/bulk_upsert", body)
    assert response.status_code == 200
    (row,) = response.json()["billing"]
    assert (row["code"], row["error_code"], row["individual"][0]["name"]) == ("CUST-9", None, "経理部")
    (payment,) = row["payment"]
    assert (payment["register_status"], payment["payment_method"]) == (1, 1) and payment["cod"]
    # Upserting again keeps the same payment method number.
    again = calls.api("billing/bulk_upsert", body).json()["billing"][0]["payment"][0]
    assert again["number"] == payment["number"]
    billing = {"billing_code": "CUST-9", "number": payment["number"]}
    expect_outcome(calls.register(account, billing, calls.token(account)), "SUCCESS")
    assert search(calls, account, billing_code="CUST-9")[0]["register_status"] == 5


def test_a_payment_method_of_another_kind_takes_no_card(
    calls: Any, account: dict[str, Any], expect_outcome: Any
) -> None:
    body = {
        "user_id": account["user_id"],
        "access_key": account["access_key"],
        "billing": [
            {
                "code": "TRANSFER",
                "name": "振込先",
                "payment": [{"code": "BANK", "name": "銀行振込", "payment_method": 0}],
            }
        ],
    }
    payment = calls.api("billing/bulk_upsert", body).json()["billing"][0]["payment"][0]
    assert (payment["register_status"], payment["cod"]) == (0, None)
    billing = {"billing_code": "TRANSFER", "number": payment["number"]}
    expect_outcome(calls.register(account, billing, calls.token(account)), "3402")


def test_search_sees_only_the_account_own_payment_methods(
    calls: Any, account: dict[str, Any], billing: dict[str, Any]
) -> None:
    other = calls.account()
    calls.billing(other, "BILL-1")
    rows = search(calls, account)
    assert [row["number"] for row in rows] == [billing["number"]]
    assert search(calls, account, register_status=1) == rows
    assert search(calls, account, register_status=5) == []
    assert search(calls, account, billing_code="NOT-THERE") == []
