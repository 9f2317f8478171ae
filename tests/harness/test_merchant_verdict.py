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


def test_a_scenario_that_broke_before_its_check_is_inconclusive_without_raw_exception_text(tmp_path: Path) -> None:
    collector = VerdictCollector()
    raw = "playwright._impl._errors.Error: Page.fill: Error: Element is not an <input>, <textarea> or <select>"
    crash = SimpleNamespace(reprcrash=SimpleNamespace(message=raw))
    collector.pytest_runtest_logreport(report("failed", keywords=("tokenizer_origin",), longrepr=crash))
    collector.pytest_runtest_logreport(report("skipped", keywords=("errors_handled",),
                                              longrepr=("f.py", 1, "Skipped: Cancel exists only in popup mode.")))
    profile = json.loads(collector.write(tmp_path, "sandbox").read_text())["profiles"][0]
    checks = profile["checks"]
    assert checks[0]["check"] == "tokenizer-origin" and checks[0]["status"] == "error"
    assert "Page.fill" not in checks[0]["messages"][0] and "Error" in checks[0]["messages"][0]
    assert checks[0]["responsible"] != "merchant page"
    assert checks[1] == {**checks[1], "status": "skipped", "messages": ["Cancel exists only in popup mode."]}
    assert profile["verdict"] == "inconclusive"


def test_the_harness_own_sentence_is_kept(tmp_path: Path) -> None:
    collector = VerdictCollector()
    own = "harness.merchant.run.MerchantPageError: the page has no card input '#cn': fix the profile's [selectors]."
    collector.pytest_runtest_logreport(report("failed", keywords=("inputs_cleared",),
                                              longrepr=SimpleNamespace(reprcrash=SimpleNamespace(message=own))))
    checks = json.loads(collector.write(tmp_path, "sandbox").read_text())["profiles"][0]["checks"]
    assert checks[0]["messages"] == ["the page has no card input '#cn': fix the profile's [selectors]."]


def test_a_profile_whose_checks_were_all_skipped_is_inconclusive(tmp_path: Path) -> None:
    collector = VerdictCollector()
    for check in ("tokencreate_parameters", "errors_handled"):
        collector.pytest_runtest_logreport(report("skipped", keywords=(check,), longrepr=("f.py", 1, "Skipped: x")))
    assert json.loads(collector.write(tmp_path, "sandbox").read_text())["profiles"][0]["verdict"] == "inconclusive"


def test_an_inconclusive_check_makes_the_profile_inconclusive_not_pass(tmp_path: Path) -> None:
    collector = VerdictCollector()
    collector.pytest_runtest_logreport(report("passed", CheckResult("tokenizer-origin")))
    unknown = CheckResult("inputs-cleared")
    unknown.error("the purchase never submitted: the page threw before calling the tokenizer.")
    collector.pytest_runtest_logreport(report("failed", unknown))
    profile = json.loads(collector.write(tmp_path, "sandbox").read_text())["profiles"][0]
    assert profile["verdict"] == "inconclusive"
    assert [c["status"] for c in profile["checks"]] == ["pass", "error"]
    assert profile["inconclusive"] == ["the purchase never submitted: the page threw before calling the tokenizer."]


def test_no_merchant_scenario_writes_no_verdict(tmp_path: Path) -> None:
    assert VerdictCollector().write(tmp_path, "sandbox") is None
    assert not (tmp_path / "merchant-verdict.json").exists()
