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

from harness.core.redaction import redact_json, redact_text
from harness.merchant.checks import TITLES, CheckResult
from harness.reporting.evidence import attach_json

USER_PROPERTY = "rp_merchant_check"
PROFILE_PROPERTY = "rp_merchant_profile"


def record_check(request: pytest.FixtureRequest, result: CheckResult, secrets: Sequence[str] = ()) -> None:
    """Attach a check's result to the scenario (it travels to the xdist controller with the report) and to
    Allure, labelled with the check and the party responsible; a failed check fails the scenario."""
    request.node.user_properties.append((USER_PROPERTY, json.dumps(result.as_dict(), ensure_ascii=False)))
    allure.dynamic.label("check", result.check)
    allure.dynamic.label("responsible", result.responsible)
    attach_json(f"verdict: {result.check} — {result.status}", result.as_dict(), secrets)
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
            status = "skipped" if report.skipped else "fail"
            results = [{"check": check, "title": TITLES.get(check, check), "status": status,
                        "responsible": "merchant page", "messages": [message], "evidence": []}]
        for result in results:
            result["scenario"] = report.nodeid
            if report.failed and result["status"] in ("pass", "finding"):
                result["status"] = "fail"  # the scenario failed for a reason the check did not record
            entry["checks"].append(result)

    def write(self, folder: Path, gateway: str) -> Path | None:
        if not self.profiles:
            return None
        for entry in self.profiles.values():
            entry["verdict"] = "fail" if any(c["status"] == "fail" for c in entry["checks"]) else "pass"
        verdict = {"generated": datetime.now(UTC).isoformat(timespec="seconds"), "gateway": gateway,
                   "profiles": list(self.profiles.values())}
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "merchant-verdict.json"
        path.write_text(json.dumps(redact_json(verdict), ensure_ascii=False, indent=2), encoding="utf-8")
        return path


def _reason(report: pytest.TestReport) -> str:
    """The one line that says why a scenario without a recorded check failed or was skipped."""
    if isinstance(report.longrepr, tuple):  # a skip: (path, line, "Skipped: reason")
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None and crash.message:
        return crash.message.splitlines()[0]
    text = str(report.longrepr or report.outcome).strip()
    return text.splitlines()[-1] if text else report.outcome
