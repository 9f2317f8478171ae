"""`rp-verify PROFILE...`: verify merchant checkout pages in one command — run the merchant features for each
profile, build the Allure report, print the verdict per profile and per check, and exit 0 only when every profile
passes."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATUS_WIDTH = 12


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rp-verify", description=__doc__)
    parser.add_argument("profiles", nargs="+", metavar="PROFILE", help="merchant profile (.toml) to verify")
    parser.add_argument("--gateway", choices=("sandbox", "live"), default="sandbox",
                        help="answer the gateway's host from the embedded sandbox (default) or leave it live")
    parser.add_argument("--reports-dir", default=str(ROOT / "reports"), help="where the verdict and report go")
    parser.add_argument("--workers", default=os.environ.get("RP_WORKERS", "2"), help="pytest-xdist workers")
    parser.add_argument("--no-report", action="store_true", help="do not build the Allure HTML report")
    args, pytest_args = parser.parse_known_args(argv)
    missing = [p for p in args.profiles if not Path(p).is_file()]
    if missing:
        print(f"rp-verify: no such profile {missing[0]}: give the path of a merchant profile (.toml).",
              file=sys.stderr)
        return 2
    reports = Path(args.reports_dir).resolve()
    results = reports / "allure-results"
    shutil.rmtree(results, ignore_errors=True)
    verdict_file = reports / "merchant-verdict.json"
    verdict_file.unlink(missing_ok=True)
    # loadgroup keeps each profile's scenarios on one worker, so they judge its one recorded purchase.
    command = [sys.executable, "-m", "pytest", "steps", "-p", "no:cacheprovider", "-q", "-n", str(args.workers),
               "--dist", "loadgroup",
               "--gateway", args.gateway, "--reports-dir", str(reports), "--alluredir", str(results),
               *(f"--merchant-profile={Path(p).resolve()}" for p in args.profiles), *pytest_args]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if not verdict_file.is_file():
        print(run.stdout[-4000:] + run.stderr[-4000:], file=sys.stderr)
        print(f"rp-verify: the verification did not run (pytest exit {run.returncode}); see above.", file=sys.stderr)
        return run.returncode or 1
    if not args.no_report:
        _build_report(results, reports)
    verdict = json.loads(verdict_file.read_text(encoding="utf-8"))
    print(verdict_table(verdict))
    passed = bool(verdict["profiles"]) and all(p.get("verdict") == "pass" for p in verdict["profiles"])
    return 0 if passed and run.returncode == 0 else 1


def verdict_table(verdict: dict) -> str:
    """The verdict as a short table: one line per profile, then one per check."""
    lines = []
    for profile in verdict["profiles"]:
        lines.append(f"{profile.get('verdict', '?').upper():<{STATUS_WIDTH}} {profile['name']}  ({profile['profile']})")
        for check in profile["checks"]:
            message = check["messages"][0] if check.get("messages") else ""
            who = f" [{check['responsible']}]" if check["status"] not in ("pass", "skipped") else ""
            case = _case_of(check.get("scenario", ""), Path(profile["profile"]).stem)
            lines.append(f"  {check['status']:<{STATUS_WIDTH - 2}} {check['check']}{case}{who}"
                         + (f": {message}" if message else ""))
    return "\n".join(lines)


def _case_of(scenario: str, profile_stem: str) -> str:
    """" (ER055)" for a scenario run per code, from its id (…[reference-custom-ER055]); else ""."""
    parameters = scenario.rpartition("[")[2].rstrip("]")
    rest = parameters.removeprefix(profile_stem).lstrip("-")
    return f" ({rest})" if parameters.startswith(profile_stem) and rest else ""


def _build_report(results: Path, reports: Path) -> None:
    if not shutil.which("npx"):
        print("rp-verify: npx is missing, so no HTML report was built: install Node.js 20 or newer.", file=sys.stderr)
        return
    report = reports / "allure-report"
    shutil.rmtree(report, ignore_errors=True)
    built = subprocess.run(["npx", "--no-install", "allure", "generate", str(results), "-o", str(report)],
                           cwd=ROOT, capture_output=True, text=True)
    if built.returncode == 0:
        print(f"rp-verify: report at {report / 'index.html'}")
    else:
        print("rp-verify: Allure could not build the report; the verdict below stands.", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
