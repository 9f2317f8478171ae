"""Proof that the merchant checks bite: each broken page fails the check its defect is about, and only
that check (or one its defect necessarily trips too), while every compliant page passes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from harness.script_inventory import PLACEHOLDER_JUSTIFICATION, load_inventory
from tests.merchant_pages.server import (
    FOREIGN_CPTOKEN_PATH,
    GATEWAY_CPTOKEN,
    GATEWAY_JQUERY,
    VARIANTS,
    WIDGET_PATH,
    received,
    serve_merchant_pages,
)

PROJECT = Path(__file__).resolve().parents[2]
PROFILES = PROJECT / "tests" / "merchant_pages" / "profiles"
MERCHANT_STEPS = PROJECT / "steps" / "test_merchant_page.py"
PAGES_PLACEHOLDER = "{pages}"
TEST_CARD = "4444333322221111"  # the profiles' default test card (harness.merchant_profile.VENDOR_TEST_CARD)
RUN_TIMEOUT_SECONDS = 1200
ALL_CHECKS = {
    "inputs-cleared", "no-card-data-leaves", "errors-handled", "tokenizer-origin", "script-inventory",
    "security-headers", "tokencreate-parameters",
}
# The card reaches the shop's server in the form body: a leak as well as an uncleared input.
CARD_IN_FORM_BODY = frozenset({"no-card-data-leaves"})


@dataclass(frozen=True)
class Expected:
    """The check a variant must fail, words its message contains, and checks its defect may also fail."""

    check: str
    words: tuple[str, ...]
    may_also_fail: frozenset[str] = frozenset()


EXPECTED = {
    "not-cleared": Expected("inputs-cleared", ("#cn",), CARD_IN_FORM_BODY),
    "cleared-after-submit": Expected("inputs-cleared", ("#cn",), CARD_IN_FORM_BODY),
    "analytics-leak": Expected("no-card-data-leaves", ("/collect",)),
    "beacon-leak": Expected("no-card-data-leaves", ("/beacon",)),
    "storage-leak": Expected("no-card-data-leaves", ("localStorage",)),
    "console-leak": Expected("no-card-data-leaves", ("console",)),
    "url-leak": Expected("no-card-data-leaves", ("URL",)),
    "submits-on-error": Expected("errors-handled", ("submitted",)),
    "foreign-tokenizer": Expected("tokenizer-origin", (PAGES_PLACEHOLDER,)),
    "unapproved-script": Expected("script-inventory", ("new script",)),
    "dropped-header": Expected("security-headers", ("content-security-policy", "dropped")),
    "md-missing": Expected("tokencreate-parameters", ("md",)),
}
COMPLIANT = sorted(name for name, variant in VARIANTS.items() if variant.compliant)

JUSTIFICATIONS = {
    GATEWAY_JQUERY: "jQuery from the gateway, needed by CPToken.js and the page's callbacks (spec samples)",
    GATEWAY_CPTOKEN: "the gateway's tokenizer: turns the card into a token (spec samples 1 and 2)",
    WIDGET_PATH: "the shop's chat widget",
    FOREIGN_CPTOKEN_PATH: "the shop's own copy of CPToken.js",
    "inline": "the page's purchase callbacks (doPurchase / execPurchase), reviewed with the page",
}


@dataclass(frozen=True)
class BiteRun:
    pages: str
    verdicts: dict[str, dict[str, Any]]
    received: dict[str, list[dict[str, Any]]]


def _run(args: list[str], what: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, *args], cwd=PROJECT, capture_output=True, text=True,
                          timeout=RUN_TIMEOUT_SECONDS)
    if done.returncode not in (0, 1):
        pytest.fail(f"{what} exited {done.returncode}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return done


def _write_profiles(pages: str, folder: Path) -> dict[str, Path]:
    """Each profile with the server's address in, beside an approved/ folder for its baselines."""
    (folder / "approved").mkdir(parents=True)
    written = {}
    for name in VARIANTS:
        text = (PROFILES / f"{name}.toml").read_text(encoding="utf-8")
        path = folder / f"{name}.toml"
        path.write_text(text.replace(PAGES_PLACEHOLDER, pages), encoding="utf-8")
        written[name] = path
    return written


def _approves_itself(name: str) -> bool:
    """Whether a profile's baselines are its own page's (the others point at their compliant twin's)."""
    return f'"approved/{name}.scripts.toml"' in (PROFILES / f"{name}.toml").read_text(encoding="utf-8")


def _justify(inventory: Path) -> None:
    """What a reviewer does after `harness.approve`: a reason for every script instead of the TODO."""
    lines = inventory.read_text(encoding="utf-8").splitlines(keepends=True)
    url = ""
    for index, line in enumerate(lines):
        if found := re.match(r'url = "([^"]*)"', line):
            url = found.group(1)
        elif line.startswith("justification = ") and PLACEHOLDER_JUSTIFICATION in line:
            reason = JUSTIFICATIONS.get(url) or JUSTIFICATIONS.get(urlsplit(url).path)
            assert reason, f"{inventory.name}: no reason known for {url}, a script no page should load"
            lines[index] = f"justification = {json.dumps(reason, ensure_ascii=False)}\n"
    inventory.write_text("".join(lines), encoding="utf-8")
    load_inventory(inventory)  # raises if a placeholder is left


@pytest.fixture(scope="module")
def bite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BiteRun]:
    if not MERCHANT_STEPS.exists():
        pytest.skip("the merchant checks (steps/test_merchant_page.py) are not there yet: nothing to bite.")
    folder = tmp_path_factory.mktemp("merchant-bite")
    with serve_merchant_pages() as pages:
        profiles = _write_profiles(pages, folder / "profiles")
        approve = [arg for name, path in profiles.items() if _approves_itself(name)
                   for arg in ("--merchant-profile", str(path))]
        done = _run(["-m", "harness.approve", *approve], "python -m harness.approve")
        assert done.returncode == 0, done.stdout + done.stderr
        for inventory in sorted((folder / "profiles" / "approved").glob("*.scripts.toml")):
            _justify(inventory)
        reports = folder / "reports"
        checks = [arg for path in profiles.values() for arg in ("--merchant-profile", str(path))]
        done = _run(["-m", "pytest", "steps", "-m", "merchant", *checks, "--reports-dir", str(reports),
                     "-p", "no:cacheprovider", "-q", "-n", "2"], "the merchant checks")
        verdict_file = reports / "merchant-verdict.json"
        assert verdict_file.exists(), f"no merchant-verdict.json was written:\n{done.stdout[-4000:]}"
        verdict = json.loads(verdict_file.read_text(encoding="utf-8"))
        by_name = {Path(entry["profile"]).stem: entry for entry in verdict["profiles"]}
        yield BiteRun(pages, by_name, received(pages))


def _mentions(message: str, word: str) -> bool:
    """The word as a word: "md" must not match inside "cmd"."""
    before = r"(?<!\w)" if re.match(r"\w", word) else ""
    after = r"(?!\w)" if re.search(r"\w$", word) else ""
    return re.search(before + re.escape(word) + after, message) is not None


def _failed(profile: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    failed: dict[str, list[dict[str, Any]]] = {}
    for check in profile["checks"]:
        if check["status"] == "fail":
            failed.setdefault(check["check"], []).append(check)
    return failed


def _shown(checks: list[dict[str, Any]]) -> str:
    return "\n".join(f"  {c['check']} [{c['status']}] {c.get('scenario', '')}: {' | '.join(c['messages'])}"
                     for c in checks)


def test_every_variant_has_an_expectation() -> None:
    assert set(EXPECTED) | set(COMPLIANT) == set(VARIANTS)
    assert not set(EXPECTED) & set(COMPLIANT)
    assert {expected.check for expected in EXPECTED.values()} == ALL_CHECKS


def test_every_profile_ran_every_check(bite: BiteRun) -> None:
    assert set(bite.verdicts) == set(VARIANTS)
    for name, profile in bite.verdicts.items():
        assert {check["check"] for check in profile["checks"]} == ALL_CHECKS, name


@pytest.mark.parametrize("name", COMPLIANT)
def test_a_compliant_page_passes_every_check(bite: BiteRun, name: str) -> None:
    profile = bite.verdicts[name]
    assert not _failed(profile), f"{name} is compliant but failed:\n{_shown(profile['checks'])}"
    assert profile["verdict"] == "pass"
    purchases = [p for p in bite.received["purchases"] if p["variant"] == name]
    assert purchases, f"{name}: the shop's server never received the form"
    for purchase in purchases:
        card_fields = {k: v for k, v in purchase["fields"].items() if k != "tkn"}
        assert not any(card_fields.values()), purchase


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_broken_page_fails_the_check_its_defect_is_about(bite: BiteRun, name: str) -> None:
    expected = EXPECTED[name]
    profile = bite.verdicts[name]
    words = [word.replace(PAGES_PLACEHOLDER, bite.pages) for word in expected.words]
    failed = _failed(profile)
    assert profile["verdict"] == "fail"
    assert expected.check in failed, (
        f"{name} ({VARIANTS[name].defect}) did not fail {expected.check}:\n{_shown(profile['checks'])}")
    worded = [c for c in failed[expected.check]
              if any(all(_mentions(message, word) for word in words) for message in c["messages"])]
    assert worded, f"{name}: no {expected.check} message mentions {words}:\n{_shown(failed[expected.check])}"
    ran = [c for c in profile["checks"] if c["check"] == expected.check and c["status"] != "skipped"]
    passed = [c for c in ran if c["status"] != "fail"]
    assert not passed, f"{name}: a scenario of {expected.check} let it pass:\n{_shown(passed)}"
    stray = set(failed) - {expected.check} - expected.may_also_fail
    assert not stray, f"{name}: the defect also tripped {sorted(stray)}:\n{_shown(profile['checks'])}"


def _from(entries: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [e for e in entries if f"/{name}/" in e.get("referer", "")]


@pytest.mark.parametrize(("name", "endpoint"), [("analytics-leak", "collect"), ("beacon-leak", "beacon")])
def test_a_leaking_page_really_sent_the_card(bite: BiteRun, name: str, endpoint: str) -> None:
    sent = _from(bite.received[endpoint], name)
    assert any(TEST_CARD in entry["body"] for entry in sent), bite.received[endpoint]
    assert not [e for e in bite.received[endpoint] if not _from([e], name)], "another page sent to it too"


@pytest.mark.parametrize("name", ["not-cleared", "cleared-after-submit"])
def test_an_uncleared_card_really_reached_the_shops_server(bite: BiteRun, name: str) -> None:
    purchases = [p for p in bite.received["purchases"] if p["variant"] == name]
    assert any(p["fields"].get("cn") == TEST_CARD for p in purchases), purchases


def test_the_url_leak_really_put_the_card_in_the_page_url(bite: BiteRun) -> None:
    purchases = [p for p in bite.received["purchases"] if p["variant"] == "url-leak"]
    assert any(f"cn={TEST_CARD}" in p["referer"] for p in purchases), purchases


def test_the_page_that_ignores_errors_really_submitted_without_a_token(bite: BiteRun) -> None:
    purchases = [p for p in bite.received["purchases"] if p["variant"] == "submits-on-error"]
    assert any(not p["fields"].get("tkn") for p in purchases), purchases


@pytest.mark.parametrize(("name", "path"), [("foreign-tokenizer", FOREIGN_CPTOKEN_PATH),
                                            ("unapproved-script", WIDGET_PATH)])
def test_the_extra_script_was_really_loaded_from_the_shop(bite: BiteRun, name: str, path: str) -> None:
    loaded = {(entry["path"], name) for entry in bite.received["static"] if _from([entry], name)}
    assert (path, name) in loaded, bite.received["static"]
