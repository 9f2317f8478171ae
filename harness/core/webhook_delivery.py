"""The credit_status_issue webhook from the merchant's side: its handler answers every delivery with 2xx and
takes a repeated delivery of the same event (as a retry sends it) without harm. Used for the reference merchant
and for a merchant's own endpoint alike."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx

EVENT = "credit_status_issue"


def wait_for(read: Callable[[], list[dict[str, Any]]], ready: Callable[[list[dict[str, Any]]], bool],
             timeout_s: float = 10.0, poll_s: float = 0.05) -> list[dict[str, Any]]:
    """Read until ready(rows) or the timeout (deliveries are sent from the gateway's own thread)."""
    deadline = time.monotonic() + timeout_s
    rows = read()
    while not ready(rows) and time.monotonic() < deadline:
        time.sleep(poll_s)
        rows = read()
    return rows


def delivery_problems(deliveries: Sequence[dict[str, Any]]) -> list[str]:
    """One sentence per delivery the handler did not accept with 2xx."""
    return [f"the webhook handler at {d.get('url')} answered delivery {d.get('attempt')} of event "
            f"{(d.get('payload') or {}).get('id')!r} with {d.get('status') or d.get('error')!r}, not 2xx: a handler "
            "must acknowledge every credit_status_issue with 2xx or the payment system retries it."
            for d in deliveries if not (isinstance(d.get("status"), int) and 200 <= d["status"] < 300)]


def redeliver(url: str, payload: dict[str, Any], timeout_s: float = 10.0) -> httpx.Response:
    """POST an event again exactly as delivered (what a retry does)."""
    return httpx.post(url, json=payload, timeout=timeout_s)


def redelivery_problems(response: httpx.Response, signature_key: str) -> list[str]:
    """A repeated delivery must be acknowledged with 2xx too, and the answer must not echo the signature key."""
    problems = []
    if not 200 <= response.status_code < 300:
        problems.append(f"a repeated delivery of the same event was answered {response.status_code}, not 2xx: "
                        "acknowledge a retry of an event already handled instead of refusing it.")
    if signature_key and signature_key in response.text:
        problems.append("the webhook handler's answer echoes BillingRoboSignaturekey: never send the key back "
                        "or log it.")
    return problems
