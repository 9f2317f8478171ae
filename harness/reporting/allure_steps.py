"""pytest-bdd hooks that make each Gherkin step an Allure step and label each scenario.

We use allure-pytest (which also reports the project's plain pytest tests) rather than
allure-pytest-bdd (which reports only scenarios and cannot run beside allure-pytest); this
small plugin adds what allure-pytest-bdd would have given: one Allure step per Gherkin step.
"""

from __future__ import annotations

from typing import Any

import allure
import pytest

EPIC = "ROBOT PAYMENT card-token registration"
SPEC_URL = "https://apispec.billing-robo.jp/"  # the official API spec site (robot-payment.md)
SEVERITIES = {"blocker", "critical", "normal", "minor", "trivial"}

_open_step = pytest.StashKey[Any]()


def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    """Name the result after the scenario (and its Examples row) and label it; marks become tags already."""
    example = example_row(request)
    allure.dynamic.title(f"{scenario.name} — {' · '.join(example.values())}" if example else scenario.name)
    allure.dynamic.epic(EPIC)
    allure.dynamic.feature(feature.name)
    allure.dynamic.story(scenario.name)
    allure.dynamic.link(SPEC_URL, name="credit_card_token specification")
    allure.dynamic.severity(next((t for t in scenario.tags if t in SEVERITIES), "normal"))
    allure.dynamic.description("\n\n".join(filter(None, [feature.description, scenario.description])) or
                               scenario.name)


def example_row(request: pytest.FixtureRequest) -> dict[str, str]:
    """The scenario's Examples row (header → value), empty for a plain Scenario."""
    try:
        return dict(request.getfixturevalue("_pytest_bdd_example") or {})
    except pytest.FixtureLookupError:
        return {}


def pytest_bdd_before_step_call(request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any,
                                step_func: Any, step_func_args: dict[str, Any]) -> None:
    context = allure.step(f"{step.keyword} {step.name}")
    context.__enter__()
    request.node.stash[_open_step] = context


def pytest_bdd_after_step(request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any,
                          step_func: Any, step_func_args: dict[str, Any]) -> None:
    _close_step(request, None)


def pytest_bdd_step_error(request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any,
                          step_func: Any, step_func_args: dict[str, Any], exception: Exception) -> None:
    _close_step(request, exception)


def _close_step(request: pytest.FixtureRequest, exception: BaseException | None) -> None:
    context = request.node.stash.get(_open_step, None)
    if context is None:
        return
    del request.node.stash[_open_step]
    if exception is None:
        context.__exit__(None, None, None)
    else:
        context.__exit__(type(exception), exception, exception.__traceback__)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> None:
    """Close a Gherkin step left open by pytest.skip (pytest-bdd reports only exceptions as step errors)."""
    context = item.stash.get(_open_step, None)
    if context is None or call.when != "call":
        return
    del item.stash[_open_step]
    excinfo = call.excinfo
    context.__exit__(excinfo.type if excinfo else None, excinfo.value if excinfo else None,
                     excinfo.tb if excinfo else None)
