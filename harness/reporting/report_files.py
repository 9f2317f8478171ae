"""The files Allure reads beside the results: environment, executor and defect categories."""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from harness.reporting.coverage import coverage_headline
from harness.reporting.evidence import scrub_text_files
from harness.reporting.failures import categories
from harness.targets.settings import TargetSettings


def environment(target: dict[str, str], browser: str) -> dict[str, str]:
    return {
        "target": target.get("name", ""),
        "api.base": target.get("api_base", ""),
        "gateway.base": target.get("gateway_base", ""),
        "merchant": target.get("merchant", ""),
        "browser": browser,
        "python": platform.python_version(),
        "playwright": _version("playwright"),
        "pytest-bdd": _version("pytest-bdd"),
        "os": f"{platform.system()} {platform.release()}",
    }


def executor() -> dict[str, str]:
    """Who ran the suites: a CI run (GitHub Actions or generic CI) or a person's machine."""
    if os.environ.get("GITHUB_ACTIONS") == "true":
        server = os.environ.get("GITHUB_SERVER_URL", "")
        repo = os.environ.get("GITHUB_REPOSITORY", "")
        run_id = os.environ.get("GITHUB_RUN_ID", "")
        return {"name": "GitHub Actions", "type": "github", "buildName": f"{repo} #{run_id}",
                "buildUrl": f"{server}/{repo}/actions/runs/{run_id}"}
    if os.environ.get("CI"):
        return {"name": "CI", "type": "ci", "buildName": os.environ.get("CI_JOB_ID", "ci run")}
    return {"name": platform.node() or "local", "type": "local", "buildName": "local run"}


def write_report_files(results_dir: Path, target: dict[str, str], browser: str,
                       summary: dict[str, str] | None = None) -> None:
    """environment.properties (what the report's summary shows: target, gateway, merchant profiles, coverage
    headline, versions), executor.json and categories.json."""
    results_dir.mkdir(parents=True, exist_ok=True)
    env = {**environment(target, browser), **(summary or {})}
    (results_dir / "environment.properties").write_text(
        "".join(f"{key}={_escape(value)}\n" for key, value in env.items()), encoding="utf-8")
    (results_dir / "executor.json").write_text(json.dumps(executor(), indent=2), encoding="utf-8")
    (results_dir / "categories.json").write_text(json.dumps(categories(), indent=2), encoding="utf-8")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", " ")


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def finish_allure_results(results_dir: Path, settings: TargetSettings, gateway_mode: str, profiles: list[str],
                          coverage: dict | None, browser: str, secrets: Sequence[str]) -> None:
    """What Allure reads beside the results, the internal fixtures left out, and every text file scrubbed."""
    target = {"name": settings.name, "api_base": settings.api_base or "embedded sandbox",
              "gateway_base": settings.gateway_base or "embedded sandbox",
              "merchant": settings.merchant_origin or "embedded reference merchant"}
    summary = {"gateway.mode": gateway_mode,
               "merchant.profiles": ", ".join(profiles) or "the reference merchant's examples",
               "coverage": coverage_headline(coverage) if coverage else "no catalogued code exercised"}
    write_report_files(results_dir, target, browser, summary)
    prune_internal_fixtures(results_dir)
    scrub_text_files(results_dir, secrets)


def prune_internal_fixtures(results_dir: Path) -> int:
    """Drop the set-up and tear-down stages of fixtures that passed and carry nothing for a reader (no step, no
    attachment), so each scenario opens with its Gherkin steps; returns how many stages were dropped. A fixture
    that failed, or attached evidence (a trace, a screenshot), stays."""
    dropped = 0
    for path in results_dir.glob("*-container.json"):
        try:
            container = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        changed = False
        for stage in ("befores", "afters"):
            kept = [s for s in container.get(stage, []) if _worth_showing(s)]
            if len(kept) != len(container.get(stage, [])):
                dropped += len(container[stage]) - len(kept)
                container[stage] = kept
                changed = True
        if changed:
            path.write_text(json.dumps(container, ensure_ascii=False), encoding="utf-8")
    return dropped


def _worth_showing(stage: dict) -> bool:
    return stage.get("status") not in ("passed", None) or bool(stage.get("steps")) or bool(stage.get("attachments"))
