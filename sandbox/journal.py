"""The journal: every billing API and gateway token request with its answer, secrets redacted."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox.clock import iso
from sandbox.context import SandboxContext
from sandbox.faults import DroppedConnection
from sandbox.redaction import redact, redact_text
from sandbox.request_body import NOT_JSON, parse_json

# Longer text bodies are kept only up to here (after redaction).
MAX_KEPT_CHARACTERS = 20_000


def record(
    context: SandboxContext,
    request: Request,
    endpoint: str,
    raw: bytes | None,
    response: Response,
    user_id: str | None = None,
    aid: str | None = None,
) -> Response:
    """Journal one exchange and give the response back, so a route can `return record(...)`."""
    status = None if isinstance(response, DroppedConnection) else response.status_code
    context.state.add_journal(
        {
            "time": iso(context.clock.now(aid)),
            "endpoint": endpoint,
            "method": request.method,
            "path": request.url.path,
            "status": status,
            "request": _kept(raw) if raw is not None else "(body of 9 MB or more, not kept)",
            "response": _kept(response.body) if status is not None and response.body else None,
            "user_id": user_id,
            "aid": aid,
        }
    )
    return response


def _kept(raw: bytes) -> Any:
    if len(raw) > 4 * MAX_KEPT_CHARACTERS:
        # Only the start is kept: redact a little more than that, so no digit run is cut before redaction.
        text = redact_text(raw[: MAX_KEPT_CHARACTERS + 64].decode("utf-8", errors="replace"))
        return text[:MAX_KEPT_CHARACTERS] + "…(cut)"
    value = parse_json(raw)
    if value is not NOT_JSON:
        kept = redact(value)
        if len(json.dumps(kept, ensure_ascii=False)) <= MAX_KEPT_CHARACTERS:
            return kept
        return redact_text(json.dumps(value, ensure_ascii=False))[:MAX_KEPT_CHARACTERS] + "…(cut)"
    text = redact_text(raw.decode("utf-8", errors="replace"))
    return text if len(text) <= MAX_KEPT_CHARACTERS else text[:MAX_KEPT_CHARACTERS] + "…(cut)"
