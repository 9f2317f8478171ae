"""The credit_status_issue webhook (webhook/webhook_credit_status.md): who gets it, its payload, its delivery."""

from __future__ import annotations

import itertools
import json
import secrets
import string
import threading
import time
from datetime import datetime
from typing import Any

import httpx

from sandbox.clock import JST
from sandbox.context import SandboxContext

EVENT_NAME = "credit_status_issue"
ORG = "BillingRobo_RobotPayment"
# credit_status of event_detail: 0:未処理 1:メール送信済 2:完了 3:エラー
CREDIT_PENDING, CREDIT_MAIL_SENT, CREDIT_DONE, CREDIT_ERROR = 0, 1, 2, 3
# Retries are not documented: the sandbox's own policy [inferred], set per webhook through the control API.
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_RETRY_SECONDS = 10.0
DELIVERY_TIMEOUT_SECONDS = 10.0
MAX_KEPT_ANSWER = 2_000
_event_ids = itertools.count(1)


def signature_key() -> str:
    """A key shaped like the sample's BillingRoboSignaturekey (a bcrypt-style string the robo generates)."""
    alphabet = string.ascii_letters + string.digits + "./"
    return "$2y$10$" + "".join(secrets.choice(alphabet) for _ in range(53))


def _time(context: SandboxContext, aid: str | None) -> str:
    return datetime.fromtimestamp(context.clock.now(aid), JST).strftime("%Y-%m-%d %H:%M:%S")


def payload(
    context: SandboxContext,
    user: dict[str, Any],
    hook: dict[str, Any],
    method: dict[str, Any],
    credit_status: int,
    error_code: str | None,
) -> dict[str, Any]:
    """The documented payload; values are strings as in the spec's sample (its table says int for some)."""
    now = _time(context, user["aid"])
    return {
        "BillingRoboSignaturekey": hook["signature_key"],
        "org": ORG,
        "id": str(next(_event_ids)),
        "event_name": EVENT_NAME,
        "regist_time": now,
        "notification_time": now,
        "billing_source_id": str(user["aid"]),
        "event_detail": {
            # "クレジットカード登録(トークン方式)ではこちらに値が入りません"; the sandbox has no billing ids at all.
            "billing_id": None,
            "billing_code": method["billing_code"],
            "payment_number": str(method["number"]),
            "payment_code": method["code"],
            "payment_status": str(method["register_status"]),
            "credit_status": str(credit_status),
            "credit_error_code": error_code,
            "credit_update_time": now,
        },
    }


def credit_status_of(method: dict[str, Any], error_code: str | None) -> int:
    if error_code:
        return CREDIT_ERROR
    return {5: CREDIT_DONE, 2: CREDIT_MAIL_SENT}.get(method["register_status"], CREDIT_PENDING)


def notify(
    context: SandboxContext,
    user: dict[str, Any],
    method: dict[str, Any],
    error_code: str | None,
    credit_status: int | None = None,
) -> tuple[dict[str, Any], threading.Thread] | None:
    """Send the event to the user's webhook URL in the background, if one is registered: (payload, sender)."""
    hook = context.state.webhook(user["user_id"])
    if hook is None:
        return None
    status = credit_status_of(method, error_code) if credit_status is None else credit_status
    event = payload(context, user, hook, method, status, error_code)
    # A thread of its own: the receiver may be served by this very event loop (the reference merchant).
    sender = threading.Thread(target=deliver, args=(context, user, hook, event), daemon=True)
    sender.start()
    return event, sender


def deliver(context: SandboxContext, user: dict[str, Any], hook: dict[str, Any], event: dict[str, Any]) -> None:
    """POST the event until the URL answers 2xx or the attempts run out; every attempt is recorded."""
    body = json.dumps(event, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=UTF-8"}
    with httpx.Client(timeout=DELIVERY_TIMEOUT_SECONDS) as client:
        for attempt in range(1, hook["max_attempts"] + 1):
            status, answer, error = None, None, None
            try:
                response = client.post(hook["url"], content=body, headers=headers)
                status, answer = response.status_code, response.text[:MAX_KEPT_ANSWER]
            except httpx.HTTPError as failure:
                error = f"{type(failure).__name__}: {failure}"
            context.state.add_webhook_delivery(
                {
                    "user_id": user["user_id"],
                    "event_id": event["id"],
                    "attempt": attempt,
                    "time": _time(context, user["aid"]),
                    "url": hook["url"],
                    "payload": event,
                    "status": status,
                    "answer": answer,
                    "error": error,
                }
            )
            if status is not None and 200 <= status < 300:
                return
            if attempt < hook["max_attempts"]:
                time.sleep(hook["retry_seconds"])
