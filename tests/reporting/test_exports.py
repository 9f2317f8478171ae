"""The exports test-management tools import: JUnit XML and Cucumber JSON hold every scenario under `-n 2`."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from harness.reporting.cucumber_json import mask_junit, masked

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# A small subset of the real features (six scenarios, two of them Examples rows): light on CPU.
SUBSET = ["steps/test_popup_mode.py"]


def pytest_run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", *SUBSET, "-p", "no:cacheprovider", *args],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600,
    )


@pytest.fixture(scope="module")
def collected() -> set[str]:
    """The scenarios' test names as pytest collects them."""
    listing = pytest_run("--collect-only", "-q")
    assert listing.returncode == 0, listing.stdout + listing.stderr
    names = {line.split("::", 1)[1] for line in listing.stdout.splitlines() if "::" in line}
    assert len(names) >= 4, listing.stdout
    return names


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exports")
    run = pytest_run("-n", "2", "--reports-dir", str(folder), "--junitxml", str(folder / "junit.xml"),
                     "--cucumberjson", str(folder / "cucumber.json"))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return folder


def test_junit_xml_holds_every_scenario(exports: Path, collected: set[str]) -> None:
    cases = ElementTree.parse(exports / "junit.xml").getroot().iter("testcase")
    assert sorted(case.get("name", "") for case in cases) == sorted(collected)


def test_cucumber_json_holds_every_scenario_with_its_steps_under_parallel_workers(
    exports: Path, collected: set[str]
) -> None:
    features = json.loads((exports / "cucumber.json").read_text(encoding="utf-8"))
    scenarios = [scenario for feature in features for scenario in feature["elements"]]
    assert sorted(scenario["id"] for scenario in scenarios) == sorted(collected)
    assert {feature["uri"] for feature in features} == {"features/popup_mode.feature"}
    for scenario in scenarios:
        assert scenario["steps"], scenario["id"]
        assert {step["result"]["status"] for step in scenario["steps"]} == {"passed"}, scenario["id"]


def test_card_numbers_in_step_text_are_masked_as_in_the_allure_results(exports: Path) -> None:
    features = json.loads((exports / "cucumber.json").read_text(encoding="utf-8"))
    steps = [step["name"] for feature in features for scenario in feature["elements"] for step in scenario["steps"]]
    # The Examples row of ER014 types the card number 4444333322221112 into the gateway's form.
    assert any('card number "****1112"' in step for step in steps), steps
    assert not any("4444333322221112" in step for step in steps)


def test_junit_masking_keeps_test_names_and_masks_what_the_run_wrote(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">'
        '<testcase classname="steps.test_api" name="test_decline[a token for the magic card 4000000000001240]">'
        '<failure message="card 4444333322221111 still in #cn">cn=4444333322221111</failure>'
        "<system-out>typed 4444 3333 2222 1111</system-out></testcase></testsuite></testsuites>",
        encoding="utf-8",
    )
    mask_junit(junit)
    case = ElementTree.parse(junit).getroot().find(".//testcase")
    assert case is not None
    assert case.get("name") == "test_decline[a token for the magic card 4000000000001240]"
    failure, output = case.find("failure"), case.find("system-out")
    assert failure is not None and output is not None
    assert "4444333322221111" not in (failure.get("message") or "") + (failure.text or "")
    assert "1111" in (failure.get("message") or "") and "4444 3333 2222 1111" not in (output.text or "")


def test_cucumber_masking_keeps_scenario_ids_and_durations() -> None:
    step = {"name": "card 4444333322221111", "result": {"status": "passed", "duration": 4000000000001240}}
    scenario = {"id": "test_x[4000000000001240]", "name": "card 4000000000001240", "steps": [step]}
    clean = masked([{"id": "f", "elements": [scenario]}])[0]["elements"][0]
    assert clean["id"] == scenario["id"]
    assert "4000000000001240" not in clean["name"] and "4444333322221111" not in clean["steps"][0]["name"]
    assert clean["steps"][0]["result"]["duration"] == 4000000000001240
