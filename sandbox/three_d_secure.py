"""3-D Secure 2.0 as emulated: EMV3DSAdapter.js, the authenticate endpoint and the issuer's challenge frame."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

import catalogue
from sandbox import referer, tokens
from sandbox.context import SandboxContext, context_of
from sandbox.faults import DroppedConnection, faulted_answer
from sandbox.gateway import GATEWAY_ASSETS, cors_headers, cors_preflight
from sandbox.journal import record
from sandbox.request_body import parse_json, read_limited

ENDPOINT = "authenticate"
# primes of the flow the next authentication of a shop takes (control API /_sandbox/three-d-secure/next)
FLOW_ENDPOINT = "authenticate-flow"
FLOWS = ("frictionless", "challenge", "refused")
# Magic cards (first six and last four, all the gateway keeps of a card): which flow they take.
MAGIC_FLOWS = {"4000000000003220": "challenge", "4000000000003063": "refused"}
ONE_TIME_PASSWORD = "123456"
# What the token's 3-D Secure record says, and what credit_card_token makes of it.
PENDING, PASSED, FAILED, ABANDONED, REFUSED = "pending", "passed", "failed", "abandoned", "refused"
EMAIL = re.compile(r"^([a-z0-9+_\-]+)(\.[a-z0-9+_\-]+)*@([a-z0-9\-]+\.)+[a-z]+$", re.IGNORECASE)
MAX_EMAIL = 100
MAX_TEL = 15
ITEM_ID = re.compile(r"[A-Za-z0-9_\-]{1,50}")
CHALLENGE_PATH = "/gateway/3ds/challenge/"
CHALLENGE_ID = re.compile(r"[A-Za-z0-9_\-]{16,64}")


def email_valid(value: Any) -> bool:
    """メール形式 of the official index, at most 100 characters."""
    return isinstance(value, str) and len(value) <= MAX_EMAIL and EMAIL.fullmatch(value) is not None


def tel_valid(value: Any) -> bool:
    """Digits only (no hyphens), 1 to 15 of them."""
    return isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= MAX_TEL


def registered_contact(individual: Any) -> tuple[str | None, str | None]:
    """(email, tel without hyphens) of the billing's first individual (請求先部署), as credit_card_token checks."""
    first = individual[0] if isinstance(individual, list) and individual and isinstance(individual[0], dict) else {}
    email, tel = first.get("email"), first.get("tel")
    return (
        email.strip() if isinstance(email, str) else None,
        tel.strip().replace("-", "") if isinstance(tel, str) else None,
    )


def _zero(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool) and value == 0) or value == "0"


def _text(value: Any) -> str | None:
    """A number the page passed (pn: 300000000) as the digits a form field would carry; other values as given."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else None


def first_problem(context: SandboxContext, params: dict[str, Any], origin: str | None) -> str | None:
    """The catalogue id (authenticate surface) of the first failed check, or None when the call is good."""
    aid = _text(params.get("aid"))
    if aid is None or not (len(aid) == 6 and aid.isascii() and aid.isdigit()):
        return "ER050"
    shop = context.state.shop(aid)
    if shop is None:
        return "ER004"
    allowed = {entry.rstrip("/").lower() for entry in shop["allowed_origins"]}
    if not origin or origin.rstrip("/").lower() not in allowed:
        return "ER002"
    token = params.get("tkn")
    stored = context.state.token(token) if tokens.well_formed(token) else None
    if stored is None or stored["aid"] != aid or stored["used"] or context.state.authentication(token):
        return "ER584"
    if tokens.expired(stored["issued_at"], context.clock.now(aid)):
        return "ER585"
    amounts = [name for name in ("am", "tx", "sf") if name in params]
    if "iid" in params:
        # The registered-goods variant: iid instead of am / tx / sf.
        if amounts or not isinstance(params["iid"], str) or not ITEM_ID.fullmatch(params["iid"]):
            return "ER001"
    elif len(amounts) != 3 or not all(_zero(params[name]) for name in amounts):
        return "ER001"
    em, pn = params.get("em"), _text(params.get("pn"))
    if em in (None, "") and pn in (None, ""):
        return "ER001"
    if em not in (None, "") and not email_valid(em):
        return "ER059"
    if pn not in (None, "") and not tel_valid(pn):
        return "ER060"
    return None


def flow_for(context: SandboxContext, token: dict[str, Any]) -> str:
    """The primed flow of the shop's next authentication, else the magic card's, else frictionless."""
    primed = context.state.take_prime(FLOW_ENDPOINT, None, token["aid"])
    if primed in FLOWS:
        return primed
    return MAGIC_FLOWS.get(token["first6"] + "000000" + token["last4"], "frictionless")


def _answer(result: str, **extra: Any) -> dict[str, Any]:
    return {"resultCode": result, "errMsg": catalogue.outcome(result, "authenticate").message, **extra}


async def authenticate_endpoint(request: Request) -> Response:
    """POST /gateway/3ds/authenticate: check the parameters, then run the flow and record it on the token."""
    context = context_of(request)
    raw = await read_limited(request)
    body = parse_json(raw) if raw is not None else {}
    params: dict[str, Any] = body if isinstance(body, dict) else {}
    aid = _text(params.get("aid"))
    aid = aid if aid and len(aid) == 6 and aid.isdigit() else None
    if raw is None:
        response: Response = Response(status_code=413)
    else:
        faulted = await faulted_answer(context.state.take_fault(ENDPOINT, None, aid))
        response = faulted if faulted is not None else _authenticate(context, request, params)
    if not isinstance(response, DroppedConnection):
        response.headers.update(cors_headers(request))
    return record(context, request, ENDPOINT, raw, response, aid=aid)


def _authenticate(context: SandboxContext, request: Request, params: dict[str, Any]) -> Response:
    aid = _text(params.get("aid"))
    primed = context.state.take_prime(ENDPOINT, None, aid) if aid else None
    # The page's Referer decides (ER002), as for the token request in custom mode.
    problem = primed or first_problem(context, params, referer.referer_origin(request))
    if problem:
        return JSONResponse(_answer(problem))
    token = context.state.token(params["tkn"]) or {}
    em = params.get("em") or None
    pn = _text(params.get("pn")) or None
    flow = flow_for(context, token)
    if flow == "challenge":
        challenge = secrets.token_urlsafe(24)
        context.state.start_authentication(params["tkn"], PENDING, em, pn, challenge)
        # A path: the script opens it on the origin it was loaded from, the real gateway's host included.
        return JSONResponse(_answer("Success", challenge=f"{CHALLENGE_PATH}{challenge}"))
    context.state.start_authentication(params["tkn"], PASSED if flow == "frictionless" else REFUSED, em, pn, None)
    return JSONResponse(_answer("Success"))


def registration_problem(context: SandboxContext, aid: str, token: str, individual: Any) -> str | None:
    """ER900 / ER901 / ER059 / ER060 when the shop requires 3-D Secure and the token's record does not pass."""
    if context.state.three_d_secure(aid) != "required":
        return None
    authentication = context.state.authentication(token)
    if authentication is None or authentication["status"] == PENDING:
        return "ER900"
    if authentication["status"] != PASSED:
        return "ER901"
    email, tel = registered_contact(individual)
    if authentication["em"] is not None and authentication["em"] != email:
        return "ER059"
    if authentication["pn"] is not None and authentication["pn"] != tel:
        return "ER060"
    return None


def _pending(context: SandboxContext, challenge: str) -> dict[str, Any] | None:
    found = context.state.challenge(challenge) if CHALLENGE_ID.fullmatch(challenge) else None
    return found if found and found["status"] == PENDING else None


async def challenge_page(request: Request) -> Response:
    """GET /gateway/3ds/challenge/{id}: the issuer's one-time-password page, shown in the adapter's frame."""
    challenge = request.path_params["challenge"]
    if _pending(context_of(request), challenge) is None:
        return PlainTextResponse(
            "this 3-D Secure challenge is unknown or already answered; call ThreeDSAdapter.authenticate again "
            "with a fresh token.",
            status_code=404,
        )
    page = (GATEWAY_ASSETS / "challenge.html").read_text(encoding="utf-8")
    return HTMLResponse(page.replace("{{challenge}}", challenge).replace("{{otp}}", ONE_TIME_PASSWORD))


async def challenge_answer(request: Request) -> Response:
    """POST /gateway/3ds/challenge/{id}: {"otp": "..."} or {"cancel": true}; settles the token's record."""
    context = context_of(request)
    challenge = request.path_params["challenge"]
    raw = await read_limited(request, 4096)
    body = parse_json(raw) if raw is not None else None
    if not isinstance(body, dict) or not (isinstance(body.get("otp"), str) or body.get("cancel") is True):
        return JSONResponse(
            {"error": 'send a JSON object: {"otp": "<one-time password>"} or {"cancel": true}.'}, status_code=400
        )
    if _pending(context, challenge) is None:
        return JSONResponse(
            {"error": "this 3-D Secure challenge is unknown or already answered; authenticate a fresh token."},
            status_code=404,
        )
    if body.get("cancel") is True:
        context.state.finish_challenge(challenge, ABANDONED)
        return JSONResponse(_answer("Cancel"))
    passed = secrets.compare_digest(body["otp"].encode(), ONE_TIME_PASSWORD.encode())
    context.state.finish_challenge(challenge, PASSED if passed else FAILED)
    # The call worked either way: the result shows at credit_card_token, as the spec says of authenticate.
    return JSONResponse(_answer("Success"))


async def adapter_script(request: Request) -> Response:
    path = GATEWAY_ASSETS / "EMV3DSAdapter.js"
    if not Path(path).is_file():
        return PlainTextResponse(f"EMV3DSAdapter.js is missing at {path}; reinstall the project.", status_code=404)
    return FileResponse(path, media_type="application/javascript; charset=utf-8")


routes = [
    Route("/gateway/js/EMV3DSAdapter.js", adapter_script, methods=["GET"]),
    Route("/gateway/3ds/authenticate", authenticate_endpoint, methods=["POST"]),
    Route("/gateway/3ds/authenticate", cors_preflight, methods=["OPTIONS"]),
    Route("/gateway/3ds/challenge/{challenge}", challenge_page, methods=["GET"]),
    Route("/gateway/3ds/challenge/{challenge}", challenge_answer, methods=["POST"]),
]
