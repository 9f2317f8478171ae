"""Compare what the API answered with what the catalogue documents for an outcome."""

from __future__ import annotations

from catalogue import Outcome
from harness.reporting.failures import outcome_failure
from harness.targets.billing_api import ApiExchange

_JSON_TYPE = {bool: "bool", int: "int", str: "string", type(None): "null", float: "float"}


def observed_code_type(exchange: ApiExchange) -> str:
    """The JSON type of error.code: int / string, "null" when error is null, "absent" without a JSON error."""
    body = exchange.json
    if not isinstance(body, dict) or "error" not in body:
        return "absent"
    if body["error"] is None:
        return "null"
    if not isinstance(body["error"], dict) or "code" not in body["error"]:
        return "absent"
    return _JSON_TYPE.get(type(body["error"]["code"]), type(body["error"]["code"]).__name__)


def mismatches(exchange: ApiExchange, expected: Outcome, *, unconfirmed_messages_bind: bool = True) -> list[str]:
    """Every way the answer differs from the documented outcome (empty when it matches). With
    unconfirmed_messages_bind False (a real service), a message the catalogue only infers is not a mismatch:
    see message_discrepancy."""
    problems = []
    if exchange.status != expected.http_status:
        problems.append(f"HTTP status {exchange.status}, documented {expected.http_status}")
    kind = observed_code_type(exchange)
    if kind != expected.code_json:
        problems.append(f"error.code is JSON {kind}, documented {expected.code_json}")
    if expected.code_json in ("int", "string"):
        if exchange.error_code != expected.code:
            problems.append(f"error.code {exchange.error_code!r}, documented {expected.code!r}")
        if exchange.error_message != expected.message and (unconfirmed_messages_bind or expected.message_confirmed):
            problems.append(f"error.message {exchange.error_message!r}, documented {expected.message!r}")
    return problems


def message_discrepancy(exchange: ApiExchange, expected: Outcome) -> str | None:
    """When the service's message differs from one the catalogue only inferred: both texts, for the catalogue
    to learn from; None when they agree or the catalogue's message is confirmed (then it is a mismatch)."""
    if expected.code_json not in ("int", "string") or expected.message_confirmed:
        return None
    if exchange.error_code != expected.code or exchange.error_message == expected.message:
        return None
    return f"the service says {exchange.error_message!r}, the catalogue infers {expected.message!r}"


def failure_message(expected: Outcome, problems: list[str]) -> str:
    """One line that Allure's categories can sort by surface and family."""
    return outcome_failure(expected, "; ".join(problems))
