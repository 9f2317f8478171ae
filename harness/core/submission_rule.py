"""The specification's bold rule and its twin, coded once for both engines: every card input is empty at the
instant a submission leaves the browser, and no card data goes to any origin but the gateway."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from card_redaction import redact_text
from harness.core.card_data_guard import Finding, scan_request
from harness.core.submission_probe import SentRequest


@dataclass(frozen=True)
class InputAtSubmit:
    """One card input as it stood when a submission left (its value already redacted)."""

    selector: str
    shown: str
    filled: bool
    how: str

    def evidence(self) -> str:
        return f"{self.selector} = {self.shown!r} at {self.how}"

    def problem(self) -> str:
        return (f"card data exposed: input {self.selector} still held {self.shown!r} when the form was submitted "
                f"({self.how}); clear every card input before submitting.")


def inputs_at_submit(snapshots: Sequence[dict[str, Any]], secrets: Sequence[str] = ()) -> list[InputAtSubmit]:
    """Every card input of every submission that went ahead, as the probe saw it at that instant."""
    return [InputAtSubmit(field["selector"], redact_text(field["value"], secrets) if field["value"] else "",
                          bool(field["value"].strip()), snapshot["how"])
            for snapshot in snapshots for field in snapshot["inputs"]]


def filled_at_submit(snapshots: Sequence[dict[str, Any]], secrets: Sequence[str] = ()) -> list[str]:
    """One sentence per card input that still held a value when its submission left."""
    return [seen.problem() for seen in inputs_at_submit(snapshots, secrets) if seen.filled]


def card_data_outside_gateway(requests: Iterable[SentRequest], gateway_origin: str, cards: Sequence[str],
                              security_codes: Sequence[str]) -> list[Finding]:
    """What the card-data guard finds in every request that went anywhere but the gateway (violations and
    findings alike; truncated card data is a finding)."""
    findings: list[Finding] = []
    for request in requests:
        if request.origin != gateway_origin:
            findings += scan_request(request.url, request.method, request.headers, request.body, "request",
                                     cards=cards, security_codes=security_codes)
    return findings
