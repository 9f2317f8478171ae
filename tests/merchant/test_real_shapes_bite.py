"""Proof on real shapes: pages shaped like public CPToken.js integrations verify as pass with the profile a
merchant would write, and each non-compliant twin is caught by the intended check only — no check crashes,
no verdict holds raw exception text, and one profile is purchased once for all its checks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.merchant_pages.real_shapes import SHAPES
from tests.merchant_pages.server import received, serve_merchant_pages

PROJECT = Path(__file__).resolve().parents[2]
PROFILES = PROJECT / "tests" / "merchant_pages" / "profiles" / "real"
RUN_TIMEOUT_SECONDS = 900
# The check each twin must fail, and nothing else may fail.
CAUGHT_BY = {"fetch-card-in-body": "no-card-data-leaves", "fetch-cleared-late": "inputs-cleared",
             "names-removed": "inputs-cleared"}
RAW_EXCEPTION_MARKS = ("Error:", "Traceback", "playwright._impl", "Page.fill", "Call log")


def _verify(folder: Path) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]], str]:
    with serve_merchant_pages() as pages:
        args = []
        for name in SHAPES:
            path = folder / f"{name}.toml"
            path.write_text((PROFILES / f"{name}.toml").read_text(encoding="utf-8").replace("{pages}", pages),
                            encoding="utf-8")
            args += ["--merchant-profile", str(path)]
        reports = folder / "reports"
        done = subprocess.run([sys.executable, "-m", "pytest", "steps", *args, "--reports-dir", str(reports),
                               "-p", "no:cacheprovider", "-q", "-n", "2", "--dist", "loadgroup"],
                              cwd=PROJECT, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS)
        verdict_file = reports / "merchant-verdict.json"
        assert verdict_file.exists(), done.stdout[-4000:] + done.stderr[-4000:]
        verdict = json.loads(verdict_file.read_text(encoding="utf-8"))
        return {Path(p["profile"]).stem: p for p in verdict["profiles"]}, received(pages), done.stdout


def _shown(profile: dict[str, Any]) -> str:
    return "".join(f"\n    {c['check']} [{c['status']}]: {' | '.join(c['messages'])}" for c in profile["checks"])


def test_every_profile_has_a_page_and_every_twin_a_compliant_original() -> None:
    assert {path.stem for path in PROFILES.glob("*.toml")} == set(SHAPES)
    assert set(CAUGHT_BY) == {name for name, shape in SHAPES.items() if not shape.compliant}
    assert all(SHAPES[SHAPES[name].twin].compliant for name in CAUGHT_BY)


def test_real_shapes_verify_as_their_twins_say(tmp_path: Path) -> None:
    verdicts, seen, output = _verify(tmp_path)
    problems = [f"{name}: no verdict\n{output[-2000:]}" for name in SHAPES if name not in verdicts]
    for name, profile in verdicts.items():
        statuses = {c["check"]: c["status"] for c in profile["checks"]}
        text = json.dumps(profile, ensure_ascii=False)
        problems += [f"{name}: raw exception text {mark!r} in the verdict" for mark in RAW_EXCEPTION_MARKS
                     if mark in text]
        if name in CAUGHT_BY:
            failed = {c["check"] for c in profile["checks"] if c["status"] == "fail"}
            if failed != {CAUGHT_BY[name]} or profile["verdict"] != "fail":
                problems.append(f"{name} ({SHAPES[name].defect}) should fail {CAUGHT_BY[name]} only:"
                                f"{_shown(profile)}")
        elif profile["verdict"] != "pass" or "error" in statuses.values():
            problems.append(f"{name} is compliant but its verdict is {profile['verdict']}:{_shown(profile)}")
    for name in SHAPES:
        if not [p for p in seen["purchases"] if p["variant"] == name and (p["fields"].get("tkn")
                                                                            or p["fields"].get("token"))]:
            problems.append(f"{name}: the shop never received a token: {seen['purchases']}")
    late = [p for p in seen["purchases"] if p["variant"] == "fetch-card-in-body"]
    if not any(p["fields"].get("card_number") == "4444333322221111" for p in late):
        problems.append(f"fetch-card-in-body never sent the card: {late}")
    assert not problems, "\n".join(problems)


def test_one_profile_is_purchased_once_for_all_its_checks(tmp_path: Path) -> None:
    """Issue 7: the purchase checks of a profile judge one recorded purchase, so the shop receives one token, not
    one per check (the error answers submit nothing). Run serially; the time it took is printed as the bench
    figure (pytest --durations' setup, call and teardown of the profile's scenarios), not asserted: on a shared
    machine it says more about the neighbours than about the harness."""
    name = "select-expiry"
    with serve_merchant_pages() as pages:
        path = tmp_path / f"{name}.toml"
        path.write_text((PROFILES / f"{name}.toml").read_text(encoding="utf-8").replace("{pages}", pages),
                        encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "pytest", "steps", "--merchant-profile", str(path),
                               "--reports-dir", str(tmp_path / "reports"), "-p", "no:cacheprovider", "-q",
                               "-n", "0", "--durations=0", "--durations-min=0"],
                              cwd=PROJECT, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS)
        purchases = [p for p in received(pages)["purchases"] if p["variant"] == name]
    spent = sum(float(line.split("s ", 1)[0]) for line in done.stdout.splitlines()
                if line[:1].isdigit() and "s " in line and "test_merchant_page" in line)
    # 13: the seed's 9, referrer-policy, and three-d-secure / authenticate-parameters / webhook-handler recorded
    # as skipped (not a 3-D Secure page, no [webhook]); the 3-D Secure outcomes and Cancel (custom) skip.
    assert "13 passed, 4 skipped" in done.stdout, done.stdout[-3000:]
    print(f"\n{name}: every merchant check, serially, in {spent:.2f} s of scenario time")
    assert len(purchases) == 1, f"the shop received {len(purchases)} purchases, not one: {purchases}"
