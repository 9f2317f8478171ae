"""pytest plugin for the benchmark: repeat the selected scenarios, record each run's setup, call, teardown.

Loaded by bench_suite.py with `-p scenario_timer` (bench/ on PYTHONPATH). BENCH_REPEAT runs every
selected scenario that many times; BENCH_TIMINGS names the JSON file the timings go to.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

_runs: list[dict] = []


@pytest.fixture
def bench_repetition(request: pytest.FixtureRequest) -> int:
    return request.param


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Each repetition is its own item (as pytest-repeat does it), so every run sets up its fixtures anew.
    repeat = int(os.environ.get("BENCH_REPEAT", "1"))
    if repeat > 1:
        metafunc.fixturenames.append("bench_repetition")
        metafunc.parametrize("bench_repetition", range(repeat), indirect=True, ids=lambda n: f"run{n + 1}")


def pytest_runtest_logstart(nodeid: str) -> None:
    _runs.append({"nodeid": nodeid, "outcome": "passed", "setup": 0.0, "call": 0.0, "teardown": 0.0})


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    run = _runs[-1]
    run[report.when] += report.duration
    if report.failed:
        run["outcome"] = "failed"
    elif report.skipped and run["outcome"] == "passed":
        run["outcome"] = "skipped"


def pytest_sessionfinish() -> None:
    target = os.environ.get("BENCH_TIMINGS")
    if target:
        Path(target).write_text(json.dumps(_runs, indent=1), encoding="utf-8")
