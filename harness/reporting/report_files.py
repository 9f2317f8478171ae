"""The files Allure reads beside the results: environment, executor and defect categories."""

from __future__ import annotations

import json
import os
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from harness.reporting.failures import categories


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


def write_report_files(results_dir: Path, target: dict[str, str], browser: str) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    env = environment(target, browser)
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
