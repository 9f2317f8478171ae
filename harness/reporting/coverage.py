"""Which catalogued outcomes the run exercised, with which scenarios and how they ended."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import allure
import pytest

import catalogue
from card_redaction import redact_json

USER_PROPERTY = "rp_outcome"


def record_outcome(request: pytest.FixtureRequest, outcome_id: str, surface: str) -> None:
    """Note that this scenario drove the target into a catalogued outcome (travels to the xdist controller)."""
    entry = catalogue.outcome(outcome_id, surface)  # an id not in the catalogue is a harness bug: fail loudly
    request.node.user_properties.append((USER_PROPERTY, f"{surface}:{outcome_id}"))
    allure.dynamic.label("code", f"{surface} {entry.id}")
    allure.dynamic.label("code family", f"{surface} {entry.family}")


# The Examples columns that name a catalogued outcome, and the surface each names it on ("code" on the
# feature's own surface: api for the registration API, the gateway's callback otherwise).
EXAMPLE_COLUMNS = {"answer": "authenticate", "result": "api"}


def record_example_outcomes(request: pytest.FixtureRequest, row: dict[str, str], tags: set[str]) -> None:
    """An Examples row naming codes counts for them from the start, so a row that fails before its Then step
    shows in the coverage report as failed, not as not exercised."""
    if row.get("code"):
        record_outcome(request, row["code"], "api" if "api" in tags else "gateway")
    for column, surface in EXAMPLE_COLUMNS.items():
        if row.get(column):
            record_outcome(request, row[column], surface)


@dataclass(eq=False)  # registered as a pytest plugin, which must be hashable
class CoverageCollector:
    """Collects outcome records from test reports, on the controller when xdist runs workers."""

    exercised: dict[str, list[dict[str, str]]] = field(default_factory=lambda: defaultdict(list))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call" and not (report.when == "setup" and not report.passed):
            return
        for name, value in report.user_properties:
            if name == USER_PROPERTY and all(r["scenario"] != report.nodeid for r in self.exercised[value]):
                self.exercised[value].append({"scenario": report.nodeid, "outcome": report.outcome})

    def build(self, target: str, left_out_forced: bool) -> dict:
        rows = []
        for entry in catalogue.outcomes():
            runs = self.exercised.get(f"{entry.surface}:{entry.id}", [])
            if runs:
                status = "failed" if any(r["outcome"] == "failed" for r in runs) else (
                    "passed" if any(r["outcome"] == "passed" for r in runs) else "skipped")
            elif entry.forced and left_out_forced:
                status = "left out (needs the sandbox to force it)"
            else:
                status = "not exercised"
            rows.append({
                "id": entry.id, "surface": entry.surface, "family": entry.family, "source": entry.source,
                "forced": entry.forced, "status": status, "scenarios": runs,
            })
        return {
            "generated": datetime.now(UTC).isoformat(timespec="seconds"),
            "target": target,
            "catalogue": str(catalogue.CATALOGUE_PATH.name),
            "summary": _summary(rows),
            "outcomes": rows,
        }

    def write(self, folder: Path, target: str, left_out_forced: bool) -> dict:
        folder.mkdir(parents=True, exist_ok=True)
        report = redact_json(self.build(target, left_out_forced))  # scenario names may quote card numbers
        (folder / "coverage.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        (folder / "coverage.md").write_text(render_markdown(report), encoding="utf-8")
        return report


def coverage_headline(report: dict) -> str:
    """One line for the report's summary: how many catalogued codes the run exercised, and how they ended."""
    rows = report["outcomes"]
    exercised = [r for r in rows if r["scenarios"]]
    passed = sum(r["status"] == "passed" for r in exercised)
    failed = sum(r["status"] == "failed" for r in exercised)
    return (f"{len(exercised)} of {len(rows)} catalogued codes exercised ({passed} passed, {failed} failed); "
            "details in coverage.md")


def _summary(rows: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row["status"]] += 1
    return dict(counts)


def render_markdown(report: dict) -> str:
    lines = [
        f"# Coverage of documented outcomes — target: {report['target']}",
        "",
        f"Generated {report['generated']} from `catalogue/{report['catalogue']}`.",
        "",
        "| surface | id | family | source | status | scenarios |",
        "|---|---|---|---|---|---|",
    ]
    for row in report["outcomes"]:
        scenarios = "<br>".join(f"{r['scenario']} ({r['outcome']})" for r in row["scenarios"]) or "—"
        lines.append(f"| {row['surface']} | `{row['id']}` | {row['family']} | {row['source']} | "
                     f"{row['status']} | {scenarios} |")
    lines.append("")
    return "\n".join(lines)
