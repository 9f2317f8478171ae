"""The last line of defence: a client that went away is one log line, a sandbox bug a documented answer."""

from __future__ import annotations

import logging

from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import catalogue

LOG = logging.getLogger("sandbox")
TIMED_OUT_KEY = "sandbox.timed_out"


class RequestGuard:
    """ASGI middleware inside Starlette's error handler, so no exception ever reaches it (or uvicorn):
    `ClientDisconnect` is logged in one line and answered with nothing; any other exception before the
    answer started is answered with the documented internal error of its surface, `Connection: close`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except ClientDisconnect:
            if not scope.get(TIMED_OUT_KEY):
                LOG.warning("%s %s: the client went away before sending the whole request", *_line(scope))
        except Exception:
            if started:
                raise  # half an answer is out; only closing the connection is left
            LOG.exception("%s %s: the sandbox failed; answered with its documented internal error", *_line(scope))
            await last_resort(scope["path"])(scope, receive, send)


def last_resort(path: str) -> Response:
    """The billing API's code 1 (Internal error.) under /api/, else HTTP 500 with a one-sentence error."""
    headers = {"Connection": "close"}
    if path.startswith("/api/"):
        entry = catalogue.outcome("1", "api")
        body = {"error": {"code": entry.code, "message": entry.message}}
        return JSONResponse(body, status_code=entry.http_status or 400, headers=headers)
    sentence = "the sandbox failed on this request; this is a sandbox bug, report it with the sandbox's log."
    return JSONResponse({"error": sentence}, status_code=500, headers=headers)


def _line(scope: Scope) -> tuple[str, str]:
    return scope.get("method", ""), scope.get("path", "")
