"""The gateway's `/` (what the sandbox is, its cards, the demo shop) and `/docs/control-api`."""

from __future__ import annotations

import html
from pathlib import Path
from string import Template

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

import catalogue
from sandbox.context import context_of
from sandbox.demo import DemoAccount

ASSETS = Path(__file__).with_name("gateway_assets")
SANDBOX_README = Path(__file__).with_name("README.md")
CONTROL_API_HEADING = "### Control API"
NO_DEMO = "<p>None: this sandbox was started with <code>--no-demo</code>. Make accounts through the control API.</p>"


def card_rows() -> str:
    rows = []
    for outcome in catalogue.outcomes():
        if outcome.card:
            where = "credit_card_token" if outcome.surface == "api" else "tokenizing (CPToken)"
            rows.append(
                f"<tr><td><code>{html.escape(outcome.card)}</code></td><td>{html.escape(outcome.id)}</td>"
                f"<td>{where}</td><td>{html.escape(outcome.meaning)}</td></tr>"
            )
    return "\n    ".join(rows)


def demo_table(demo: DemoAccount | None, gateway: str, merchant: str | None) -> str:
    if demo is None:
        return NO_DEMO
    rows = [
        ("aid", demo.aid),
        ("user_id", demo.user_id),
        ("access_key", demo.access_key),
        ("billing API", f"{gateway}/api/v1.0/"),
    ]
    cells = "".join(f"<tr><th>{name}</th><td><code>{html.escape(value)}</code></td></tr>" for name, value in rows)
    link = (
        f'<p>Click through a checkout at <a id="merchant-link" href="{html.escape(merchant)}/">'
        f"{html.escape(merchant)}/</a>.</p>"
        if merchant
        else ""
    )
    return f'<table id="demo-shop">{cells}</table>{link}'


def render_home(demo: DemoAccount | None, gateway: str, merchant: str | None) -> str:
    return Template((ASSETS / "home.html").read_text(encoding="utf-8")).substitute(
        gateway=html.escape(gateway), demo=demo_table(demo, gateway, merchant), cards=card_rows()
    )


def control_api_section() -> str:
    """The control API's section of sandbox/README.md, so the page never drifts from the documentation."""
    text = SANDBOX_README.read_text(encoding="utf-8")
    start = text.find(CONTROL_API_HEADING)
    if start < 0:
        return "The control API is documented in sandbox/README.md."
    end = text.find("\n### ", start + len(CONTROL_API_HEADING))
    return text[start : end if end > 0 else len(text)].strip()


async def home(request: Request) -> Response:
    context = context_of(request)
    gateway = str(request.base_url).rstrip("/")
    merchant = context.default_origins[0] if context.default_origins else None
    return HTMLResponse(render_home(context.demo, gateway, merchant))


async def control_api_docs(request: Request) -> Response:
    return HTMLResponse(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Control API — ROBOT PAYMENT sandbox'
        '</title></head><body><p><a href="/">ROBOT PAYMENT sandbox</a></p>'
        f'<pre id="control-api" style="white-space: pre-wrap">{html.escape(control_api_section())}</pre></body></html>'
    )


routes = [
    Route("/", home, methods=["GET"]),
    Route("/docs/control-api", control_api_docs, methods=["GET"]),
]
