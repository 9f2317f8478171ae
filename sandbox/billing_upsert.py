"""billing/bulk_upsert as public/billing/bulk_upsert.md documents it: rows checked field by field, own codes."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

from sandbox import field_formats, webhook
from sandbox.api_answers import NO_ERROR, ApiError, regist_date, row_error
from sandbox.context import SandboxContext

ENDPOINT = "bulk_upsert"
CREDIT_CARD = 1
# Payment methods whose billing needs the individual's tel on creation (the spec's "payment_method=1,2,6,7,8").
TEL_REQUIRED_FOR = (1, 2, 6, 7, 8)
PAYMENT_METHODS = range(0, 19)  # index.md #決済手段
PREFECTURES = frozenset(
    (
        "北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県"
        " 埼玉県 千葉県 東京都 神奈川県 新潟県 富山県 石川県 福井県 山梨県 長野県"
        " 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 大阪府 兵庫県 奈良県 和歌山県"
        " 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 福岡県"
        " 佐賀県 長崎県 熊本県 大分県 宮崎県 鹿児島県 沖縄県 その他"
    ).split()
)
TEL = re.compile(r"[0-9-]{1,15}")
ZIP = re.compile(r"\d{7}")
# Individual answer fields in the order of the spec's example (fields the sandbox does not model stay null).
INDIVIDUAL_FIELDS = (
    "name", "link_customer_code", "address1", "address2", "address3", "zip_code", "pref", "city_address",
    "building_name", "set_post_address", "post_address1", "post_address2", "post_address3", "post_zip_code",
    "post_pref", "post_city_address", "post_building_name", "tel", "email", "cc_email", "memo",
)


def _strip(value: Any) -> Any:
    """"※両端のスペース除去": strings are trimmed before they are checked."""
    return value.strip() if isinstance(value, str) else value


def _text_within(limit: int) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, str) and len(value) <= limit


def _filled_within(limit: int) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, str) and 0 < len(value) <= limit


def _email(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= 100 and field_formats.EMAIL.fullmatch(value) is not None


def _cc_email(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= 256 and all(_email(part.strip()) for part in value.split(","))


def _zip(value: Any) -> bool:
    return isinstance(value, str) and ZIP.fullmatch(value.replace("-", "")) is not None


def _tel(value: Any) -> bool:
    return isinstance(value, str) and TEL.fullmatch(value) is not None


# (field, own code, check, required when the individual is new)
INDIVIDUAL_RULES: tuple[tuple[str, str, Callable[[Any], bool], bool], ...] = (
    ("name", "1106", _filled_within(100), True),
    ("address1", "1108", _filled_within(60), True),
    ("address2", "1109", _text_within(60), False),
    ("address3", "1110", _text_within(60), False),
    ("zip_code", "1111", _zip, True),
    ("pref", "1112", lambda value: value in PREFECTURES, True),
    ("city_address", "1113", _filled_within(56), True),
    ("building_name", "1114", _text_within(60), False),
    ("tel", "1123", _tel, False),
    ("email", "1124", _email, True),
    ("cc_email", "1125", _cc_email, False),
    ("memo", "1126", _text_within(300), False),
)


def bulk_upsert(context: SandboxContext, user: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Create or update billings with their individuals and payment methods; errors are per row."""
    rows = body.get("billing")
    if not isinstance(rows, list) or not rows:
        raise ApiError("1101", ENDPOINT)
    return {"user_id": user["user_id"], "billing": [_upsert_billing(context, user, row) for row in rows]}


def primed_answer(user: dict[str, Any], body: Any, code: str) -> dict[str, Any]:
    """Every billing row of the request answered with a primed row code; nothing is stored."""
    rows = body.get("billing") if isinstance(body, dict) else None
    rows = rows if isinstance(rows, list) and rows else [{}]
    return {
        "user_id": user["user_id"],
        "billing": [_billing_answer(row if isinstance(row, dict) else {}, code, [], []) for row in rows],
    }


def _billing_answer(
    row: dict[str, Any], code: str | None, individuals: list[dict[str, Any]], payments: list[dict[str, Any]]
) -> dict[str, Any]:
    billing_code, name = _strip(row.get("code")), _strip(row.get("name"))
    return {
        **(row_error(code) if code else NO_ERROR),
        "code": billing_code if isinstance(billing_code, str) and len(billing_code) <= 100 else None,
        "name": name if isinstance(name, str) and len(name) <= 100 else None,
        "individual": individuals,
        "payment": payments,
        "sub_account_title": [],
    }


def _upsert_billing(context: SandboxContext, user: dict[str, Any], row: Any) -> dict[str, Any]:
    if not isinstance(row, dict):
        return _billing_answer({}, "1102", [], [])
    state, user_id = context.state, user["user_id"]
    code, name = _strip(row.get("code")), _strip(row.get("name"))
    if not field_formats.is_code(code):
        return _billing_answer(row, "1102", [], [])
    existing = state.billing(user_id, code)
    if (existing is None or name is not None) and not _filled_within(100)(name):
        return _billing_answer(row, "1103", [], [])
    individual_rows, payment_rows = row.get("individual") or [], row.get("payment") or []
    if not isinstance(individual_rows, list) or not isinstance(payment_rows, list):
        return _billing_answer(row, "1184", [], [])
    methods = state.payment_methods(user_id, billing_code=code) if existing else []
    wanted = [_strip(item.get("payment_method")) for item in payment_rows if isinstance(item, dict)]
    tel_required = any(m in TEL_REQUIRED_FOR for m in wanted + [m["payment_method"] for m in methods])

    kept = list(existing["individual"]) if existing else []
    individuals = []
    for item in individual_rows:
        answer, stored = _check_individual(context, user_id, item, kept, tel_required)
        individuals.append(answer)
        if stored is not None:
            kept = [i for i in kept if i.get("number") != stored["number"]] + [stored]
    payments = [_check_payment(item, methods, bool(kept)) for item in payment_rows]
    if any(answer["error_code"] for answer in individuals + payments):
        return _billing_answer(row, "1184", individuals, payments)

    now = regist_date(context, user["aid"])
    kept.sort(key=lambda item: item["number"])
    state.upsert_billing(user_id, code, name if name is not None else existing["name"], kept)
    stored_payments = [_store_payment(context, user, code, answer, now) for answer in payments]
    return _billing_answer({**row, "name": name or existing["name"]}, None, individuals, stored_payments)


def _check_individual(
    context: SandboxContext, user_id: str, item: Any, kept: list[dict[str, Any]], tel_required: bool
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The answer row and the individual to store (None when the row has an error)."""
    fields = {name: _strip(value) for name, value in item.items()} if isinstance(item, dict) else {}

    def refused(code: str) -> tuple[dict[str, Any], None]:
        return {**row_error(code), "number": None, "code": None, **_shown(fields)}, None  # nothing kept

    if not isinstance(item, dict):
        return refused("1106")
    number, code = fields.get("number"), fields.get("code")
    if number is not None and code is not None:
        return refused("1167")
    current = None
    if number is not None:
        parsed = field_formats.as_number(number)
        current = next((i for i in kept if parsed is not None and i.get("number") == parsed), None)
        if current is None:
            return refused("1104")
    elif code is not None:
        if not field_formats.is_code(code):
            return refused("1105")
        current = next((i for i in kept if i.get("code") == code), None)
    for name, own_code, check, required in INDIVIDUAL_RULES:
        value = fields.get(name)
        missing = value is None or value == ""
        if missing and current is None and (required or (name == "tel" and tel_required)):
            return refused(own_code)
        if not missing and not check(value):
            return refused(own_code)
    # Only the fields checked above are kept; the others are not modelled (and may hold anything).
    kept_fields = {name: fields[name] for name, _, _, _ in INDIVIDUAL_RULES if fields.get(name) is not None}
    stored = {**(current or {}), **kept_fields, **({"code": code} if code is not None else {})}
    stored["number"] = current["number"] if current else context.state.next_individual_number(user_id)
    stored.setdefault("code", None)
    return {**NO_ERROR, "number": stored["number"], "code": stored["code"], **_shown(stored)}, stored


def _shown(fields: dict[str, Any]) -> dict[str, Any]:
    """The answer's individual fields: what was given or kept when it is plain text or a number, else null."""
    plain = (str, int, float)
    return {name: fields.get(name) if isinstance(fields.get(name), plain) else None for name in INDIVIDUAL_FIELDS}


def _check_payment(item: Any, methods: list[dict[str, Any]], has_individual: bool) -> dict[str, Any]:
    """The payment row's answer: an error, or the fields to store (number None when it is new)."""
    fields = {name: _strip(value) for name, value in item.items()} if isinstance(item, dict) else {}
    number, code, name = fields.get("number"), fields.get("code"), fields.get("name")
    method, kind, email = fields.get("payment_method"), fields.get("credit_card_regist_kind"), fields.get(
        "credit_card_email"
    )
    shown = {
        "number": None,
        "code": code if isinstance(code, str) and len(code) <= 100 else None,
        "name": name if isinstance(name, str) and len(name) <= 100 else None,
        "bank_transfer_pattern_code": None,
        "payment_method": method if isinstance(method, int) and not isinstance(method, bool) else None,
        "register_status": None,
        "cod": None,
        "credit_card_regist_kind": kind if isinstance(kind, int) and not isinstance(kind, bool) else None,
    }

    def refused(own_code: str) -> dict[str, Any]:
        return {**row_error(own_code), **shown}

    if not isinstance(item, dict):
        return refused("1141")
    if number is not None and code is not None:
        return refused("1173")
    current = None
    if number is not None:
        parsed = field_formats.as_number(number)
        current = next((m for m in methods if parsed is not None and m["number"] == parsed), None)
        if current is None:
            return refused("1172")
    elif code is not None:
        if not field_formats.is_code(code):
            return refused("1140")
        current = next((m for m in methods if m["code"] == code), None)
    if (current is None or name is not None) and not _filled_within(100)(name):
        return refused("1141")
    if current is None or method is not None:
        as_number = method if isinstance(method, int) and not isinstance(method, bool) else None
        if as_number not in PAYMENT_METHODS or (current and as_number != current["payment_method"]):
            return refused("1143")
    if kind is not None and (isinstance(kind, bool) or kind not in (1, 2)):
        return refused("1168")
    if email is not None and email != "" and not _email(email):
        return refused("1183")
    final_method = current["payment_method"] if current else method
    if final_method == CREDIT_CARD and not has_individual:
        return refused("1166")
    return {
        **NO_ERROR,
        **shown,
        "number": current["number"] if current else None,
        "code": current["code"] if current else code,
        "name": name if name is not None else current["name"],
        "payment_method": final_method,
        "credit_card_regist_kind": (kind or 1) if final_method == CREDIT_CARD else None,
    }


def _store_payment(
    context: SandboxContext, user: dict[str, Any], billing_code: str, answer: dict[str, Any], now: str
) -> dict[str, Any]:
    # Without a code a new payment method gets a generated one [inferred: the spec needs code only to update].
    code = answer["code"] or f"PM{secrets.token_hex(4).upper()}"
    new = answer["number"] is None
    stored = context.state.upsert_payment_method(
        user["user_id"], billing_code, code, answer["name"], answer["payment_method"], now,
        answer["credit_card_regist_kind"] or 1,
    )
    if new and stored["payment_method"] == CREDIT_CARD:
        webhook.notify(context, user, stored, error_code=None)
    return {
        **answer,
        "number": stored["number"],
        "code": stored["code"],
        "register_status": stored["register_status"],
        "cod": stored["cod"],
        "credit_card_regist_kind": stored["credit_card_regist_kind"],
    }
