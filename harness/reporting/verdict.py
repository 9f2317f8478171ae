"""The merchant verdict: each check of each profile, pass / fail / finding, with evidence and who is responsible."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import allure
import pytest

from card_redaction import redact_json, redact_text
from harness.merchant.checks import TITLES, CheckResult
from harness.reporting.evidence import attach_json

USER_PROPERTY = "rp_merchant_check"
PROFILE_PROPERTY = "rp_merchant_profile"
# Exceptions whose message the harness wrote as one sentence for the reader; any other is summarised.
OWN_SENTENCES = ("MerchantPageError", "NotProvokable", "CheckInconclusive", "ProfileError")


class CheckInconclusive(Exception):
    """A check that could not judge the page (status error): the scenario is broken, not failed, and nobody is
    blamed; the message is the check's one sentence."""


def record_check(request: pytest.FixtureRequest, result: CheckResult, secrets: Sequence[str] = ()) -> None:
    """Attach a check's result to the scenario (it travels to the xdist controller with the report) and to
    Allure, labelled with the check and the party responsible; a failed check fails the scenario."""
    request.node.user_properties.append((USER_PROPERTY, json.dumps(result.as_dict(), ensure_ascii=False)))
    allure.dynamic.label("check", result.check)
    allure.dynamic.label("responsible", result.responsible)
    attach_json(f"verdict: {result.check} — {result.status}", result.as_dict(), secrets)
    if result.status == "error":
        raise CheckInconclusive(" ".join(result.messages))
    assert result.status != "fail", f"[{result.responsible}] " + " ".join(result.messages)


def record_profile(request: pytest.FixtureRequest, profile: dict[str, str]) -> None:
    """The profile a merchant scenario verifies: in the verdict, and as the scenario's Allure parent suite."""
    request.node.user_properties.append((PROFILE_PROPERTY, json.dumps(profile, ensure_ascii=False)))
    allure.dynamic.parent_suite(f"Merchant page: {profile['name']}")


def check_of(keywords: Any) -> str | None:
    """The check a merchant scenario verifies, from its tag (@inputs_cleared → inputs-cleared)."""
    for check in TITLES:
        if check.replace("-", "_") in keywords:
            return check
    return None


@dataclass(eq=False)  # registered as a pytest plugin, which must be hashable
class VerdictCollector:
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call" and not (report.when == "setup" and report.failed):
            return
        props = dict(report.user_properties)
        if PROFILE_PROPERTY not in props:
            return
        profile = json.loads(props[PROFILE_PROPERTY])
        entry = self.profiles.setdefault(profile["profile"], {**profile, "checks": []})
        results = [json.loads(v) for k, v in report.user_properties if k == USER_PROPERTY]
        if not results:
            check = check_of(report.keywords) or "unknown"
            message = redact_text(_reason(report))
            status = "skipped" if report.skipped else "error"
            results = [{"check": check, "title": TITLES.get(check, check), "status": status,
                        "responsible": "not determined", "messages": [message], "evidence": []}]
        for result in results:
            result["scenario"] = report.nodeid
            if report.failed and result["status"] in ("pass", "finding"):
                result["status"] = "error"  # the scenario broke after its check recorded: not the page's fault
            entry["checks"].append(result)

    def write(self, folder: Path, gateway: str) -> Path | None:
        if not self.profiles:
            return None
        for entry in self.profiles.values():
            entry["verdict"] = profile_verdict([c["status"] for c in entry["checks"]])
            # Why the profile is inconclusive, each reason once however many checks it stopped.
            entry["inconclusive"] = list(dict.fromkeys(m for c in entry["checks"] if c["status"] == "error"
                                                       for m in c["messages"]))
        verdict = {"generated": datetime.now(UTC).isoformat(timespec="seconds"), "gateway": gateway,
                   "profiles": list(self.profiles.values())}
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "merchant-verdict.json"
        path.write_text(json.dumps(redact_json(verdict), ensure_ascii=False, indent=2), encoding="utf-8")
        return path


def profile_verdict(statuses: Sequence[str]) -> str:
    """fail when a check failed; inconclusive when one could not judge, or none judged at all (all skipped);
    pass otherwise."""
    if "fail" in statuses:
        return "fail"
    if "error" in statuses or not any(status in ("pass", "finding") for status in statuses):
        return "inconclusive"
    return "pass"


def _reason(report: pytest.TestReport) -> str:
    """The one sentence that says why a scenario without a recorded check broke or was skipped: the harness's
    own sentence when it wrote one, never a raw exception text."""
    if isinstance(report.longrepr, tuple):  # a skip: (path, line, "Skipped: reason")
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    crash = getattr(report.longrepr, "reprcrash", None)
    message = crash.message if crash is not None and crash.message else str(report.longrepr or "")
    first = message.strip().splitlines()[0] if message.strip() else ""
    kind, _, text = first.partition(": ")
    if kind.rsplit(".", 1)[-1] in OWN_SENTENCES and text:
        return text
    shown = kind.rsplit(".", 1)[-1] if text and " " not in kind else "an unexpected error"
    return (f"the check could not judge the page: the scenario stopped with {shown} before it reached its check; "
            "see the scenario's screenshot and trace in the report.")
