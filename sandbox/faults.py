"""Injected faults: an answer that comes late, a plain HTTP 500, or a connection closed without an answer."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

FAULT_KINDS = ("latency", "http500", "drop")
TRANSPORT_KEY = "sandbox.transport"


def expose_transport(app: ASGIApp) -> ASGIApp:
    """Wrap the app so a route can close its connection: uvicorn's `send` is a method of the request
    cycle, which holds the asyncio transport; Starlette's own wrappers hide it from the routes."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        if scope["type"] == "http" and transport is not None:
            scope[TRANSPORT_KEY] = transport
        await app(scope, receive, send)

    return wrapped


class DroppedConnection(Response):
    """Not an answer: the TCP connection is closed before any byte of a response is sent."""

    def __init__(self) -> None:
        super().__init__(status_code=0)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        transport = scope.get(TRANSPORT_KEY)
        if transport is None:
            # Not served by uvicorn: the best left is an exception, which the server turns into a 500.
            raise ConnectionAbortedError("the sandbox was asked to drop this connection")
        transport.close()
        # Let uvicorn learn that the connection is gone, so it does not try to answer on it.
        for _ in range(3):
            await asyncio.sleep(0)


async def faulted_answer(fault: dict[str, Any] | None) -> Response | None:
    """The answer a fault replaces the real one with; None to answer normally (after any latency)."""
    if fault is None:
        return None
    if fault["kind"] == "latency":
        await asyncio.sleep(float(fault["seconds"] or 0))
        return None
    if fault["kind"] == "http500":
        return PlainTextResponse("Internal Server Error", status_code=500)
    return DroppedConnection()
