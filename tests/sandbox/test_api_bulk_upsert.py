"""billing/bulk_upsert as bulk_upsert.md documents it: required fields on creation, row codes 1101-1193."""

from __future__ import annotations

from typing import Any

import pytest

import catalogue

BULK_UPSERT = "billing/bulk_upsert"
INDIVIDUAL = {
    "code": "IND-1",
    "name": "経理部",
    "address1": "山田太郎",
    "zip_code": "165-1111",
    "pref": "東京都",
    "city_address": "渋谷区1-1",
    "email": "keiri@example.com",
    "tel": "03-1234-5678",
}
CARD = {"code": "CARD-1", "name": "クレジットカード", "payment_method": 1}


def upsert(calls: Any, account: dict[str, Any], *rows: Any) -> Any:
    body = {"user_id": account["user_id"], "access_key": account["access_key"], "billing": list(rows)}
    return calls.api(BULK_UPSERT, body)


def billing_row(code: str = "CUST-1", individual: Any = None, payment: Any = None, **fields: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": "株式会社サンプル",
        "individual": [dict(INDIVIDUAL)] if individual is None else individual,
        "payment": [dict(CARD)] if payment is None else payment,
        **fields,
    }


def row_code(entry_code: str) -> tuple[int, str]:
    entry = catalogue.endpoint_code(entry_code, "bulk_upsert")
    return int(entry_code), entry.message


def test_the_answer_names_the_user_and_stores_the_individual_as_the_spec_names_it(
    calls: Any, account: dict[str, Any]
) -> None:
    response = upsert(calls, account, billing_row())
    assert response.status_code == 200
    answer = response.json()
    assert answer["user_id"] == account["user_id"]
    (row,) = answer["billing"]
    assert (row["error_code"], row["error_message"], row["code"], row["sub_account_title"]) == (
        None, None, "CUST-1", [],
    )
    (individual,) = row["individual"]
    assert isinstance(individual["number"], int)
    assert (individual["email"], individual["tel"], individual["zip_code"]) == (
        "keiri@example.com", "03-1234-5678", "165-1111",
    )
    (payment,) = row["payment"]
    assert (payment["error_code"], payment["register_status"], payment["credit_card_regist_kind"]) == (None, 1, 1)


def test_the_spec_trims_both_ends(calls: Any, account: dict[str, Any]) -> None:
    individual = {**INDIVIDUAL, "email": "  keiri@example.com ", "name": " 経理部 "}
    (row,) = upsert(calls, account, billing_row(code=" CUST-2 ", individual=[individual])).json()["billing"]
    assert (row["code"], row["individual"][0]["email"], row["individual"][0]["name"]) == (
        "CUST-2", "keiri@example.com", "経理部",
    )


@pytest.mark.parametrize("rows", [None, "text", [], {"code": "B"}, 7])
def test_a_request_without_billings_answers_1101(
    calls: Any, account: dict[str, Any], expect_endpoint_code: Any, rows: Any
) -> None:
    body = {"user_id": account["user_id"], "access_key": account["access_key"], "billing": rows}
    expect_endpoint_code(calls.api(BULK_UPSERT, body), "bulk_upsert", "1101")


@pytest.mark.parametrize(
    ("row", "code"),
    [
        ("not an object", "1102"),
        ({"name": "名前だけ"}, "1102"),
        (billing_row(code="B" * 21), "1102"),
        (billing_row(code="全角"), "1102"),
        (billing_row(name=""), "1103"),
        (billing_row(name="名" * 101), "1103"),
        ({k: v for k, v in billing_row().items() if k != "name"}, "1103"),
        (billing_row(individual="not a list"), "1184"),
    ],
)
def test_a_bad_billing_row_answers_its_code(calls: Any, account: dict[str, Any], row: Any, code: str) -> None:
    response = upsert(calls, account, row, billing_row(code="FINE"))
    assert response.status_code == 200
    bad, fine = response.json()["billing"]
    assert (bad["error_code"], bad["error_message"]) == row_code(code)
    assert fine["error_code"] is None


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"number": 1, "code": "IND-1"}, "1167"),
        ({"code": "IND 1"}, "1105"),
        ({"name": None}, "1106"),
        ({"name": "名" * 101}, "1106"),
        ({"address1": None}, "1108"),
        ({"address2": "宛" * 61}, "1109"),
        ({"address3": "宛" * 61}, "1110"),
        ({"zip_code": None}, "1111"),
        ({"zip_code": "123-456"}, "1111"),
        ({"pref": "東京"}, "1112"),
        ({"city_address": None}, "1113"),
        ({"city_address": "町" * 57}, "1113"),
        ({"building_name": "建" * 61}, "1114"),
        ({"tel": None}, "1123"),
        ({"tel": "03(1234)5678"}, "1123"),
        ({"tel": "0" * 16}, "1123"),
        ({"email": None}, "1124"),
        ({"email": "not-an-address"}, "1124"),
        ({"email": "a@example.com,b@example.com"}, "1124"),
        ({"email": "a" * 90 + "@example.com"}, "1124"),
        ({"cc_email": "a@example.com,oops"}, "1125"),
        ({"memo": "メ" * 301}, "1126"),
    ],
)
def test_a_bad_new_individual_answers_its_code_and_nothing_is_stored(
    calls: Any, account: dict[str, Any], change: dict[str, Any], code: str
) -> None:
    individual = {k: v for k, v in {**INDIVIDUAL, **change}.items() if v is not None}
    (row,) = upsert(calls, account, billing_row(individual=[individual])).json()["billing"]
    assert (row["individual"][0]["error_code"], row["individual"][0]["error_message"]) == row_code(code)
    assert (row["error_code"], row["error_message"]) == row_code("1184")
    assert row["payment"][0]["number"] is None
    search = {"user_id": account["user_id"], "access_key": account["access_key"]}
    assert calls.api("billing_payment_method/search", search).json()["billing_payment_method"] == []


def test_tel_is_required_only_for_the_payment_methods_the_spec_names(calls: Any, account: dict[str, Any]) -> None:
    without_tel = {k: v for k, v in INDIVIDUAL.items() if k != "tel"}
    bank = [{"code": "BANK", "name": "銀行振込", "payment_method": 0}]
    (row,) = upsert(calls, account, billing_row(individual=[without_tel], payment=bank)).json()["billing"]
    assert row["error_code"] is None
    # The billing now exists; a card added later still needs the tel of a new individual.
    (card,) = upsert(
        calls, account, billing_row(individual=[{**without_tel, "code": "IND-2"}], payment=[CARD])
    ).json()["billing"]
    assert card["individual"][0]["error_code"] == 1123


def test_an_existing_individual_is_updated_by_number_or_code_without_its_required_fields(
    calls: Any, account: dict[str, Any]
) -> None:
    (row,) = upsert(calls, account, billing_row()).json()["billing"]
    number = row["individual"][0]["number"]
    (again,) = upsert(
        calls, account, billing_row(individual=[{"number": number, "email": "new@example.com"}], payment=[])
    ).json()["billing"]
    assert (again["error_code"], again["individual"][0]["email"], again["individual"][0]["tel"]) == (
        None, "new@example.com", "03-1234-5678",
    )
    (unknown,) = upsert(calls, account, billing_row(individual=[{"number": number + 99}], payment=[])).json()[
        "billing"
    ]
    assert unknown["individual"][0]["error_code"] == 1104


@pytest.mark.parametrize(
    ("payment", "code"),
    [
        ("not an object", "1141"),
        ({"number": 1, "code": "CARD-1", "name": "x", "payment_method": 1}, "1173"),
        ({"number": 99999, "name": "x", "payment_method": 1}, "1172"),
        ({"number": "abc", "name": "x", "payment_method": 1}, "1172"),
        ({"code": "C" * 21, "name": "x", "payment_method": 1}, "1140"),
        ({"code": "CARD-2", "payment_method": 1}, "1141"),
        ({"code": "CARD-2", "name": "", "payment_method": 1}, "1141"),
        ({"code": "CARD-2", "name": "x"}, "1143"),
        ({"code": "CARD-2", "name": "x", "payment_method": 19}, "1143"),
        ({"code": "CARD-2", "name": "x", "payment_method": "1"}, "1143"),
        ({"code": "CARD-2", "name": "x", "payment_method": 1, "credit_card_regist_kind": 3}, "1168"),
        ({"code": "CARD-2", "name": "x", "payment_method": 1, "credit_card_email": "nope"}, "1183"),
    ],
)
def test_a_bad_payment_row_answers_its_code(
    calls: Any, account: dict[str, Any], payment: Any, code: str
) -> None:
    (row,) = upsert(calls, account, billing_row(payment=[payment])).json()["billing"]
    assert (row["payment"][0]["error_code"], row["payment"][0]["error_message"]) == row_code(code)
    assert row["error_code"] == 1184


def test_a_card_payment_method_needs_an_individual(calls: Any, account: dict[str, Any]) -> None:
    (row,) = upsert(calls, account, billing_row(individual=[])).json()["billing"]
    assert row["payment"][0]["error_code"] == 1166


def test_a_payment_method_is_updated_by_number_and_keeps_its_kind(calls: Any, account: dict[str, Any]) -> None:
    (row,) = upsert(calls, account, billing_row()).json()["billing"]
    number = row["payment"][0]["number"]
    (again,) = upsert(calls, account, billing_row(individual=[], payment=[{"number": number, "name": "新名"}])).json()[
        "billing"
    ]
    assert (again["payment"][0]["number"], again["payment"][0]["name"], again["payment"][0]["code"]) == (
        number, "新名", "CARD-1",
    )
    (changed,) = upsert(
        calls, account, billing_row(individual=[], payment=[{"number": number, "payment_method": 0}])
    ).json()["billing"]
    assert changed["payment"][0]["error_code"] == 1143


def test_registering_by_mail_starts_at_mail_sent(calls: Any, account: dict[str, Any]) -> None:
    payment = {**CARD, "credit_card_regist_kind": 2, "credit_card_email": "holder@example.com"}
    (row,) = upsert(calls, account, billing_row(payment=[payment])).json()["billing"]
    assert (row["payment"][0]["register_status"], row["payment"][0]["credit_card_regist_kind"]) == (2, 2)


def test_a_primed_row_code_answers_every_billing_row_and_stores_nothing(
    calls: Any, account: dict[str, Any]
) -> None:
    calls.control("prime", {"endpoint": "bulk_upsert", "code": "1155", "user_id": account["user_id"]})
    response = upsert(calls, account, billing_row(), billing_row(code="CUST-2"))
    assert response.status_code == 200
    assert [(row["code"], row["error_code"]) for row in response.json()["billing"]] == [
        ("CUST-1", 1155), ("CUST-2", 1155),
    ]
    search = {"user_id": account["user_id"], "access_key": account["access_key"]}
    assert calls.api("billing_payment_method/search", search).json()["billing_payment_method"] == []


def test_every_own_code_of_bulk_upsert_is_catalogued_with_its_source(calls: Any, account: dict[str, Any]) -> None:
    entries = [entry for entry in catalogue.endpoint_codes() if entry.surface == "bulk_upsert"]
    assert [entry.id for entry in entries][:3] == ["1101", "1102", "1103"] and entries[-1].id == "1193"
    assert len(entries) == 92
    assert all(entry.reference == "public/billing/bulk_upsert.md" and entry.meaning for entry in entries)
    assert catalogue.endpoint_code("1143", "bulk_upsert").meaning == "決済手段が不正"


def test_a_control_billing_can_carry_the_individual_email_and_tel(calls: Any, account: dict[str, Any]) -> None:
    made = calls.billing(account, "WITH-CONTACT", email="holder@example.com", tel="090-1234-5678")
    (individual,) = made["individual"]
    assert (individual["email"], individual["tel"]) == ("holder@example.com", "090-1234-5678")
    # bulk_upsert sees the same individual: updating it by number needs none of the creation fields.
    (row,) = upsert(
        calls, account, billing_row(code="WITH-CONTACT", individual=[{"number": individual["number"]}], payment=[])
    ).json()["billing"]
    assert (row["error_code"], row["individual"][0]["email"], row["individual"][0]["tel"]) == (
        None, "holder@example.com", "090-1234-5678",
    )
    refused = calls.http.post("/_sandbox/billings", json={"user_id": account["user_id"], "billing_code": "X",
                                                          "tel": "tel:0312"})
    assert refused.json() == {"error": "'tel' must be digits and hyphens, at most 15."}
