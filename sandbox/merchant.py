"""The reference merchant site: checkout pages like the seed's samples and the server side behind them."""

from __future__ import annotations

import re
import secrets
import threading
from collections import defaultdict
from typing import Any
from urllib.parse import parse_qsl

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from sandbox import field_formats, merchant_webhook
from sandbox import html as html_pages
from sandbox.demo import DemoAccount
from sandbox.demo_shop import demo_routes
from sandbox.request_body import parse_json, read_limited

CREDIT_CARD_TOKEN_PATH = "/api/v1.0/billing_payment_method/credit_card_token"
SUCCESS_CODE = "Success"
SUCCESS_MESSAGE = "カードを登録しました"
NO_TOKEN_CODE = "NoToken"
NO_TOKEN_MESSAGE = "トークンを受け取れなかったため、カードは登録されていません"
NETWORK_CODE = "NetworkError"
REGISTRATION_TIMEOUT_SECONDS = 30.0
CHECKOUT_FIELDS = (
    "user_id",
    "access_key",
    "aid",
    "billing_code",
    "payment_method_number",
    "payment_method_code",
    "security_code",
    "md",
    "three_d_secure",
    "email",
    "tel",
)


def new_checkout_id() -> str:
    """16 hex characters with no run of 13 digits, so a checkout id in a URL is never taken for a card number."""
    while True:
        candidate = secrets.token_hex(8)
        if not any(len(run) >= 13 for run in re.findall(r"[0-9]+", candidate)):
            return candidate


class CheckoutError(ValueError):
    """A checkout body that cannot be used; the message says what to fix."""


class MerchantBook:
    """The merchant's checkouts and every form submission each one received (thread-safe, in memory)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._checkouts: dict[str, dict[str, Any]] = {}
        self._submissions: dict[str, list[dict[str, Any]]] = {}

    def add(self, checkout: dict[str, Any]) -> str:
        checkout_id = new_checkout_id()
        with self._lock:
            self._checkouts[checkout_id] = checkout
            self._submissions[checkout_id] = []
        return checkout_id

    def checkout(self, checkout_id: str) -> dict[str, Any] | None:
        with self._lock:
            return self._checkouts.get(checkout_id)

    def add_submission(self, checkout_id: str, submission: dict[str, Any]) -> None:
        with self._lock:
            self._submissions[checkout_id].append(submission)

    def submissions(self, checkout_id: str) -> list[dict[str, Any]] | None:
        with self._lock:
            found = self._submissions.get(checkout_id)
            return list(found) if found is not None else None


def checkout_from(body: Any) -> dict[str, Any]:
    """The checkout a POST /_merchant/checkouts body describes."""
    if not isinstance(body, dict):
        raise CheckoutError("the body must be a JSON object with user_id, access_key, aid and billing_code.")
    unknown = sorted(set(body) - set(CHECKOUT_FIELDS))
    if unknown:
        raise CheckoutError(f"unknown field {unknown[0]!r}; a checkout takes {', '.join(CHECKOUT_FIELDS)}.")
    for name in ("user_id", "access_key", "aid", "billing_code"):
        if not isinstance(body.get(name), str) or not body[name]:
            raise CheckoutError(f"{name!r} is required and must be a non-empty string.")
    number, code = body.get("payment_method_number"), body.get("payment_method_code")
    if (number is None) == (code is None):
        raise CheckoutError("give exactly one of 'payment_method_number' and 'payment_method_code'.")
    if number is not None and field_formats.as_number(number) is None:
        raise CheckoutError("'payment_method_number' must be an integer of at most 18 digits.")
    if code is not None and not isinstance(code, str):
        raise CheckoutError("'payment_method_code' must be a string.")
    if not isinstance(body.get("security_code", False), bool):
        raise CheckoutError("'security_code' must be true or false.")
    if body.get("md") is not None and not isinstance(body["md"], str):
        raise CheckoutError("'md' must be a string such as \"10\", or null.")
    if not isinstance(body.get("three_d_secure", False), bool):
        raise CheckoutError("'three_d_secure' must be true or false.")
    for name in ("email", "tel"):
        if body.get(name) is not None and (not isinstance(body[name], str) or len(body[name]) > 100):
            raise CheckoutError(f"{name!r} must be the billing individual's {name} as a string, or null.")
    if body.get("three_d_secure") and body.get("email") is None and body.get("tel") is None:
        raise CheckoutError("a 3-D Secure checkout needs the billing individual's 'email' or 'tel' (or both).")
    return {name: body.get(name) for name in CHECKOUT_FIELDS} | {
        "three_d_secure": bool(body.get("three_d_secure")),
        # The spec wants pn / tel without hyphens; the merchant strips them from the registered number.
        "tel": body["tel"].replace("-", "") if isinstance(body.get("tel"), str) else None,
        "security_code": bool(body.get("security_code")),
        # md "10" (一括払い) unless the checkout says otherwise; null leaves md out of TokenCreate.
        "md": body.get("md", "10"),
    }


def form_fields(raw: bytes) -> dict[str, Any]:
    """Every field of an urlencoded form post, as received: one value, or a list when repeated."""
    grouped: defaultdict[str, list[str]] = defaultdict(list)
    for name, value in parse_qsl(raw.decode("utf-8", errors="replace"), keep_blank_values=True):
        grouped[name].append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in grouped.items()}


def registration_request(checkout: dict[str, Any], token: str) -> dict[str, Any]:
    """The credit_card_token body the merchant's server sends for one received token."""
    request = {
        "user_id": checkout["user_id"],
        "access_key": checkout["access_key"],
        "billing_code": checkout["billing_code"],
        "token": token,
    }
    if checkout["payment_method_number"] is not None:
        request["billing_payment_method_number"] = field_formats.as_number(checkout["payment_method_number"])
    else:
        request["billing_payment_method_code"] = checkout["payment_method_code"]
    if checkout.get("three_d_secure"):
        # The current spec's request example sends both; each only when the checkout knows it.
        request.update({name: checkout[name] for name in ("email", "tel") if checkout.get(name) is not None})
    return request


def result_of(status: int | None, body: Any) -> tuple[str, str]:
    """(code, message) the result page shows for the API's answer."""
    if status is None:
        return NETWORK_CODE, str(body)
    if isinstance(body, dict) and "error" in body:
        error = body["error"]
        if error is None:
            return SUCCESS_CODE, SUCCESS_MESSAGE
        if isinstance(error, dict):
            return str(error.get("code")), str(error.get("message", ""))
    return f"HTTP{status}", f"The billing API answered HTTP {status} without an error object."


def payment_page_headers(gateway_base: str) -> dict[str, str]:
    """The security headers a careful merchant sends with its payment page (what PCI DSS 11.6.1 watches).

    Scripts, frames and connections are limited to the page itself and the gateway; the seed's samples
    use inline scripts, hence 'unsafe-inline' for scripts.
    """
    gateway = gateway_base.rstrip("/")
    return {
        "Content-Security-Policy": (
            f"default-src 'self'; script-src 'self' 'unsafe-inline' {gateway}; frame-src {gateway}; "
            f"connect-src 'self' {gateway}; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        ),
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    }


def build_merchant_app(api_base: str, gateway_base: str, demo: DemoAccount | None = None) -> Starlette:
    """The merchant's site: cards registered with the API at api_base, scripts loaded from gateway_base;
    `/` offers demo checkouts of the demo shop when one is given."""
    api_base, gateway_base = api_base.rstrip("/"), gateway_base.rstrip("/")
    book = MerchantBook()

    async def create_checkout(request: Request) -> Response:
        raw = await read_limited(request, 1024 * 1024)
        try:
            checkout = checkout_from(parse_json(raw) if raw is not None else None)
        except CheckoutError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        checkout_id = book.add(checkout)
        base = str(request.base_url).rstrip("/")
        return JSONResponse(
            {
                "id": checkout_id,
                "popup_url": f"{base}/checkout/{checkout_id}/popup",
                "custom_url": f"{base}/checkout/{checkout_id}/custom",
            }
        )

    def page(mode: str):  # noqa: ANN202 - a Starlette endpoint
        async def endpoint(request: Request) -> Response:
            checkout_id = request.path_params["checkout_id"]
            checkout = book.checkout(checkout_id)
            if checkout is None:
                return PlainTextResponse(
                    f"no checkout {checkout_id}; create one with POST /_merchant/checkouts.", status_code=404
                )
            if checkout["three_d_secure"]:
                page = html_pages.render_merchant_3ds_page(
                    mode,
                    checkout_id,
                    checkout["aid"],
                    gateway_base,
                    checkout["security_code"],
                    checkout["md"],
                    checkout["email"],
                    checkout["tel"],
                )
            else:
                page = html_pages.render_merchant_page(
                    mode, checkout_id, checkout["aid"], gateway_base, checkout["security_code"], checkout["md"]
                )
            return HTMLResponse(page, headers=payment_page_headers(gateway_base))

        return endpoint

    async def purchase(request: Request) -> Response:
        checkout_id = request.path_params["checkout_id"]
        checkout = book.checkout(checkout_id)
        if checkout is None:
            return PlainTextResponse(
                f"no checkout {checkout_id}; create one with POST /_merchant/checkouts.", status_code=404
            )
        raw = await read_limited(request, 1024 * 1024)
        fields = form_fields(raw or b"")
        token = fields.get("tkn")
        registration = None
        if isinstance(token, str) and token:
            registration = await register(checkout, token)
            code, message = result_of(registration["status"], registration["body"])
        else:
            code, message = NO_TOKEN_CODE, NO_TOKEN_MESSAGE
        book.add_submission(checkout_id, {"fields": fields, "registration": registration})
        return HTMLResponse(html_pages.render_result(code, message))

    async def register(checkout: dict[str, Any], token: str) -> dict[str, Any]:
        try:
            async with httpx.AsyncClient(timeout=REGISTRATION_TIMEOUT_SECONDS) as client:
                answer = await client.post(
                    api_base + CREDIT_CARD_TOKEN_PATH, json=registration_request(checkout, token)
                )
        except httpx.HTTPError as error:
            return {"status": None, "body": f"{type(error).__name__}: {error}"}
        body = parse_json(answer.content)
        return {"status": answer.status_code, "body": body if isinstance(body, dict) else answer.text}

    async def received(request: Request) -> Response:
        submissions = book.submissions(request.path_params["checkout_id"])
        if submissions is None:
            return JSONResponse(
                {"error": "no such checkout; create one with POST /_merchant/checkouts."}, status_code=404
            )
        return JSONResponse({"submissions": submissions})

    return Starlette(
        routes=[
            Route("/_merchant/checkouts", create_checkout, methods=["POST"]),
            Route("/checkout/{checkout_id}/popup", page("popup"), methods=["GET"]),
            Route("/checkout/{checkout_id}/custom", page("custom"), methods=["GET"]),
            Route("/checkout/{checkout_id}/purchase", purchase, methods=["POST"]),
            Route("/_merchant/checkouts/{checkout_id}/received", received, methods=["GET"]),
            *demo_routes(api_base, demo, lambda body: book.add(checkout_from(body))),
            *merchant_webhook.routes(merchant_webhook.WebhookInbox()),
        ]
    )
