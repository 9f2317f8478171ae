"""How the billing API answers: catalogue outcomes as HTTP responses, and the error every handler raises."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.responses import JSONResponse, Response

import catalogue
from sandbox.clock import JST
from sandbox.context import SandboxContext


class ApiError(Exception):
    """The request is answered with this catalogue outcome (of `endpoint`'s own codes when one is given)."""

    def __init__(self, outcome_id: str, endpoint: str | None = None) -> None:
        super().__init__(outcome_id)
        self.outcome_id = outcome_id
        self.endpoint = endpoint

    def response(self) -> Response:
        if self.endpoint is not None:
            return endpoint_code_response(self.outcome_id, self.endpoint)
        return outcome_response(self.outcome_id)


def outcome_response(outcome_id: str) -> Response:
    """The billing API's answer for one catalogue outcome: its status, its JSON code type, its message."""
    entry = catalogue.outcome(outcome_id, "api")
    if entry.code_json == "absent":
        return Response(status_code=entry.http_status or 500)
    if entry.code_json == "null":
        return JSONResponse({"error": None}, status_code=entry.http_status or 200)
    return JSONResponse(
        {"error": {"code": entry.code, "message": entry.message}}, status_code=entry.http_status or 400
    )


def endpoint_code_response(code: str, endpoint: str) -> Response:
    """A request-level answer with one of bulk_upsert's or search's own codes."""
    entry = catalogue.endpoint_code(code, endpoint)
    return JSONResponse(
        {"error": {"code": entry.code, "message": entry.message}}, status_code=entry.http_status or 400
    )


def row_error(code: str, endpoint: str = "bulk_upsert") -> dict[str, Any]:
    """error_code / error_message of one answer row, from the catalogue."""
    entry = catalogue.endpoint_code(code, endpoint)
    return {"error_code": entry.code, "error_message": entry.message}


NO_ERROR: dict[str, Any] = {"error_code": None, "error_message": None}


def regist_date(context: SandboxContext, aid: str | None) -> str:
    """Now on the shop's sandbox clock, in Tokyo, as the API writes times."""
    return datetime.fromtimestamp(context.clock.now(aid), JST).strftime("%Y/%m/%d %H:%M:%S")
