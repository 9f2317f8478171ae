"""The billing API (請求管理ロボ) as emulated: bulk_upsert, credit_card_token and search under /api/v1.0/."""

from __future__ import annotations

import ipaddress
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import catalogue
from sandbox import billing_upsert, field_formats, payment_method_search, three_d_secure, tokens, webhook
from sandbox.api_answers import ApiError, outcome_response, regist_date, row_error  # noqa: F401 - re-exported
from sandbox.context import SandboxContext, context_of
from sandbox.faults import faulted_answer
from sandbox.journal import record
from sandbox.rate_limit import RateLimitSetting
from sandbox.request_body import parse_json, read_limited

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

    # Counted per source IP, refused requests included; a user with its own setting gets its own count.
    setting = context.state.rate_limit(user_id)
    own = setting is not None and setting[3]
    caller = (request.client.host if request.client else "", user_id if own and user_id else "")
    limit = RateLimitSetting(*setting[:3]) if setting else RateLimitSetting()
    # One count per source IP runs on the global clock; a user's own count on its shop's clock.
    if not context.limiter.allow(caller, context.clock.now(aid if caller[1] else None), limit):
        return answer(outcome_response("HTTP429"))
    if endpoint != UNKNOWN_ENDPOINT:
        faulted = await faulted_answer(context.state.take_fault(endpoint, user_id, aid))
        if faulted is not None:
            return answer(faulted)
    try:
        if context.state.in_maintenance(user_id):
            raise ApiError("19")
        if endpoint == UNKNOWN_ENDPOINT:
            bodyless = context.state.unknown_uri_status(user_id)
            if bodyless is not None:  # "APIアクセスであると判断できないURI" may get no error body
                return answer(Response(status_code=bodyless))
            raise ApiError("10")
        account = authenticate(context, request, body)
        primed = context.state.take_prime(endpoint, account["user_id"], account["aid"])
        if primed is not None:
            return answer(primed_response(primed, endpoint, account, body))
        payload = HANDLERS[endpoint](context, account, body)
    except ApiError as error:
        return answer(error.response())
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


def primed_response(code: str, endpoint: str, account: dict[str, Any], body: Any) -> Response:
    """A primed registration-flow outcome, or one of bulk_upsert's / search's own codes where it belongs."""
    if any(entry.id == code for entry in catalogue.api_outcomes()):
        return outcome_response(code)
    entry = catalogue.endpoint_code(code, endpoint)
    if entry.placement == "row":
        return JSONResponse(billing_upsert.primed_answer(account, body, code))
    return ApiError(code, endpoint).response()


def ip_allowed(host: str, allow_list: list[str]) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(entry, strict=False) for entry in allow_list)


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
    individual = state.billing(user_id, billing_code)["individual"]
    contact_problem = registered_contact_problem(body, individual)
    if contact_problem:
        raise ApiError(contact_problem)
    if any(body.get(name) not in (None, "") for name in CARD_NUMBER_FIELDS):
        raise ApiError("ER586")
    stored = state.token(token)
    # A token is good only for the shop that issued it, and only once.
    if stored is None or stored["aid"] != aid or not state.use_token(token):
        raise ApiError("ER584")
    if tokens.expired(stored["issued_at"], context.clock.now(aid)):
        raise ApiError("ER585")
    secure_problem = three_d_secure.registration_problem(context, aid, token, individual)
    if secure_problem:
        raise ApiError(secure_problem)
    if stored["decline"]:
        webhook.notify(context, user, methods[0], error_code=stored["decline"])
        raise ApiError(stored["decline"])
    state.register_card(
        methods[0]["number"], stored["brand"], stored["last4"], stored["expiry"], regist_date(context, aid)
    )
    webhook.notify(context, user, state.payment_methods(user_id, number=methods[0]["number"])[0], error_code=None)


def registered_contact_problem(body: dict[str, Any], individual: Any) -> str | None:
    """3406 / 3407 for an email / tel (the current spec's optional fields) other than the individual's."""
    email, tel = three_d_secure.registered_contact(individual)
    if "email" in body:
        given = body["email"].strip() if isinstance(body["email"], str) else None
        if not three_d_secure.email_valid(given) or given != email:
            return "3406"
    if "tel" in body:
        given = body["tel"].strip() if isinstance(body["tel"], str) else None
        if not three_d_secure.tel_valid(given) or given != tel:
            return "3407"
    return None



HANDLERS = {
    "credit_card_token": credit_card_token,
    "bulk_upsert": billing_upsert.bulk_upsert,
    "search": payment_method_search.search,
}

# Every method HTTP defines: anything but POST answers code 10, not a bare 405.
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]
routes = [Route(API_PREFIX + "{path:path}", api_endpoint, methods=ALL_METHODS)]
