"""Who may drive the control API (/_sandbox/): only a caller that knows the run's token and calls the
sandbox by an address it serves — never a web page, which cannot add the header without a CORS preflight."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

CONTROL_PREFIX = "/_sandbox/"
CONTROL_HEADER = "X-RP-Sandbox-Control"
HEALTH_PATH = "/_sandbox/health"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def new_control_token() -> str:
    return secrets.token_urlsafe(24)


def served_hosts(host: str, port: int, extra: Iterable[str] = ()) -> frozenset[str]:
    """The Host values the control API accepts: loopback names and the bound address with the port, and
    any extra Host value given whole (name or name:port)."""
    bound = f"[{host}]" if ":" in host else host
    return frozenset(name.lower() for name in (*(f"{n}:{port}" for n in (*LOOPBACK_NAMES, bound)), *extra))


class ControlAccess:
    """ASGI middleware: a /_sandbox/ request needs the token header, a served Host (unless any host is
    allowed) and, with a body, Content-Type application/json; anything else is answered 403 or 415."""

    def __init__(self, app: ASGIApp, token: str, hosts: frozenset[str] | None) -> None:
        self.app, self.token, self.hosts = app, token, hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(CONTROL_PREFIX):
            refusal = self.refusal(scope)
            if refusal is not None:
                status, sentence = refusal
                await JSONResponse({"error": sentence}, status_code=status)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        host = headers.get("host", "").strip().lower()
        if self.hosts is not None and host not in self.hosts:
            where = ", ".join(sorted(self.hosts))
            return 403, f"the control API answers only at {where}; call it by one of those addresses (Host {host!r})."
        if scope["path"] == HEALTH_PATH and scope["method"] in ("GET", "HEAD"):
            return None  # a liveness probe reads nothing and changes nothing
        given = headers.get(CONTROL_HEADER.lower(), "")
        if not secrets.compare_digest(given.encode("latin-1"), self.token.encode("latin-1")):
            return 403, (
                f"control requests need the header {CONTROL_HEADER} with the sandbox's control token "
                "(printed at start as 'control-token: ...', or SandboxServer.control_token); add it."
            )
        media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        has_body = headers.get("content-length", "0").strip() not in ("0", "") or "transfer-encoding" in headers
        if has_body and media_type != "application/json":
            return 415, "send control bodies as JSON with Content-Type: application/json."
        return None
