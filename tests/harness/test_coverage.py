"""The coverage report lists every catalogued outcome with the scenarios that exercised it."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import catalogue
from harness.reporting.coverage import USER_PROPERTY, CoverageCollector


def report(nodeid: str, outcome: str, *outcomes: str, when: str = "call") -> SimpleNamespace:
    return SimpleNamespace(nodeid=nodeid, outcome=outcome, when=when, passed=outcome == "passed",
                           user_properties=[(USER_PROPERTY, o) for o in outcomes])


def test_exercised_outcomes_carry_their_scenarios_and_the_rest_are_marked() -> None:
    collector = CoverageCollector()
    collector.pytest_runtest_logreport(report("steps/a.py::ok", "passed", "api:3401"))
    collector.pytest_runtest_logreport(report("steps/a.py::bad", "failed", "api:3402"))
    collector.pytest_runtest_logreport(report("steps/a.py::setup", "passed", "api:3403", when="setup"))
    rows = {(r["surface"], r["id"]): r for r in collector.build("sandbox", left_out_forced=False)["outcomes"]}
    assert rows[("api", "3401")]["status"] == "passed"
    assert rows[("api", "3401")]["scenarios"] == [{"scenario": "steps/a.py::ok", "outcome": "passed"}]
    assert rows[("api", "3402")]["status"] == "failed"
    assert rows[("api", "3403")]["status"] == "not exercised"  # a passing setup phase is not an exercise
    assert len(rows) == len(catalogue.outcomes())


def test_on_staging_forced_outcomes_are_left_out_not_missing() -> None:
    built = CoverageCollector().build("staging", left_out_forced=True)
    statuses = {r["id"]: r["status"] for r in built["outcomes"]}
    assert statuses["19"].startswith("left out")
    assert statuses["3401"] == "not exercised"


def test_written_files_mask_card_numbers_in_scenario_names(tmp_path: Path) -> None:
    collector = CoverageCollector()
    collector.pytest_runtest_logreport(
        report("steps/t.py::test[G1242G120000-a token for the magic card 4000000000001240]", "passed",
               "api:G1242G120000"))
    collector.write(tmp_path, "sandbox", left_out_forced=False)
    text = (tmp_path / "coverage.json").read_text() + (tmp_path / "coverage.md").read_text()
    assert "4000000000001240" not in text and "1240" in text
    assert json.loads((tmp_path / "coverage.json").read_text())["target"] == "sandbox"


def test_one_scenario_recording_a_code_twice_is_listed_once() -> None:
    collector = CoverageCollector()
    collector.pytest_runtest_logreport(report("steps/a.py::row", "failed", "api:3401", "api:3401"))
    rows = {(r["surface"], r["id"]): r for r in collector.build("sandbox", left_out_forced=False)["outcomes"]}
    assert rows[("api", "3401")]["scenarios"] == [{"scenario": "steps/a.py::row", "outcome": "failed"}]
