"""Control API of the credit_status_issue webhook: register a shop's URL, send an event, read the deliveries."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request

from sandbox import field_formats, webhook
from sandbox.context import SandboxContext
from sandbox.control import ControlError, Fields, _route, control_body, known_user

URL = "an absolute http:// or https:// URL"
CODE_RULE = "1 to 20 ASCII letters, digits or symbols"


def is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and len(value) <= 2000


async def register(context: SandboxContext, request: Request) -> dict[str, Any]:
    fields = Fields(await control_body(request), ("user_id", "url", "max_attempts", "retry_seconds"))
    user_id = known_user(context, fields, required=True) or ""
    url = fields.text("url", URL, is_url, required=True) or ""
    attempts = int(fields.number("max_attempts", 1, 10, integer=True) or webhook.DEFAULT_MAX_ATTEMPTS)
    retry = fields.number("retry_seconds", 0, 600)
    return context.state.set_webhook(
        user_id, url, webhook.signature_key(), attempts, webhook.DEFAULT_RETRY_SECONDS if retry is None else retry
    )


async def send(context: SandboxContext, request: Request) -> dict[str, Any]:
    fields = Fields(
        await control_body(request),
        ("user_id", "billing_code", "payment_method_number", "payment_method_code", "credit_status",
         "credit_error_code"),
    )
    user_id = known_user(context, fields, required=True) or ""
    billing_code = fields.text("billing_code", CODE_RULE, field_formats.is_code, required=True)
    number = fields.number("payment_method_number", 0, 10**18, integer=True)
    code = fields.text("payment_method_code", CODE_RULE, field_formats.is_code)
    status = fields.number("credit_status", 0, 3, integer=True)
    error_code = fields.text("credit_error_code", "a code such as G1242G120000", lambda v: 0 < len(v) <= 20)
    methods = context.state.payment_methods(
        user_id, billing_code=billing_code, number=None if number is None else int(number), code=code
    )
    if not methods:
        raise ControlError("no payment method of that billing matches; give billing_code and its number or code.")
    if context.state.webhook(user_id) is None:
        raise ControlError("the user has no webhook URL; register one with POST /_sandbox/webhooks first.")
    user = context.state.user(user_id) or {}
    sent = webhook.notify(context, user, methods[0], error_code, None if status is None else int(status))
    if sent is None:
        raise ControlError("the user has no webhook URL; register one with POST /_sandbox/webhooks first.")
    event, sender = sent
    await asyncio.to_thread(sender.join)
    delivered = [d for d in context.state.webhook_deliveries(user_id) if d["event_id"] == event["id"]]
    return {"event": event, "deliveries": delivered}


async def deliveries(context: SandboxContext, request: Request) -> dict[str, Any]:
    return {"deliveries": context.state.webhook_deliveries(request.query_params.get("user_id"))}


routes = [
    _route("/_sandbox/webhooks", register, "POST"),
    _route("/_sandbox/webhooks/send", send, "POST"),
    _route("/_sandbox/webhooks/deliveries", deliveries, "GET"),
]
