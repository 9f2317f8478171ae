"""The billing API (請求管理ロボ) as emulated: bulk_upsert, credit_card_token and search under /api/v1.0/."""

from __future__ import annotations

import ipaddress
import secrets
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import catalogue
from sandbox import field_formats, tokens
from sandbox.clock import JST
from sandbox.context import SandboxContext, context_of
from sandbox.faults import faulted_answer
from sandbox.journal import record
from sandbox.rate_limit import DEFAULT_LIMIT, DEFAULT_WINDOW_SECONDS
from sandbox.request_body import holds_unrepresentable, parse_json, read_limited

API_PREFIX = "/api/v1.0/"
# Path under /api/v1.0/ → endpoint name used by the journal, prime and faults.
ENDPOINTS = {
    "billing/bulk_upsert": "bulk_upsert",
    "billing_payment_method/credit_card_token": "credit_card_token",
    "billing_payment_method/search": "search",
}
UNKNOWN_ENDPOINT = "unknown"
# Fields whose presence next to a token means the merchant sent the card number itself (ER586).
CARD_NUMBER_FIELDS = ("cn", "card_number")
CREDIT_CARD = 1
REGISTERED = 5


class ApiError(Exception):
    """The request is answered with this catalogue outcome."""

    def __init__(self, outcome_id: str) -> None:
        super().__init__(outcome_id)
        self.outcome_id = outcome_id


def outcome_response(outcome_id: str) -> Response:
    """The billing API's answer for one catalogue outcome: its status, its JSON code type, its message."""
    entry = catalogue.outcome(outcome_id, "api")
    if entry.code_json == "absent":
        return Response(status_code=entry.http_status or 500)
    if entry.code_json == "null":
        return JSONResponse({"error": None}, status_code=entry.http_status or 200)
    return JSONResponse(
        {"error": {"code": entry.code, "message": entry.message}}, status_code=entry.http_status or 400
    )


def row_error(outcome_id: str) -> dict[str, Any]:
    """error_code / error_message of one bulk_upsert row, from the catalogue."""
    entry = catalogue.outcome(outcome_id, "api")
    return {"error_code": entry.code, "error_message": entry.message}


async def api_endpoint(request: Request) -> Response:
    """Every request under /api/v1.0/: the common checks in the documented order, then the endpoint's."""
    context = context_of(request)
    endpoint = ENDPOINTS.get(request.path_params["path"], UNKNOWN_ENDPOINT)
    if request.method != "POST":
        endpoint = UNKNOWN_ENDPOINT
    raw = await read_limited(request)
    if raw is None:
        return record(context, request, endpoint, None, outcome_response("HTTP413"))
    body = parse_json(raw)
    claimed = body.get("user_id") if isinstance(body, dict) else None
    user_id = claimed if isinstance(claimed, str) and len(claimed) <= 100 else None
    user = context.state.user(user_id) if user_id else None
    aid = user["aid"] if user else None

    def answer(response: Response) -> Response:
        return record(context, request, endpoint, raw, response, user_id=user_id if user else None, aid=aid)

    limit, window = context.state.rate_limit(user_id) or (DEFAULT_LIMIT, DEFAULT_WINDOW_SECONDS)
    caller = (request.client.host if request.client else "", user_id or "")
    if not context.limiter.allow(caller, context.clock.now(aid), limit, window):
        return answer(outcome_response("HTTP429"))
    if endpoint != UNKNOWN_ENDPOINT:
        faulted = await faulted_answer(context.state.take_fault(endpoint, user_id, aid))
        if faulted is not None:
            return answer(faulted)
    try:
        if context.state.in_maintenance(user_id):
            raise ApiError("19")
        if endpoint == UNKNOWN_ENDPOINT:
            raise ApiError("10")
        account = authenticate(context, request, body)
        primed = context.state.take_prime(endpoint, account["user_id"], account["aid"])
        if primed is not None:
            raise ApiError(primed)
        payload = HANDLERS[endpoint](context, account, body)
    except ApiError as error:
        return answer(outcome_response(error.outcome_id))
    if payload is None:
        return answer(outcome_response("SUCCESS"))
    return answer(JSONResponse(payload))


def authenticate(context: SandboxContext, request: Request, body: Any) -> dict[str, Any]:
    """The API user the body's user_id and access_key name, allowed from the caller's address."""
    if not isinstance(body, dict):  # not JSON at all, or JSON that is not an object
        raise ApiError("11")
    user_id = body.get("user_id")
    user = context.state.user(user_id) if field_formats.is_user_id(user_id) else None
    if user is None:
        raise ApiError("11")
    access_key = body.get("access_key")
    if not field_formats.is_access_key(access_key) or not secrets.compare_digest(
        access_key.encode(), user["access_key"].encode()
    ):
        raise ApiError("12")
    if user["ip_allow_list"] and not ip_allowed(
        request.client.host if request.client else "", user["ip_allow_list"]
    ):
        raise ApiError("13")
    return user


def ip_allowed(host: str, allow_list: list[str]) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(entry, strict=False) for entry in allow_list)


def regist_date(context: SandboxContext, aid: str | None) -> str:
    return datetime.fromtimestamp(context.clock.now(aid), JST).strftime("%Y/%m/%d %H:%M:%S")


# ---------------------------------------------------------------------- credit_card_token
def credit_card_token(context: SandboxContext, user: dict[str, Any], body: dict[str, Any]) -> None:
    """Register the card behind a token on a billing's payment method (seed spec, then the token checks)."""
    state, user_id, aid = context.state, user["user_id"], user["aid"]
    billing_code = body.get("billing_code")
    if not field_formats.is_code(billing_code) or state.billing(user_id, billing_code) is None:
        raise ApiError("3401")
    number, code = body.get("billing_payment_method_number"), body.get("billing_payment_method_code")
    if number is not None and code is not None:
        raise ApiError("3404")
    if code is None:
        parsed = field_formats.as_number(number)
        methods = state.payment_methods(user_id, billing_code, number=parsed) if parsed is not None else []
        missing = "3402"
    else:
        methods = (
            state.payment_methods(user_id, billing_code, code=code) if field_formats.is_code(code) else []
        )
        missing = "3403"
    methods = [method for method in methods if method["payment_method"] == CREDIT_CARD]
    if not methods:
        raise ApiError(missing)
    token = body.get("token")
    if not tokens.well_formed(token):
        raise ApiError("3405")
    if any(body.get(name) not in (None, "") for name in CARD_NUMBER_FIELDS):
        raise ApiError("ER586")
    stored = state.token(token)
    # A token is good only for the shop that issued it, and only once.
    if stored is None or stored["aid"] != aid or not state.use_token(token):
        raise ApiError("ER584")
    if tokens.expired(stored["issued_at"], context.clock.now(aid)):
        raise ApiError("ER585")
    if stored["decline"]:
        raise ApiError(stored["decline"])
    state.register_card(
        methods[0]["number"], stored["brand"], stored["last4"], stored["expiry"], regist_date(context, aid)
    )


# ---------------------------------------------------------------------- bulk_upsert
def bulk_upsert(context: SandboxContext, user: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Create or update billings with their individuals and payment methods; errors are per row."""
    rows = body.get("billing")
    if not isinstance(rows, list) or not rows:
        raise ApiError("3401")
    return {"billing": [_upsert_billing(context, user, row) for row in rows]}


def _upsert_billing(context: SandboxContext, user: dict[str, Any], row: Any) -> dict[str, Any]:
    if not isinstance(row, dict):
        return {"code": None, "name": None, **row_error("3401"), "individual": [], "payment": []}
    code, name = row.get("code"), row.get("name", "")
    individual, payment = row.get("individual", []), row.get("payment", [])
    well_formed = (
        field_formats.is_code(code)
        and isinstance(name, str)
        and len(name) <= 100
        and isinstance(individual, list)
        and all(isinstance(item, dict) and not holds_unrepresentable(item) for item in individual)
        and isinstance(payment, list)
    )
    if not well_formed:
        shown = code if isinstance(code, str) and len(code) <= 100 else None
        return {"code": shown, "name": None, **row_error("3401"), "individual": [], "payment": []}
    context.state.upsert_billing(user["user_id"], code, name, individual)
    return {
        "code": code,
        "name": name,
        "error_code": None,
        "error_message": None,
        "individual": [{**item, "error_code": None, "error_message": None} for item in individual],
        "payment": [_upsert_payment(context, user, code, item) for item in payment],
    }


def _upsert_payment(
    context: SandboxContext, user: dict[str, Any], billing_code: str, item: Any
) -> dict[str, Any]:
    fields = item if isinstance(item, dict) else {}
    code = fields.get("code", f"PM{secrets.token_hex(4).upper()}")
    name, method = fields.get("name", ""), fields.get("payment_method", CREDIT_CARD)
    if (
        not isinstance(item, dict)
        or not field_formats.is_code(code)
        or not isinstance(name, str)
        or len(name) > 100
        or isinstance(method, bool)
        or not isinstance(method, int)
    ):
        return {
            "number": None,
            "code": code if isinstance(code, str) and len(code) <= 100 else None,
            "name": None,
            "payment_method": None,
            "register_status": None,
            "cod": None,
            **row_error("3403"),
        }
    stored = context.state.upsert_payment_method(
        user["user_id"], billing_code, code, name, method, regist_date(context, user["aid"])
    )
    return {
        "number": stored["number"],
        "code": code,
        "name": name,
        "payment_method": method,
        "register_status": stored["register_status"],
        "cod": stored["cod"],
        "error_code": None,
        "error_message": None,
    }


# ---------------------------------------------------------------------- search
def search(context: SandboxContext, user: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """The account's payment methods, filtered by billing_code, number, code and register_status."""
    billing_code, number, code = body.get("billing_code"), body.get("number"), body.get("code")
    if billing_code is not None and not field_formats.is_code(billing_code):
        raise ApiError("3401")
    parsed = field_formats.as_number(number) if number is not None else None
    if number is not None and parsed is None:
        raise ApiError("3402")
    if code is not None and not field_formats.is_code(code):
        raise ApiError("3403")
    status = body.get("register_status")
    rows = context.state.payment_methods(user["user_id"], billing_code=billing_code, number=parsed, code=code)
    if status is not None:
        # A register_status of another type or out of 0-7 simply matches nothing.
        rows = [row for row in rows if not isinstance(status, bool) and row["register_status"] == status]
    return {"billing_payment_method": rows}


HANDLERS = {"credit_card_token": credit_card_token, "bulk_upsert": bulk_upsert, "search": search}

# Every method HTTP defines: anything but POST answers code 10, not a bare 405.
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]
routes = [Route(API_PREFIX + "{path:path}", api_endpoint, methods=ALL_METHODS)]
