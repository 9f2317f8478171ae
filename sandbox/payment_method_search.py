"""billing_payment_method/search as public/billing_payment_method/search.md documents it: nested filters, paging."""

from __future__ import annotations

import math
import re
from typing import Any

from sandbox import field_formats
from sandbox.api_answers import NO_ERROR, ApiError
from sandbox.context import SandboxContext

ENDPOINT = "search"
DEFAULT_LIMIT_COUNT = 20
MAX_LIMIT_COUNT = 200
MAX_PAGE_COUNT = 999
PAYMENT_METHODS = range(0, 19)  # index.md #決済手段
REGISTER_STATUSES = range(0, 8)
DATE = re.compile(r"\d{4}/\d{2}/\d{2}")
# Answer fields of a row that the sandbox does not model: always null.
BANK_FIELDS = (
    "bank_transfer_pattern_code", "source_bank_account_name", "customer_number", "bank_code", "bank_name",
    "branch_code", "branch_name", "bank_account_type", "bank_account_number", "bank_account_name",
    "payment_type",
)
BANK_CHECK_FIELDS = (
    "bank_check_bank_code", "bank_check_bank_name", "bank_check_branch_code", "bank_check_branch_name",
    "bank_check_kind", "bank_check_bank_account_number",
)


def _count(value: Any, high: int, default: int, code: str) -> int:
    """limit_count / page_count: a number (JSON integer or digit string) 0..high; "" or absent is the default."""
    if value is None or value == "":
        return default
    number = field_formats.as_number(value, max_digits=3)
    if number is None or number > high:
        raise ApiError(code, ENDPOINT)
    return number


def _text(filters: dict[str, Any], name: str, code: str, check: Any) -> Any:
    value = filters.get(name)
    if value is None or value == "":
        return None
    if not check(value):
        raise ApiError(code, ENDPOINT)
    return value


def _choice(filters: dict[str, Any], name: str, code: str, allowed: range) -> int | None:
    value = filters.get(name)
    if value is None or value == "":
        return None
    number = field_formats.as_number(value, max_digits=2)
    if number is None or number not in allowed:
        raise ApiError(code, ENDPOINT)
    return number


def _name(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= 100


def _date(value: Any) -> bool:
    return isinstance(value, str) and DATE.fullmatch(value) is not None


def search(context: SandboxContext, user: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """The account's payment methods matching the nested filters, one page of them."""
    limit = _count(body.get("limit_count"), MAX_LIMIT_COUNT, DEFAULT_LIMIT_COUNT, "4513")
    page = _count(body.get("page_count"), MAX_PAGE_COUNT, 0, "4514")
    filters = body.get("billing_payment_method")
    if filters is None:
        filters = {}
    if not isinstance(filters, dict):
        raise ApiError("4515", ENDPOINT)
    billing_code = _text(filters, "billing_code", "4501", field_formats.is_code)
    billing_name = _text(filters, "billing_name", "4502", _name)
    number = filters.get("number")
    parsed = None if number in (None, "") else field_formats.as_number(number)
    if number not in (None, "") and parsed is None:
        raise ApiError("4503", ENDPOINT)
    code = _text(filters, "code", "4504", field_formats.is_code)
    name = _text(filters, "name", "4505", _name)
    payment_method = _choice(filters, "payment_method", "4506", PAYMENT_METHODS)
    register_status = _choice(filters, "register_status", "4507", REGISTER_STATUSES)
    dates = {
        field: _text(filters, field, code, _date)
        for field, code in (
            ("regist_date_from", "4508"), ("regist_date_to", "4509"),
            ("update_date_from", "4510"), ("update_date_to", "4511"),
        )
    }
    valid_flg = _choice(filters, "valid_flg", "4512", range(0, 2))

    state, user_id = context.state, user["user_id"]
    rows = state.payment_methods(user_id, billing_code=billing_code, number=parsed, code=code)
    names = {billing["code"]: billing["name"] for billing in state.billings(user_id)}
    matched = [
        row for row in rows
        if (billing_name is None or billing_name in names.get(row["billing_code"], ""))
        and (name is None or name in row["name"])
        and (payment_method is None or row["payment_method"] == payment_method)
        and (register_status is None or row["register_status"] == register_status)
        and (valid_flg is None or row["valid_flg"] == valid_flg)
        and _within(row["regist_date"], dates["regist_date_from"], dates["regist_date_to"])
        and _within(row["update_date"], dates["update_date_from"], dates["update_date_to"])
    ]
    # total_page_count: 全件数／決済情報取得件数, rounded up [inferred]; limit_count 0 answers no rows.
    total_pages = math.ceil(len(matched) / limit) if limit else 0
    shown = matched[page * limit:(page + 1) * limit] if limit else []
    return {
        "user_id": user_id,
        "limit_count": limit,
        "page_count": page,
        "total_page_count": total_pages,
        "billing_payment_method": [_answer_row(row, names) for row in shown],
    }


def _within(stamp: str | None, low: str | None, high: str | None) -> bool:
    day = (stamp or "")[:10]
    return (low is None or day >= low) and (high is None or day <= high)


def _answer_row(row: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    method = row["payment_method"]
    return {
        **NO_ERROR,
        "billing_code": row["billing_code"],
        "billing_name": names.get(row["billing_code"]),
        "number": row["number"],
        "code": row["code"],
        "name": row["name"],
        **dict.fromkeys(BANK_FIELDS[:1]),
        "payment_method": method,
        "register_status": row["register_status"],
        **dict.fromkeys(BANK_FIELDS[1:]),
        "cod": row["cod"] if method == 1 else None,
        **dict.fromkeys(BANK_CHECK_FIELDS),
        "clearing_key": None,
        "regist_date": (row["regist_date"] or "")[:10] or None,
        "update_date": (row["update_date"] or row["regist_date"] or "")[:10] or None,
        "valid_flg": row["valid_flg"],
        "bank_save": [] if method in (0, 2) else None,
    }
