"""The files Allure reads beside the results, and that failure messages land in the right category."""

from __future__ import annotations

import json
import re
from pathlib import Path

import catalogue
from harness.reporting.failures import categories
from harness.reporting.report_files import write_report_files
from harness.suites.outcome_check import failure_message


def category_of(message: str) -> str | None:
    for category in categories():
        if re.match(category["messageRegex"], message):
            return category["name"]
    return None


def test_code_failures_land_in_their_family_and_exposures_in_their_own() -> None:
    assert category_of(failure_message(catalogue.outcome("3401", "api"), ["x"])) == "api — individual codes"
    assert category_of("[api:payment ER584] error.code 'ER585'") == "api — payment codes"
    assert category_of("card data exposed: input #cn still held '****1111'") == "card data exposed"
    assert category_of("the billing API at http://x did not answer (ConnectError)") == (
        "environment / target unreachable")


def test_environment_executor_and_categories_are_written(tmp_path: Path) -> None:
    write_report_files(tmp_path, {"name": "sandbox", "api_base": "http://127.0.0.1:1"}, "executable: /usr/bin/x")
    env = (tmp_path / "environment.properties").read_text()
    assert "target=sandbox" in env and "browser=executable: /usr/bin/x" in env
    assert json.loads((tmp_path / "executor.json").read_text())["name"]
    assert len(json.loads((tmp_path / "categories.json").read_text())) == len(categories())


def test_internal_fixtures_are_pruned_but_evidence_and_failures_stay(tmp_path: Path) -> None:
    from harness.reporting.report_files import prune_internal_fixtures

    container = {"uuid": "c", "children": ["t"], "befores": [
        {"name": "rp_target", "status": "passed"},
        {"name": "_pytest_bdd_example", "status": "passed"},
        {"name": "rp_browser", "status": "broken", "statusDetails": {"message": "no Chromium"}},
    ], "afters": [
        {"name": "rp_new_context::0", "status": "passed", "attachments": [{"name": "trace", "source": "x.zip"}]},
        {"name": "ctx::<lambda>", "status": None},
    ]}
    (tmp_path / "c-container.json").write_text(json.dumps(container))
    assert prune_internal_fixtures(tmp_path) == 3
    kept = json.loads((tmp_path / "c-container.json").read_text())
    assert [s["name"] for s in kept["befores"]] == ["rp_browser"]
    assert [s["name"] for s in kept["afters"]] == ["rp_new_context::0"]


def test_the_summary_names_profiles_and_the_coverage_headline(tmp_path: Path) -> None:
    from harness.reporting.coverage import coverage_headline

    report = {"outcomes": [{"status": "passed", "scenarios": [1]}, {"status": "failed", "scenarios": [1]},
                           {"status": "not exercised", "scenarios": []}]}
    headline = coverage_headline(report)
    assert headline.startswith("2 of 3 catalogued codes exercised (1 passed, 1 failed)")
    write_report_files(tmp_path, {"name": "sandbox"}, "x", {"merchant.profiles": "Our checkout", "coverage": headline})
    props = (tmp_path / "environment.properties").read_text(encoding="utf-8")
    assert "merchant.profiles=Our checkout" in props and "coverage=2 of 3" in props
