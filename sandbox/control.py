"""The control API (/_sandbox/): accounts, forced outcomes, faults, clock, rate limit and records."""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import catalogue
from sandbox import field_formats
from sandbox.billing_api import CREDIT_CARD, ENDPOINTS, regist_date
from sandbox.billing_upsert import TEL
from sandbox.clock import iso
from sandbox.context import SandboxContext, context_of
from sandbox.faults import FAULT_KINDS
from sandbox.rate_limit import DEFAULT_LAG_SECONDS, DEFAULT_LIMIT, DEFAULT_WINDOW_SECONDS
from sandbox.request_body import parse_json, read_limited
from sandbox.state import THREE_D_SECURE_SETTINGS, StateError

API_ENDPOINTS = tuple(ENDPOINTS.values())
GATEWAY_ENDPOINT = "token"
# The gateway's endpoints: their calls carry an aid, never a user_id; each answers on its catalogue surface.
GATEWAY_SURFACES = {GATEWAY_ENDPOINT: "gateway", "authenticate": "authenticate"}
THREE_D_SECURE = f"one of {', '.join(THREE_D_SECURE_SETTINGS)}"
MAX_CONTROL_BODY = 1024 * 1024
MAX_COUNT = 100_000
MAX_LATENCY_SECONDS = 120.0
MAX_CLOCK_STEP_SECONDS = 10 * 366 * 24 * 3600.0


class ControlError(Exception):
    """A control request that cannot be carried out; the message is one sentence saying what to fix."""


class Fields:
    """The fields of one control body, each checked with a sentence that names the fix."""

    def __init__(self, body: dict[str, Any], allowed: tuple[str, ...]) -> None:
        unknown = sorted(set(body) - set(allowed))
        if unknown:
            raise ControlError(f"unknown field {unknown[0]!r}; this endpoint takes {', '.join(allowed)}.")
        self.body = body

    def _value(self, name: str, required: bool, what: str) -> Any:
        value = self.body.get(name)
        if value is None and required:
            raise ControlError(f"{name!r} is required: give {what}.")
        return value

    def text(self, name: str, what: str, check: Callable[[str], bool], required: bool = False) -> str | None:
        value = self._value(name, required, what)
        if value is not None and (not isinstance(value, str) or not check(value)):
            raise ControlError(f"{name!r} must be {what}.")
        return value

    def flag(self, name: str, required: bool = False) -> bool | None:
        value = self._value(name, required, "true or false")
        if value is not None and not isinstance(value, bool):
            raise ControlError(f"{name!r} must be true or false.")
        return value

    def number(
        self, name: str, low: float, high: float, integer: bool = False, required: bool = False
    ) -> float | None:
        what = f"{'an integer' if integer else 'a number'} from {low:g} to {high:g}"
        value = self._value(name, required, what)
        if value is None:
            return None
        wrong_type = isinstance(value, bool) or not isinstance(value, int if integer else int | float)
        if wrong_type or not math.isfinite(value) or not low <= value <= high:
            raise ControlError(f"{name!r} must be {what}.")
        return value

    def texts(self, name: str, what: str, check: Callable[[str], bool]) -> list[str] | None:
        value = self.body.get(name)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) and check(item) for item in value):
            raise ControlError(f"{name!r} must be a list of {what}.")
        return value


def is_network(value: str) -> bool:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return True


def is_aid(value: str) -> bool:
    return len(value) == 6 and value.isascii() and value.isdigit()


ORIGINS = "origins like 'http://127.0.0.1:8001' (scheme, host and port only)"
NETWORKS = "IP addresses or networks like '127.0.0.1' or '10.0.0.0/8'"
AID = "6 digits, like '123456'"
USER_ID = "an e-mail form login id of at most 100 characters"


async def control_body(request: Request) -> dict[str, Any]:
    raw = await read_limited(request, MAX_CONTROL_BODY)
    if raw is None:
        raise ControlError("the body is too large; send a JSON object under 1 MB.")
    if not raw.strip():
        return {}
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise ControlError('the body must be a JSON object, like {"on": true}.')
    return body


def known_user(context: SandboxContext, fields: Fields, required: bool = False) -> str | None:
    user_id = fields.text("user_id", USER_ID, field_formats.is_user_id, required=required)
    if user_id is not None and context.state.user(user_id) is None:
        raise ControlError(f"no API user has user_id {user_id!r}; create one with POST /_sandbox/accounts.")
    return user_id


def known_aid(context: SandboxContext, fields: Fields) -> str | None:
    aid = fields.text("aid", AID, is_aid)
    if aid is not None and context.state.shop(aid) is None:
        raise ControlError(
            f"no shop has aid {aid!r}; create one with POST /_sandbox/accounts or /_sandbox/shops."
        )
    return aid


def scope(context: SandboxContext, fields: Fields, endpoint: str) -> tuple[str | None, str | None]:
    """(user_id, aid) a prime or fault applies to; token calls carry no user_id, so only the shop counts."""
    user_id, aid = known_user(context, fields), known_aid(context, fields)
    if endpoint in GATEWAY_SURFACES and user_id is not None:
        return None, aid or context.state.user(user_id)["aid"]
    return user_id, aid


def endpoint_of(fields: Fields) -> str:
    names = (*API_ENDPOINTS, *GATEWAY_SURFACES)
    return (
        fields.text("endpoint", f"one of {', '.join(names)}", lambda value: value in names, required=True)
        or ""
    )


# ---------------------------------------------------------------------- handlers
async def health(context: SandboxContext, request: Request) -> dict[str, Any]:
    return {"ok": True}


async def reset(context: SandboxContext, request: Request) -> dict[str, Any]:
    context.reset()
    return {"ok": True}


async def accounts(context: SandboxContext, request: Request) -> dict[str, Any]:
    fields = Fields(
        await control_body(request),
        ("allowed_origins", "security_code", "ip_allow_list", "md_optional", "three_d_secure"),
    )
    origins = fields.texts("allowed_origins", ORIGINS, field_formats.is_origin)
    setting = fields.text("three_d_secure", THREE_D_SECURE, lambda value: value in THREE_D_SECURE_SETTINGS)
    return context.state.create_account(
        allowed_origins=list(context.default_origins) if origins is None else origins,
        security_code=bool(fields.flag("security_code")),
        ip_allow_list=fields.texts("ip_allow_list", NETWORKS, is_network) or [],
        md_optional=bool(fields.flag("md_optional")),
        # The current spec's default; the seed's pre-3-D-Secure scenarios ask for "off".
        three_d_secure=setting or "required",
    )


async def shops(context: SandboxContext, request: Request) -> dict[str, Any]:
    fields = Fields(
        await control_body(request), ("aid", "allowed_origins", "security_code", "md_optional", "three_d_secure")
    )
    aid = fields.text("aid", AID, is_aid, required=True) or ""
    setting = fields.text("three_d_secure", THREE_D_SECURE, lambda value: value in THREE_D_SECURE_SETTINGS)
    shop = context.state.upsert_shop(
        aid,
        allowed_origins=fields.texts("allowed_origins", ORIGINS, field_formats.is_origin),
        security_code=fields.flag("security_code"),
        md_optional=fields.flag("md_optional"),
    )
    if setting is not None:
        context.state.set_three_d_secure(aid, setting)
    return {**shop, "three_d_secure": context.state.three_d_secure(aid)}


async def users(context: SandboxContext, request: Request) -> dict[str, Any]:
    fields = Fields(await control_body(request), ("user_id", "access_key", "aid", "ip_allow_list"))
    return context.state.upsert_user(
        fields.text("user_id", USER_ID, field_formats.is_user_id, required=True) or "",
        fields.text(
            "access_key", "1 to 100 ASCII letters and digits", field_formats.is_access_key, required=True
        )
        or "",
        fields.text("aid", AID, is_aid, required=True) or "",
        fields.texts("ip_allow_list", NETWORKS, is_network),
    )


async def billings(context: SandboxContext, request: Request) -> dict[str, Any]:
    fields = Fields(
        await control_body(request), ("user_id", "billing_code", "payment_method_code", "email", "tel")
    )
    user_id = known_user(context, fields, required=True) or ""
    code_rule = "1 to 20 ASCII letters, digits or symbols"
    billing_code = fields.text("billing_code", code_rule, field_formats.is_code, required=True) or ""
    method_code = (
        fields.text("payment_method_code", code_rule, field_formats.is_code) or f"{billing_code}-card"[:20]
    )
    contact = {
        "email": fields.text("email", "an e-mail address (メール形式) of at most 100", field_formats.is_user_id),
        "tel": fields.text("tel", "digits and hyphens, at most 15", lambda v: TEL.fullmatch(v) is not None),
    }
    user = context.state.user(user_id) or {}
    existing = context.state.billing(user_id, billing_code)
    individuals = existing["individual"] if existing else []
    if any(contact.values()):
        # The billing's first individual (請求先部署) carries the contact, named as bulk_upsert names it.
        first = individuals[0] if individuals else {
            "number": context.state.next_individual_number(user_id), "code": None, "name": billing_code,
        }
        individuals = [{**first, **{k: v for k, v in contact.items() if v}}, *individuals[1:]]
    if existing is None or any(contact.values()):
        context.state.upsert_billing(user_id, billing_code, existing["name"] if existing else billing_code, individuals)
    method = context.state.upsert_payment_method(
        user_id,
        billing_code,
        method_code,
        "クレジットカード",
        CREDIT_CARD,
        regist_date(context, user.get("aid")),
    )
    return {
        "billing_code": billing_code,
        "number": method["number"],
        "code": method["code"],
        "cod": method["cod"],
        "individual": individuals,
    }


async def journal(context: SandboxContext, request: Request) -> dict[str, Any]:
    query = request.query_params
    entries = context.state.journal(query.get("user_id"), query.get("aid"), query.get("endpoint"))
    for entry in entries:
        del entry["user_id"], entry["aid"]
    return {"entries": entries}


async def token_calls(context: SandboxContext, request: Request) -> dict[str, Any]:
    return {"calls": context.state.token_calls(request.query_params.get("aid"))}


async def prime(context: SandboxContext, request: Request) -> dict[str, Any]:
    fields = Fields(await control_body(request), ("endpoint", "code", "count", "user_id", "aid"))
    endpoint = endpoint_of(fields)
    surface = GATEWAY_SURFACES.get(endpoint, "api")
    raw_code = fields.body.get("code")
    code = str(raw_code) if isinstance(raw_code, str | int) and not isinstance(raw_code, bool) else None
    primeable = [
        o.id
        for o in (*catalogue.outcomes(), *catalogue.endpoint_codes())
        if o.surface in (surface, endpoint) and o.family != "success" and o.id != "Cancel"
    ]
    if code not in primeable:
        raise ControlError(
            f"'code' must be a catalogued {surface} outcome that is not a success, one of "
            f"{', '.join(primeable)}."
        )
    count = int(fields.number("count", 1, MAX_COUNT, integer=True) or 1)
    user_id, aid = scope(context, fields, endpoint)
    context.state.add_prime(endpoint, code, count, user_id, aid)
    return {"endpoint": endpoint, "code": code, "count": count, "user_id": user_id, "aid": aid}


async def faults(context: SandboxContext, request: Request) -> dict[str, Any]:
    fields = Fields(await control_body(request), ("endpoint", "kind", "seconds", "count", "user_id", "aid"))
    endpoint = endpoint_of(fields)
    kind = fields.text(
        "kind", f"one of {', '.join(FAULT_KINDS)}", lambda value: value in FAULT_KINDS, required=True
    )
    seconds = fields.number("seconds", 0, MAX_LATENCY_SECONDS, required=kind == "latency")
    count = int(fields.number("count", 1, MAX_COUNT, integer=True) or 1)
    user_id, aid = scope(context, fields, endpoint)
    context.state.add_fault(endpoint, kind or "", seconds, count, user_id, aid)
    return {
        "endpoint": endpoint,
        "kind": kind,
        "seconds": seconds,
        "count": count,
        "user_id": user_id,
        "aid": aid,
    }


async def maintenance(context: SandboxContext, request: Request) -> dict[str, Any]:
    fields = Fields(await control_body(request), ("on", "user_id"))
    on = fields.flag("on", required=True)
    user_id = known_user(context, fields)
    context.state.set_maintenance(bool(on), user_id)
    return {"on": on, "user_id": user_id}


async def clock(context: SandboxContext, request: Request) -> dict[str, Any]:
    fields = Fields(await control_body(request), ("advance_seconds", "aid"))
    seconds = fields.number("advance_seconds", -MAX_CLOCK_STEP_SECONDS, MAX_CLOCK_STEP_SECONDS, required=True)
    aid = known_aid(context, fields)
    return {"now": iso(context.clock.advance(float(seconds or 0), aid)), "aid": aid}


async def rate_limit(context: SandboxContext, request: Request) -> dict[str, Any]:
    fields = Fields(await control_body(request), ("limit", "window_seconds", "lag_seconds", "user_id"))
    limit = int(fields.number("limit", 1, 1_000_000, integer=True, required=True) or DEFAULT_LIMIT)
    window = float(fields.number("window_seconds", 0.001, 86_400, required=True) or DEFAULT_WINDOW_SECONDS)
    lag = float(fields.number("lag_seconds", 0, 3_600) or DEFAULT_LAG_SECONDS)
    user_id = known_user(context, fields)
    context.state.set_rate_limit(limit, window, lag, user_id)
    context.limiter.forget(user_id)
    return {"limit": limit, "window_seconds": window, "lag_seconds": lag, "user_id": user_id}


async def unknown_uri(context: SandboxContext, request: Request) -> dict[str, Any]:
    fields = Fields(await control_body(request), ("bodyless", "status", "user_id"))
    bodyless = fields.flag("bodyless", required=True)
    status = int(fields.number("status", 400, 599, integer=True) or 404) if bodyless else None
    user_id = known_user(context, fields)
    context.state.set_unknown_uri(status, user_id)
    return {"bodyless": bodyless, "status": status, "user_id": user_id}


def _route(
    path: str, handler: Callable[[SandboxContext, Request], Awaitable[dict[str, Any]]], method: str
) -> Route:
    async def endpoint(request: Request) -> Response:
        try:
            return JSONResponse(await handler(context_of(request), request))
        except (ControlError, StateError) as error:
            return JSONResponse({"error": str(error)}, status_code=400)

    return Route(path, endpoint, methods=[method])


routes = [
    _route("/_sandbox/health", health, "GET"),
    _route("/_sandbox/reset", reset, "POST"),
    _route("/_sandbox/accounts", accounts, "POST"),
    _route("/_sandbox/shops", shops, "POST"),
    _route("/_sandbox/users", users, "POST"),
    _route("/_sandbox/billings", billings, "POST"),
    _route("/_sandbox/journal", journal, "GET"),
    _route("/_sandbox/prime", prime, "POST"),
    _route("/_sandbox/faults", faults, "POST"),
    _route("/_sandbox/maintenance", maintenance, "POST"),
    _route("/_sandbox/clock", clock, "POST"),
    _route("/_sandbox/rate-limit", rate_limit, "POST"),
    _route("/_sandbox/token-calls", token_calls, "GET"),
    _route("/_sandbox/unknown-uri", unknown_uri, "POST"),
]
