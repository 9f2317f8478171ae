"""One verify command: `rp-verify PROFILE...` and `pytest --merchant-profile PATH` from the project root."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from harness.merchant.verify import main, verdict_table

ROOT = Path(__file__).resolve().parents[2]
PROFILE = ROOT / "examples" / "reference-custom.toml"


def test_the_table_shows_each_profile_and_each_check_with_its_case_and_who_is_responsible() -> None:
    verdict = {"profiles": [{"name": "Shop", "profile": "/x/shop.toml", "verdict": "fail", "checks": [
        {"check": "inputs-cleared", "status": "fail", "responsible": "merchant page",
         "messages": ["card data exposed: #cn still held '****1111'"], "scenario": "t.py::test_x[shop]"},
        {"check": "errors-handled", "status": "pass", "responsible": "merchant page", "messages": [],
         "scenario": "t.py::test_y[shop-ER055]"},
    ]}]}
    table = verdict_table(verdict).splitlines()
    assert table[0].startswith("FAIL") and "Shop" in table[0]
    assert "inputs-cleared [merchant page]: card data exposed" in table[1]
    assert table[2].split() == ["pass", "errors-handled", "(ER055)"]


def test_a_missing_profile_is_one_sentence_and_exit_2(capsys) -> None:
    assert main(["/nonexistent/profile.toml"]) == 2
    assert "no such profile /nonexistent/profile.toml" in capsys.readouterr().err


def test_rp_verify_runs_the_merchant_features_and_exits_0_on_pass(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "harness.merchant.verify", "--no-report", "--workers", "1",
                           "--reports-dir", str(tmp_path), str(PROFILE)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert done.stdout.splitlines()[0].startswith("PASS")
    verdict = json.loads((tmp_path / "merchant-verdict.json").read_text(encoding="utf-8"))
    assert [p["verdict"] for p in verdict["profiles"]] == ["pass"]


def test_pytest_with_a_profile_from_the_root_runs_the_merchant_features(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--co",
                           "--merchant-profile", str(PROFILE), "--reports-dir", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    collected = [line for line in done.stdout.splitlines() if "::" in line]
    assert collected and all(line.startswith("steps/test_merchant_page.py::") for line in collected)
