"""The journal: every billing API and gateway token request with its answer, secrets redacted."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from card_redaction import redact_json, redact_text
from sandbox.clock import iso
from sandbox.context import SandboxContext
from sandbox.faults import DroppedConnection
from sandbox.request_body import NOT_JSON, parse_json, plain_json

# Longer bodies are kept only up to here, always redacted before they are cut.
MAX_KEPT_CHARACTERS = 20_000
CUT = "…(cut)"
# The journal masks more than reports do: every 13–19 digit run and base64 hiding a card, 64 levels deep at most.
JOURNAL_REDACTION: dict[str, Any] = {"any_digit_run": True, "base64": True}
MAX_DEPTH = 64


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
            "request": kept(raw) if raw is not None else "(body of 9 MB or more, not kept)",
            "response": kept(response.body) if status is not None and response.body else None,
            "user_id": user_id,
            "aid": aid,
        }
    )
    return response


def kept(raw: bytes) -> Any:
    """What the journal keeps of a body: its JSON (or text), redacted, then cut at MAX_KEPT_CHARACTERS."""
    if len(raw) > 4 * MAX_KEPT_CHARACTERS:
        # Only the start is kept: redact a window well past the cut, so nothing is cut before redaction.
        text = redact_text(raw[: 4 * MAX_KEPT_CHARACTERS].decode("utf-8", errors="replace"), **JOURNAL_REDACTION)
        return text[:MAX_KEPT_CHARACTERS] + CUT
    value = parse_json(raw)
    if value is not NOT_JSON:
        redacted = redact_json(plain_json(value), max_depth=MAX_DEPTH, **JOURNAL_REDACTION)
        text = json.dumps(redacted, ensure_ascii=False)
        return redacted if len(text) <= MAX_KEPT_CHARACTERS else text[:MAX_KEPT_CHARACTERS] + CUT
    text = redact_text(raw.decode("utf-8", errors="replace"), **JOURNAL_REDACTION)
    return text if len(text) <= MAX_KEPT_CHARACTERS else text[:MAX_KEPT_CHARACTERS] + CUT
