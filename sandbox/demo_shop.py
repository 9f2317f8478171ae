"""The reference merchant's `/` and `/demo/<slug>`: demo checkouts for the demo shop, created on the fly."""

from __future__ import annotations

import html
import secrets
from collections.abc import Callable
from pathlib import Path
from string import Template
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from sandbox.demo import DEMO_CHECKOUTS, DemoAccount, demo_checkout
from sandbox.request_body import parse_json

BULK_UPSERT_PATH = "/api/v1.0/billing/bulk_upsert"
# What bulk_upsert.md requires of a new individual (tel too, for a credit-card payment method).
DEMO_INDIVIDUAL = {
    "name": "経理部", "address1": "デモ 太郎", "zip_code": "1500002", "pref": "東京都", "city_address": "渋谷区渋谷1-1",
    "email": "demo@sandbox.example", "tel": "03-0000-0000",
}
HOME_TEMPLATE = Path(__file__).with_name("merchant_assets") / "home.html"
API_TIMEOUT_SECONDS = 30.0
NO_DEMO = (
    "<p id=\"no-demo\">This merchant has no demo shop (the sandbox was started with <code>--no-demo</code>, "
    "or the merchant runs on its own). Create a checkout with <code>POST /_merchant/checkouts</code>; "
    "see sandbox/README.md.</p>"
)


def render_home(demo: DemoAccount | None) -> str:
    if demo is None:
        body = NO_DEMO
    else:
        items = "".join(
            f'<li><a class="demo-checkout" id="demo-{html.escape(c.slug)}" href="/demo/{html.escape(c.slug)}">'
            f"{html.escape(c.title)}</a><br>{html.escape(c.description)}</li>"
            for c in DEMO_CHECKOUTS
        )
        body = (
            f'<ul id="demo-checkouts">{items}</ul>'
            "<h2>The demo shop</h2><table>"
            f"<tr><th>aid</th><td><code>{html.escape(demo.aid)}</code></td></tr>"
            f"<tr><th>user_id</th><td><code>{html.escape(demo.user_id)}</code></td></tr>"
            "</table>"
        )
    return Template(HOME_TEMPLATE.read_text(encoding="utf-8")).substitute(body=body)


def error_page(sentence: str, status: int) -> HTMLResponse:
    return HTMLResponse(
        f'<!DOCTYPE html><html lang="en"><meta charset="utf-8"><title>Demo checkout</title>'
        f'<p id="demo-error">{html.escape(sentence)}</p><p><a href="/">Back to the demo shop</a></p></html>',
        status_code=status,
    )


async def new_billing(api_base: str, demo: DemoAccount) -> dict[str, Any] | str:
    """A fresh billing with one credit-card payment method, made through bulk_upsert; or what went wrong."""
    code = "DEMO" + secrets.token_hex(6).upper()
    body = {
        "user_id": demo.user_id,
        "access_key": demo.access_key,
        "billing": [{"code": code, "name": "デモ 太郎", "individual": [DEMO_INDIVIDUAL], "payment": [
            {"code": f"{code}-C", "name": "クレジットカード", "payment_method": 1}
        ]}],
    }
    try:
        async with httpx.AsyncClient(timeout=API_TIMEOUT_SECONDS) as client:
            answer = await client.post(api_base + BULK_UPSERT_PATH, json=body)
    except httpx.HTTPError as error:
        return f"the billing API at {api_base} could not be reached ({type(error).__name__})"
    answered = parse_json(answer.content)
    try:
        payment = answered["billing"][0]["payment"][0]
        number = payment["number"]
    except (KeyError, IndexError, TypeError):
        error = answered.get("error") if isinstance(answered, dict) else None
        said = f"error {error.get('code')}: {error.get('message')}" if isinstance(error, dict) else answer.status_code
        return f"the billing API refused the demo billing ({said})"
    if number is None:
        return f"the billing API refused the demo billing (error {payment.get('error_code')})"
    return {"billing_code": code, "payment_method_number": number}


def demo_routes(
    api_base: str, demo: DemoAccount | None, add_checkout: Callable[[dict[str, Any]], str]
) -> list[Route]:
    """`/` and `/demo/<slug>`; add_checkout takes a POST /_merchant/checkouts body and returns the checkout's id."""

    async def home(request: Request) -> Response:
        return HTMLResponse(render_home(demo))

    async def open_demo(request: Request) -> Response:
        slug = request.path_params["slug"]
        entry = demo_checkout(slug)
        if entry is None:
            known = ", ".join(c.slug for c in DEMO_CHECKOUTS)
            return error_page(f"There is no demo checkout {slug!r}; pick one of {known}.", 404)
        if demo is None:
            return error_page("This sandbox was started with --no-demo; start it without that flag.", 404)
        billing = await new_billing(api_base, demo)
        if isinstance(billing, str):
            return error_page(
                f"No demo checkout: {billing}; check that the sandbox's billing API is up and not in maintenance.",
                502,
            )
        checkout_id = add_checkout(
            {
                "user_id": demo.user_id,
                "access_key": demo.access_key,
                "aid": demo.aid,
                "billing_code": billing["billing_code"],
                "payment_method_number": billing["payment_method_number"],
                **entry.options,
            }
        )
        return RedirectResponse(f"/checkout/{checkout_id}/{entry.page}", status_code=303)

    return [Route("/", home, methods=["GET"]), Route("/demo/{slug}", open_demo, methods=["GET"])]
