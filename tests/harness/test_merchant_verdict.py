"""The merchant verdict gathers each profile's checks from scenario reports."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from harness.merchant.checks import CheckResult
from harness.reporting.verdict import PROFILE_PROPERTY, USER_PROPERTY, VerdictCollector

PROFILE = json.dumps({"profile": "p.toml", "name": "Shop", "url": "http://shop/", "mode": "custom"})


def report(outcome: str, result: CheckResult | None = None, keywords: tuple[str, ...] = (),
           longrepr: object = None) -> SimpleNamespace:
    props = [(PROFILE_PROPERTY, PROFILE)]
    if result:
        props.append((USER_PROPERTY, json.dumps(result.as_dict())))
    return SimpleNamespace(when="call", nodeid="steps/test_merchant_page.py::t", outcome=outcome,
                           failed=outcome == "failed", skipped=outcome == "skipped", user_properties=props,
                           keywords={k: 1 for k in keywords}, longrepr=longrepr)


def test_a_failed_check_makes_the_profile_fail(tmp_path: Path) -> None:
    collector = VerdictCollector()
    collector.pytest_runtest_logreport(report("passed", CheckResult("inputs-cleared")))
    bad = CheckResult("no-card-data-leaves")
    bad.fail("card data exposed: ****1111 in request body of POST http://shop/collect")
    collector.pytest_runtest_logreport(report("failed", bad))
    verdict = json.loads(collector.write(tmp_path, "sandbox").read_text())
    profile = verdict["profiles"][0]
    assert profile["verdict"] == "fail"
    assert [c["status"] for c in profile["checks"]] == ["pass", "fail"]
    assert profile["checks"][1]["responsible"] == "merchant page"


def test_a_scenario_that_broke_before_its_check_still_appears(tmp_path: Path) -> None:
    collector = VerdictCollector()
    collector.pytest_runtest_logreport(report("failed", keywords=("tokenizer_origin",), longrepr="E boom\nTimeout"))
    collector.pytest_runtest_logreport(report("skipped", keywords=("errors_handled",),
                                              longrepr=("f.py", 1, "Skipped: Cancel exists only in popup mode.")))
    checks = json.loads(collector.write(tmp_path, "sandbox").read_text())["profiles"][0]["checks"]
    assert checks[0]["check"] == "tokenizer-origin" and checks[0]["status"] == "fail"
    assert checks[1] == {**checks[1], "status": "skipped", "messages": ["Cancel exists only in popup mode."]}


def test_no_merchant_scenario_writes_no_verdict(tmp_path: Path) -> None:
    assert VerdictCollector().write(tmp_path, "sandbox") is None
    assert not (tmp_path / "merchant-verdict.json").exists()
