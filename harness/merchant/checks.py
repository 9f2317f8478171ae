"""The merchant-page checks: each judges what one run observed and names the party responsible."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.core.card_data_guard import scan_text
from harness.core.submission_rule import card_data_outside_gateway, inputs_at_submit
from harness.merchant import script_inventory, security_headers

MERCHANT = "merchant page"
GATEWAY = "gateway"
UNDETERMINED = "not determined"
# The specification's TokenCreate parameter table (credit_card_token.md and credit_card_token_old.md) reads
# "| md | 支払い方法 <br> 「10」一括払い | 2 | 定型 | 必須 |", while the vendor's sample 2 and its current
# samples call TokenCreate without md: omitting it is reported, not failed.
MD_TABLE_ROW = "| md | 支払い方法 <br> 「10」一括払い | 2 | 定型 | 必須 |"

TITLES = {
    "inputs-cleared": "Every card input is empty when the submission leaves the browser",
    "no-card-data-leaves": "No card data leaves the browser for any origin but the gateway, nor stays behind",
    "errors-handled": "On a non-Success resultCode the merchant shows the message and submits nothing",
    "tokenizer-origin": "The tokenizer (CPToken) comes from the gateway host",
    "script-inventory": "Every script on the payment page is in the approved inventory (PCI DSS 6.4.3)",
    "security-headers": "The payment page's security headers match the approved baseline (PCI DSS 11.6.1)",
    "tokencreate-parameters": "The merchant calls the tokenizer with the documented parameters",
    "three-d-secure": "On a 3-D Secure page nothing reaches the merchant's submission without a successful "
                      "authentication of its token",
    "authenticate-parameters": "The merchant calls ThreeDSAdapter.authenticate with the documented parameters",
    "referrer-policy": "The payment page's referrer policy lets the gateway see its origin",
    "webhook-handler": "The merchant's webhook handler answers 2xx, accepts the same event twice and echoes no secret",
}


@dataclass
class CheckResult:
    """pass / fail / finding / skipped / error (inconclusive), one sentence per problem and the evidence behind it."""

    check: str
    status: str = "pass"
    responsible: str = MERCHANT
    messages: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return TITLES[self.check]

    def fail(self, message: str, responsible: str = MERCHANT) -> None:
        self.status = "fail"
        self.responsible = responsible
        self.messages.append(message)

    def error(self, message: str, evidence: Sequence[str] = ()) -> None:
        """Inconclusive: the purchase never reached the point this check judges; nobody is blamed."""
        if self.status != "fail":
            self.status = "error"
            self.responsible = UNDETERMINED
        self.messages.append(message)
        self.evidence.extend(evidence)

    def note(self, message: str) -> None:
        """A finding: reported, not failed (truncated card data the card rules allow, a missing baseline)."""
        if self.status == "pass":
            self.status = "finding"
        self.messages.append(message)

    def as_dict(self) -> dict[str, Any]:
        return {"check": self.check, "title": self.title, "status": self.status, "responsible": self.responsible,
                "messages": self.messages, "evidence": self.evidence}


def inputs_cleared(snapshots: Sequence[dict[str, Any]], secrets: Sequence[str] = (),
                   inconclusive: str = "", evidence: Sequence[str] = ()) -> CheckResult:
    """Every submission that went ahead had every card input empty at that instant; without a submission the
    check is inconclusive (inconclusive says why, evidence shows it), never failed."""
    result = CheckResult("inputs-cleared")
    if not snapshots:
        result.error(inconclusive or "no submission carried the token to the merchant, so clearing could not be "
                     "judged: check the profile's purchase selector, token selector and test card.", evidence)
        return result
    for seen in inputs_at_submit(snapshots, secrets):
        result.evidence.append(seen.evidence())
        if seen.filled:
            result.fail(seen.problem())
    return result


def no_card_data_leaves(requests: Sequence[Any], gateway_origin: str, console: Sequence[str],
                        socket_frames: Sequence[tuple[str, str]], cookies: Sequence[dict[str, Any]],
                        storage: dict[str, dict[str, str]], urls: Sequence[str], cards: Sequence[str],
                        security_codes: Sequence[str]) -> CheckResult:
    result = CheckResult("no-card-data-leaves")
    findings = card_data_outside_gateway(requests, gateway_origin, cards, security_codes)
    for socket_url, payload in socket_frames:
        findings += scan_text(payload, f"websocket message to {socket_url}", cards, security_codes)
    for line in console:
        findings += scan_text(line, "console output", cards, security_codes)
    for cookie in cookies:
        findings += scan_text(f"{cookie['name']}={cookie['value']}", f"cookie {cookie['name']!r} of "
                              f"{cookie.get('domain', '')}", cards, security_codes)
    for area, items in storage.items():
        for key, value in items.items():
            findings += scan_text(f"{key}: {value}", f"{area} key {key!r}", cards, security_codes)
    for url in dict.fromkeys(urls):
        findings += scan_text(url, "page URL or history entry", cards, security_codes)
    for finding in findings:
        line = f"{finding.detail} — in {finding.where}"
        if finding.severity == "violation":
            result.fail(f"card data exposed: {line}")
        else:
            result.note(f"truncated card data (allowed, reported): {line}")
    result.evidence.append(f"{len(requests)} requests, {len(console)} console lines, {len(socket_frames)} "
                           f"websocket messages, {len(cookies)} cookies, {sum(map(len, storage.values()))} "
                           f"storage entries and {len(set(urls))} URLs searched")
    return result


def errors_handled(code: str, message: str, shown_failure: bool, failure_text: str,
                   submissions: int) -> CheckResult:
    result = CheckResult("errors-handled")
    result.evidence.append(f"gateway answered {code}: {message!r}; merchant showed {failure_text!r}; "
                           f"{submissions} submission(s)")
    if submissions:
        result.fail(f"the merchant submitted the form although the gateway answered {code} "
                    f"({submissions} submission(s)); submit only when resultCode is \"Success\".")
    if not shown_failure:
        result.fail(f"the merchant showed no failure for {code}: the profile's failure criteria did not match; "
                    f"show errMsg ({message!r}) to the customer.")
    return result


def tokenizer_origin(sources: Sequence[str], gateway_origin: str) -> CheckResult:
    result = CheckResult("tokenizer-origin")
    result.evidence.extend(f"window.CPToken defined by {source}" for source in sources)
    if not sources:
        result.fail("no script defined window.CPToken on the payment page: load "
                    f"{gateway_origin}/gateway/js/CPToken.js.")
    for source in sources:
        if not source.startswith(gateway_origin + "/"):
            result.fail(f"CPToken was defined by a script from {source}, not the gateway {gateway_origin}: "
                        "load CPToken.js from the gateway host only.")
    return result


def script_inventory_check(observed: Sequence[script_inventory.ScriptRecord], approved_path: Path | None,
                           profile_path: Path) -> CheckResult:
    result = CheckResult("script-inventory")
    result.evidence.extend(f"{r.kind} {r.url or 'inline'} sha256={r.sha256} in {r.frame_url}" for r in observed)
    if approved_path is None:
        result.status = "skipped"
        result.messages.append(f"no approved inventory in {profile_path.name}: run `python -m harness.merchant.approve "
                               f"--merchant-profile {profile_path}` and have a person review it.")
        return result
    comparison = script_inventory.compare(observed, script_inventory.load_inventory(approved_path))
    for problem in comparison.problems():
        result.fail(problem)
    for missing in comparison.missing:
        result.note(f"approved script not seen this time: {missing.shown}; remove it from the inventory if the "
                    "page no longer loads it.")
    return result


def security_headers_check(headers: dict[str, str] | None, baseline_path: Path | None,
                           profile_path: Path) -> CheckResult:
    result = CheckResult("security-headers")
    if headers is None:
        result.fail("the payment page's own document response was not seen (a redirect to another address?): "
                    "give the page's final address as the profile's url.")
        return result
    observed = security_headers.snapshot(headers)
    result.evidence.extend(f"{name}: {value}" for name, value in observed.items())
    if baseline_path is None:
        result.status = "skipped"
        result.messages.append(f"no approved header baseline in {profile_path.name}: run `python -m "
                               f"harness.merchant.approve --merchant-profile {profile_path}` and have a person "
                               "review it.")
        return result
    for change in security_headers.compare(observed, security_headers.load_baseline(baseline_path)):
        result.fail(change.describe())
    return result


DOCUMENTED = {"custom": ("aid", "cn", "ed", "fn", "ln", "md"), "popup": ("aid",)}


def tokencreate_parameters(calls: Sequence[dict[str, Any]], mode: str, security_code: bool,
                           inconclusive: str = "", evidence: Sequence[str] = ()) -> CheckResult:
    result = CheckResult("tokencreate-parameters")
    calls = [c for c in calls if c.get("mode", "custom") == mode]
    if not calls:
        if inconclusive:
            result.error(inconclusive, evidence)
            return result
        result.fail(f"the sandbox saw no {mode}-mode tokenizer call from the page: call "
                    f"{'CPToken.TokenCreate' if mode == 'custom' else 'CPToken.CardInfo'} with the documented "
                    "parameters.")
        return result
    call = calls[-1]
    params = call.get("params", {})
    result.evidence.append("parameters: " + ", ".join(
        f"{name}={'present' if p.get('present') else 'missing'}/{'valid' if p.get('valid') else 'invalid'}"
        for name, p in params.items()))
    wanted = list(DOCUMENTED[mode]) + (["cvv"] if security_code and mode == "custom" else [])
    for name in wanted:
        state = params.get(name, {})
        if name == "md" and not state.get("present"):
            result.note(f"TokenCreate was called without md: the specification's parameter table marks it 必須 "
                        f"({MD_TABLE_ROW}), while the vendor's sample 2 and its current samples omit it; pass md "
                        "\"10\" (一括払い) to follow the table.")
        elif not state.get("present"):
            result.fail(f"TokenCreate was called without the documented parameter {name}; pass {name} as the "
                        "specification's table requires.")
        elif not state.get("valid"):
            result.fail(f"TokenCreate was called with an invalid {name}; see the specification's table.")
    return result
