"""Judge a form submission: card inputs empty when it left, a token in it, no card data in anything sent."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from card_redaction import redact_text
from harness.core.card_data_guard import Finding, scan_text
from harness.core.submission_probe import SentRequest
from harness.core.submission_rule import card_data_outside_gateway, filled_at_submit

CARD_FIELD_NAMES = ("cn", "ed", "ed_year", "ed_month", "fn", "ln", "cvv")


@dataclass(frozen=True)
class SubmissionVerdict:
    """What a reviewer needs to see about a submission, already redacted."""

    snapshots: list[dict[str, Any]]
    fields: dict[str, list[str]]
    dom_problems: list[str]
    body_problems: list[str]

    @property
    def problems(self) -> list[str]:
        return self.dom_problems + self.body_problems

    def evidence(self) -> dict[str, Any]:
        return {"dom_at_submit": self.snapshots, "submitted_fields": self.fields, "problems": self.problems}


def form_fields(request: SentRequest) -> dict[str, list[str]]:
    return parse_qs(request.body or "", keep_blank_values=True)


def judge_submission(snapshots: Sequence[dict[str, Any]], request: SentRequest | None, token_field: str = "tkn",
                     secrets: Sequence[str] = ()) -> SubmissionVerdict:
    """Every card input empty at each submit that went ahead; no card field with a value in the body; a token."""
    dom: list[str] = []
    if not snapshots:
        dom.append("no form submission was seen in the page")
    dom += filled_at_submit(snapshots, secrets)
    body: list[str] = []
    fields: dict[str, list[str]] = {}
    if request is None:
        body.append("no submission request left the browser for the merchant")
    else:
        fields = form_fields(request)
        for name in CARD_FIELD_NAMES:
            if any(value.strip() for value in fields.get(name, [])):
                body.append(f"card data exposed: the submitted body carries a value for {name!r}")
        if not any(value.strip() for value in fields.get(token_field, [])):
            body.append(f"the submitted body carries no {token_field!r} token")
    shown = {k: [redact_text(v, secrets) for v in vs] for k, vs in fields.items()}
    if token_field in shown:
        shown[token_field] = [f"<token of {len(v)} characters>" for v in fields[token_field]]
    return SubmissionVerdict([_redacted_snapshot(snap, secrets) for snap in snapshots], shown, dom, body)


def card_leaks(requests: Iterable[SentRequest], gateway_origin: str, cards: Sequence[str],
               security_codes: Sequence[str]) -> list[Finding]:
    """Violations in every request that went anywhere but the gateway."""
    findings = card_data_outside_gateway(requests, gateway_origin, cards, security_codes)
    return [f for f in findings if f.severity == "violation"]


def received_leaks(submissions: Iterable[dict[str, Any]], cards: Sequence[str],
                   security_codes: Sequence[str]) -> list[str]:
    """What the merchant's server received beyond the token, or card data inside it."""
    problems = []
    for submission in submissions:
        extra = sorted(name for name, value in submission["fields"].items()
                       if name != "tkn" and str(value).strip())
        if extra:
            problems.append(f"card data exposed: the merchant's server received fields {extra} besides tkn")
        text = " ".join(f"{k}={v}" for k, v in submission["fields"].items())
        for finding in scan_text(text, "merchant server", cards, security_codes):
            if finding.severity == "violation":
                problems.append(f"card data exposed: {finding.detail} ({finding.where})")
    return problems


def _redacted_snapshot(snapshot: dict[str, Any], secrets: Sequence[str]) -> dict[str, Any]:
    inputs = [{**field, "value": redact_text(field["value"], secrets) if field["value"] else ""}
              for field in snapshot["inputs"]]
    return {**snapshot, "inputs": inputs, "fields": [[k, "<token>" if k == "tkn" and v else redact_text(v, secrets)]
                                                     for k, v in snapshot.get("fields", [])]}
