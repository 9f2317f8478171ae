"""billing_payment_method/search as search.md documents it: nested filters, paging, its own codes 4501-4515."""

from __future__ import annotations

from typing import Any

import pytest

import catalogue

SEARCH = "billing_payment_method/search"
# Every answer row has exactly the fields search.md's response table lists.
ROW_FIELDS = {
    "error_code", "error_message", "billing_code", "billing_name", "number", "code", "name",
    "bank_transfer_pattern_code", "payment_method", "register_status", "source_bank_account_name",
    "customer_number", "bank_code", "bank_name", "branch_code", "branch_name", "bank_account_type",
    "bank_account_number", "bank_account_name", "payment_type", "cod", "bank_check_bank_code",
    "bank_check_bank_name", "bank_check_branch_code", "bank_check_branch_name", "bank_check_kind",
    "bank_check_bank_account_number", "clearing_key", "regist_date", "update_date", "valid_flg", "bank_save",
}


def call(calls: Any, account: dict[str, Any], filters: Any = None, **top: Any) -> Any:
    body = {"user_id": account["user_id"], "access_key": account["access_key"], **top}
    if filters is not None:
        body["billing_payment_method"] = filters
    return calls.api(SEARCH, body)


def test_the_answer_has_the_documented_fields_and_paging(
    calls: Any, account: dict[str, Any], billing: dict[str, Any]
) -> None:
    response = call(calls, account, {"billing_code": billing["billing_code"]})
    assert response.status_code == 200
    answer = response.json()
    assert {k: answer[k] for k in ("user_id", "limit_count", "page_count", "total_page_count")} == {
        "user_id": account["user_id"], "limit_count": 20, "page_count": 0, "total_page_count": 1,
    }
    (row,) = answer["billing_payment_method"]
    assert set(row) == ROW_FIELDS
    assert (row["billing_code"], row["number"], row["payment_method"], row["cod"]) == (
        billing["billing_code"], billing["number"], 1, billing["cod"],
    )
    assert (row["error_code"], row["valid_flg"], row["bank_save"]) == (None, 1, None)
    assert len(row["regist_date"]) == 10 and row["regist_date"][4] == "/"


def test_filters_at_the_top_level_are_not_filters(
    calls: Any, account: dict[str, Any], billing: dict[str, Any]
) -> None:
    calls.billing(account, "BILL-2")
    # The spec nests the filters; a top-level billing_code is an unknown field and filters nothing.
    rows = call(calls, account, billing_code="BILL-2").json()["billing_payment_method"]
    assert len(rows) == 2


def test_twenty_rows_by_default_and_pages_of_limit_count(calls: Any, account: dict[str, Any]) -> None:
    numbers = [calls.billing(account, f"B{index:02d}")["number"] for index in range(23)]
    first = call(calls, account).json()
    assert (len(first["billing_payment_method"]), first["total_page_count"]) == (20, 2)
    second = call(calls, account, page_count=1).json()
    assert [row["number"] for row in second["billing_payment_method"]] == numbers[20:]
    assert second["page_count"] == 1
    small = call(calls, account, limit_count="5", page_count="4").json()
    assert (small["limit_count"], small["total_page_count"]) == (5, 5)
    assert [row["number"] for row in small["billing_payment_method"]] == numbers[20:]
    empty_strings = call(calls, account, limit_count="", page_count="").json()
    assert (empty_strings["limit_count"], empty_strings["page_count"]) == (20, 0)


def test_filters_match_as_documented(calls: Any, account: dict[str, Any], billing: dict[str, Any]) -> None:
    calls.billing(account, "OTHER")
    assert len(call(calls, account, {"billing_name": "BILL"}).json()["billing_payment_method"]) == 1
    assert len(call(calls, account, {"name": "クレジット"}).json()["billing_payment_method"]) == 2
    assert call(calls, account, {"register_status": 5}).json()["billing_payment_method"] == []
    assert len(call(calls, account, {"register_status": 1, "payment_method": 1}).json()[
        "billing_payment_method"]) == 2
    assert call(calls, account, {"payment_method": 0}).json()["billing_payment_method"] == []
    assert call(calls, account, {"regist_date_from": "2999/01/01"}).json()["billing_payment_method"] == []
    assert len(call(calls, account, {"regist_date_to": "2999/01/01", "valid_flg": 1}).json()[
        "billing_payment_method"]) == 2
    assert call(calls, account, {"valid_flg": 0}).json()["billing_payment_method"] == []


@pytest.mark.parametrize(
    ("where", "field", "value", "code"),
    [
        ("filter", "billing_code", "B" * 21, "4501"),
        ("filter", "billing_code", ["x"], "4501"),
        ("filter", "billing_name", "名" * 101, "4502"),
        ("filter", "number", "abc", "4503"),
        ("filter", "number", True, "4503"),
        ("filter", "code", 5, "4504"),
        ("filter", "name", 5, "4505"),
        ("filter", "payment_method", 19, "4506"),
        ("filter", "register_status", 8, "4507"),
        ("filter", "register_status", True, "4507"),
        ("filter", "regist_date_from", "2019-06-20", "4508"),
        ("filter", "regist_date_to", "20190620", "4509"),
        ("filter", "update_date_from", 20190620, "4510"),
        ("filter", "update_date_to", "tomorrow", "4511"),
        ("filter", "valid_flg", 2, "4512"),
        ("top", "limit_count", 201, "4513"),
        ("top", "limit_count", "-1", "4513"),
        ("top", "page_count", 1000, "4514"),
        ("top", "page_count", 1.5, "4514"),
        ("top", "billing_payment_method", "billing_code=B", "4515"),
    ],
)
def test_a_bad_parameter_answers_its_own_code(
    calls: Any, account: dict[str, Any], expect_endpoint_code: Any, where: str, field: str, value: Any, code: str
) -> None:
    response = call(calls, account, {field: value}) if where == "filter" else call(calls, account, **{field: value})
    expect_endpoint_code(response, "search", code)


def test_every_own_code_of_search_is_catalogued_and_can_be_primed(
    calls: Any, account: dict[str, Any], expect_endpoint_code: Any
) -> None:
    codes = [entry.id for entry in catalogue.endpoint_codes() if entry.surface == "search"]
    assert codes == [str(code) for code in range(4501, 4516)]
    calls.control("prime", {"endpoint": "search", "code": "4515", "user_id": account["user_id"]})
    expect_endpoint_code(call(calls, account), "search", "4515")
    assert call(calls, account).status_code == 200
