"""The gateway (credit.j-payment.co.jp) as emulated: its scripts, the popup card form, the token endpoint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

import catalogue
from sandbox import cards, gateway_home, referer, tokens
from sandbox import html as html_pages
from sandbox.clock import iso, tokyo_year_month
from sandbox.context import SandboxContext, context_of
from sandbox.faults import DroppedConnection, faulted_answer
from sandbox.journal import record
from sandbox.request_body import parse_json, read_limited

GATEWAY_ASSETS = Path(__file__).with_name("gateway_assets")
JQUERY_IN_PACKAGE = Path("node_modules/jquery/dist/jquery.min.js")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODES = ("custom", "popup")
SINGLE_PAYMENT = "10"  # md 10: 一括払い
MAX_NAME_CHARACTERS = 50
ENDPOINT = "token"


def _digits(value: Any, *lengths: int) -> str | None:
    """The value as a digit string when it is one (or a non-negative JSON integer) of an allowed length."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = str(value)
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) in lengths:
        return value
    return None


def card_number_problem(value: Any) -> str | None:
    """ER055 (not 16 digits), ER014 (check digit), ER015 (brand not taken) or None for a good number."""
    number = _digits(value, 16)
    if number is None:
        return "ER055"
    if not cards.luhn_valid(number):
        return "ER014"
    if cards.brand_of(number) is None:
        return "ER015"
    return None


def expiry_valid(value: Any, now: float) -> bool:
    """YYMM, month 01-12, not before the current month (in Tokyo, on the shop's sandbox clock)."""
    expiry = _digits(value, 4) if isinstance(value, str) else None
    if expiry is None or not 1 <= int(expiry[2:]) <= 12:
        return False
    return (2000 + int(expiry[:2]), int(expiry[2:])) >= tokyo_year_month(now)


def name_valid(value: Any) -> bool:
    return isinstance(value, str) and 1 <= len(value) <= MAX_NAME_CHARACTERS


def md_valid(value: Any) -> bool:
    return _digits(value, 2) == SINGLE_PAYMENT


def parameter_validity(params: dict[str, Any], now: float) -> dict[str, dict[str, bool]]:
    """present / valid of every CPToken parameter (and any other the page passed), never the values."""
    checks = {
        "aid": lambda value: _digits(value, 6) is not None,
        "cn": lambda value: card_number_problem(value) is None,
        "ed": lambda value: expiry_valid(value, now),
        "fn": name_valid,
        "ln": name_valid,
        "cvv": lambda value: _digits(value, 3, 4) is not None,
        "md": md_valid,
    }
    extra = [name for name in params if name not in checks and name not in ("mode", "origin")]
    validity = {}
    for name in [*checks, *extra]:
        present = name in params
        check = checks.get(name)
        validity[name] = {"present": present, "valid": bool(present and check and check(params[name]))}
    return validity


def first_problem(context: SandboxContext, params: dict[str, Any], origin: str | None) -> str | None:
    """The catalogue id of the first failed check, in the documented order, or None when all pass."""
    aid = _digits(params.get("aid"), 6)
    if aid is None:
        return "ER050"
    shop = context.state.shop(aid)
    if shop is None:
        return "ER004"
    allowed = {entry.rstrip("/").lower() for entry in shop["allowed_origins"]}
    if not origin or origin.rstrip("/").lower() not in allowed:
        return "ER002"
    card_problem = card_number_problem(params.get("cn"))
    if card_problem:
        return card_problem
    if not expiry_valid(params.get("ed"), context.clock.now(aid)):
        return "ER056"
    if not name_valid(params.get("fn")):
        return "ER057"
    if not name_valid(params.get("ln")):
        return "ER058"
    if shop["security_code"] and _digits(params.get("cvv"), 3, 4) is None:
        return "ER079"
    if not (shop["md_optional"] and "md" not in params) and not md_valid(params.get("md")):
        return "ER064"
    return None


def issue_token(context: SandboxContext, params: dict[str, Any]) -> str:
    """A fresh token; the sandbox keeps only brand, first six, last four and expiry of the card."""
    aid, number = str(params["aid"]), str(params["cn"])
    token = tokens.new_token()
    context.state.store_token(
        token,
        aid,
        cards.brand_of(number) or "",
        number[:6],
        number[-4:],
        str(params["ed"]),
        cards.decline_for(number),
        context.clock.now(aid),
    )
    return token


def cors_headers(request: Request) -> dict[str, str]:
    headers = {"Vary": "Origin"}
    if "origin" in request.headers:
        headers["Access-Control-Allow-Origin"] = request.headers["origin"]
    return headers


async def token_endpoint(request: Request) -> Response:
    """POST /gateway/token: validate the CPToken parameters in order and answer resultCode/errMsg."""
    context = context_of(request)
    raw = await read_limited(request)
    body = parse_json(raw) if raw is not None else {}
    params: dict[str, Any] = body if isinstance(body, dict) else {}
    mode = params.get("mode") if params.get("mode") in MODES else "custom"
    # The page's referer decides (ER002), as on the real gateway: in popup mode the card form reports the
    # merchant page's document.referrer, in custom mode the browser sends the page's Referer itself.
    origin = referer.origin_of(params.get("origin")) if mode == "popup" else referer.referer_origin(request)
    aid = _digits(params.get("aid"), 6)

    faulted = await faulted_answer(context.state.take_fault(ENDPOINT, None, aid)) if raw is not None else None
    if raw is None:
        response: Response = Response(status_code=413)
        result = "HTTP413"
    elif faulted is not None:
        response = faulted
        result = "DROP" if isinstance(faulted, DroppedConnection) else f"HTTP{faulted.status_code}"
    else:
        result = (
            context.state.take_prime(ENDPOINT, None, aid)
            or first_problem(context, params, origin)
            or "Success"
        )
        answer: dict[str, Any] = {
            "resultCode": result,
            "errMsg": catalogue.outcome(result, "gateway").message,
        }
        if result == "Success":
            answer["token"] = issue_token(context, params)
        response = JSONResponse(answer)
    if not isinstance(response, DroppedConnection):
        response.headers.update(cors_headers(request))
    context.state.add_token_call(
        {
            "time": iso(context.clock.now(aid)),
            "mode": mode,
            "aid": aid if aid else (str(params["aid"])[:20] if "aid" in params else None),
            "origin": origin[:200] if origin else None,
            "params": parameter_validity(params, context.clock.now(aid)),
            "result": result,
        }
    )
    return record(context, request, ENDPOINT, raw, response, aid=aid)


async def cors_preflight(request: Request) -> Response:
    """OPTIONS on a gateway endpoint the page posts to (/gateway/token, /gateway/3ds/authenticate): the served
    scripts send text/plain and need no preflight, but a page that sends JSON does."""
    headers = {
        **cors_headers(request),
        "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Allow-Headers": request.headers.get("access-control-request-headers", "Content-Type"),
        "Access-Control-Max-Age": "600",
    }
    return Response(status_code=204, headers=headers)


async def card_form(request: Request) -> Response:
    """GET /gateway/card_form?aid=AID: the popup's card form, with #cvv for shops with the option."""
    aid = request.query_params.get("aid", "")
    shop = context_of(request).state.shop(aid) if _digits(aid, 6) else None
    return HTMLResponse(html_pages.render_card_form(aid, bool(shop and shop["security_code"])))


def _script(path: Path, what: str) -> Response:
    if not path.is_file():
        return PlainTextResponse(f"{what} is missing at {path}; reinstall the project.", status_code=404)
    return FileResponse(path, media_type="application/javascript; charset=utf-8")


async def jquery_script(request: Request) -> Response:
    for path in (PROJECT_ROOT / JQUERY_IN_PACKAGE, Path.cwd() / JQUERY_IN_PACKAGE):
        if path.is_file():
            return _script(path, "jQuery")
    return PlainTextResponse(
        f"jQuery is missing at {PROJECT_ROOT / JQUERY_IN_PACKAGE}; run `npm ci` in {PROJECT_ROOT}.",
        status_code=404,
    )


async def cptoken_script(request: Request) -> Response:
    return _script(GATEWAY_ASSETS / "CPToken.js", "CPToken.js")


routes = [
    Route("/gateway/js/jquery.js", jquery_script, methods=["GET"]),
    Route("/gateway/js/CPToken.js", cptoken_script, methods=["GET"]),
    Route("/gateway/card_form", card_form, methods=["GET"]),
    Route("/gateway/token", token_endpoint, methods=["POST"]),
    Route("/gateway/token", cors_preflight, methods=["OPTIONS"]),
    *gateway_home.routes,
]
