"""The reference merchant's receiver of the credit_status_issue webhook: answers 2xx, idempotent per event."""

from __future__ import annotations

import threading
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.request_body import parse_json, read_limited

WEBHOOK_PATH = "/_merchant/webhooks/credit_status"


class WebhookInbox:
    """Events received, once each however often they are delivered, and the failures asked for [sandbox]."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: dict[str, dict[str, Any]] = {}
        self._fail_next = 0

    def fail_next(self, count: int) -> None:
        with self._lock:
            self._fail_next = count

    def take_failure(self) -> bool:
        with self._lock:
            if self._fail_next <= 0:
                return False
            self._fail_next -= 1
            return True

    def receive(self, event: dict[str, Any]) -> bool:
        """Keep the event; False when it was already received (a repeated delivery changes nothing)."""
        key = f"{event.get('BillingRoboSignaturekey')}|{event.get('id')}"
        with self._lock:
            if key in self._events:
                self._events[key]["deliveries"] += 1
                return False
            self._events[key] = {"payload": event, "deliveries": 1}
            return True

    def events(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(entry) for entry in self._events.values()]


def routes(inbox: WebhookInbox) -> list[Route]:
    async def receive(request: Request) -> Response:
        raw = await read_limited(request)
        event = parse_json(raw) if raw is not None else None
        if not isinstance(event, dict) or event.get("event_name") != "credit_status_issue":
            return JSONResponse({"error": "not a credit_status_issue event"}, status_code=400)
        if inbox.take_failure():
            return JSONResponse({"error": "failing as asked through /_merchant/webhooks/fail"}, status_code=500)
        return JSONResponse({"ok": True, "duplicate": not inbox.receive(event)})

    async def received(request: Request) -> Response:
        return JSONResponse({"events": inbox.events()})

    async def fail(request: Request) -> Response:
        body = parse_json(await request.body())
        count = body.get("count") if isinstance(body, dict) else None
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 100:
            return JSONResponse({"error": "'count' must be an integer from 0 to 100."}, status_code=400)
        inbox.fail_next(count)
        return JSONResponse({"count": count})

    return [
        Route(WEBHOOK_PATH, receive, methods=["POST"]),
        Route("/_merchant/webhooks", received, methods=["GET"]),
        Route("/_merchant/webhooks/fail", fail, methods=["POST"]),
    ]
