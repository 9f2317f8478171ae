"""Complete `--cucumberjson` under pytest-xdist, and card numbers masked in the Cucumber JSON and JUnit XML exports.

Masking spares the identifiers (a JUnit testcase's name and classname, a Cucumber scenario's id): they stay
the pytest test names, so a tool can match them to the tests and re-run them.

pytest-bdd's Cucumber JSON writer (pytest_bdd.cucumber_json) runs on the xdist controller and finds each
scenario in `pytest_bdd.reporting.test_report_context_registry`, a WeakKeyDictionary filled in the process
that ran the test. A report from a worker reaches the controller as a new object rebuilt from its
`__dict__`, so the registry has nothing for it and the file is written empty. Here each worker copies the
scenario into the report itself (plain JSON data, which xdist carries), and the controller puts it back in
the registry before pytest-bdd's writer reads it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd.reporting import ReportContext, test_report_context_registry

from card_redaction import redact_text

SCENARIO_ATTRIBUTE = "rp_bdd_report_context"
UNMASKED_JSON_KEYS = ("id",)
UNMASKED_TESTCASE_ATTRIBUTES = ("name", "classname")


def _exports(config: pytest.Config) -> tuple[str | None, str | None]:
    return getattr(config.option, "cucumber_json_path", None), getattr(config.option, "xmlpath", None)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """In a worker, after pytest-bdd has filed the scenario: carry it in the report to the controller."""
    report = yield
    if hasattr(item.config, "workerinput") and _exports(item.config)[0]:
        context = test_report_context_registry.get(report)
        if context is not None:
            setattr(report, SCENARIO_ATTRIBUTE, {"scenario": context.scenario, "name": context.name})
    return report


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """On the controller, before pytest-bdd's writer looks: file a worker's scenario where the writer looks."""
    carried = getattr(report, SCENARIO_ATTRIBUTE, None)
    if isinstance(carried, dict) and report not in test_report_context_registry:
        test_report_context_registry[report] = ReportContext(scenario=carried["scenario"], name=carried["name"])


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """After both exports are written (at session finish): mask card numbers in them, as in the Allure results."""
    if hasattr(config, "workerinput"):
        return
    cucumber, junit = _exports(config)
    if cucumber and Path(cucumber).is_file():
        path = Path(cucumber)
        path.write_text(json.dumps(masked(json.loads(path.read_text(encoding="utf-8"))), ensure_ascii=False),
                        encoding="utf-8")
    if junit and Path(junit).is_file():
        mask_junit(Path(junit))


def masked(value: Any, key: str | None = None) -> Any:
    """Every string of a JSON value with card numbers masked, but a scenario's id; numbers are left alone."""
    if isinstance(value, str):
        return value if key in UNMASKED_JSON_KEYS else redact_text(value)
    if isinstance(value, list):
        return [masked(item) for item in value]
    if isinstance(value, dict):
        return {name: masked(item, name) for name, item in value.items()}
    return value


def mask_junit(path: Path) -> None:
    """Card numbers masked in every text and attribute of a JUnit XML file but its testcases' names."""
    tree = ElementTree.parse(path)
    before = ElementTree.tostring(tree.getroot())
    for element in tree.iter():
        for name, value in list(element.attrib.items()):
            if not (element.tag == "testcase" and name in UNMASKED_TESTCASE_ATTRIBUTES):
                element.set(name, redact_text(value))
        element.text = redact_text(element.text) if element.text else element.text
        element.tail = redact_text(element.tail) if element.tail else element.tail
    if ElementTree.tostring(tree.getroot()) != before:
        tree.write(path, encoding="utf-8", xml_declaration=True)
