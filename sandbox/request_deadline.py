"""A deadline for receiving each request: headers and body must arrive within a set time, or the connection closes."""

from __future__ import annotations

import asyncio
import json
import logging

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from sandbox.request_guard import TIMED_OUT_KEY

LOG = logging.getLogger("sandbox")
DEFAULT_REQUEST_TIMEOUT_SECONDS = 30.0


def timeout_answer(seconds: float) -> bytes:
    """HTTP 408 with the control API's error shape and `Connection: close`, written straight to the socket."""
    body = json.dumps(
        {"error": f"the request did not arrive complete within {seconds:g} s; send the whole request at once."}
    ).encode()
    head = (
        "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode() + body


class DeadlineH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline that runs from a request's first byte (or the connection's
    start) until its body is complete; uvicorn itself waits for a partial request forever."""

    deadline_seconds = DEFAULT_REQUEST_TIMEOUT_SECONDS

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._deadline: asyncio.TimerHandle | None = None
        self._partial = False
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._deadline is None and (self.cycle is None or self.cycle.response_complete):
            self._arm()
        self._partial = True
        super().data_received(data)
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete and not cycle.more_body:
            self._disarm()  # the whole request is in; how long the answer takes is the app's business

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        self._partial = False
        super().on_response_complete()

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.deadline_seconds, self._expired)

    def _disarm(self) -> None:
        if getattr(self, "_deadline", None) is not None:
            self._deadline.cancel()  # type: ignore[union-attr]
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        in_flight = cycle is not None and not cycle.response_complete
        if in_flight:
            cycle.scope[TIMED_OUT_KEY] = True  # type: ignore[index, union-attr]
        # Answer only while no answer has begun: before the headers are in, or while the body is awaited.
        answerable = self.conn.our_state in (h11.IDLE, h11.SEND_RESPONSE) and not (
            in_flight and cycle.response_started  # type: ignore[union-attr]
        )
        if self._partial and answerable:
            LOG.warning(
                "%s: the request was not complete within %g s; answered 408 and closed the connection",
                self._peer(),
                self.deadline_seconds,
            )
            self.transport.write(timeout_answer(self.deadline_seconds))
        self.transport.close()

    def _peer(self) -> str:
        return f"{self.client[0]}:{self.client[1]}" if self.client else "a client"


def deadline_protocol(seconds: float) -> type[DeadlineH11Protocol]:
    """The protocol class uvicorn builds its connections from, with this deadline."""
    return type("DeadlineH11Protocol", (DeadlineH11Protocol,), {"deadline_seconds": seconds})
