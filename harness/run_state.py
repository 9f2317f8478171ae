"""What the pytest run knows, kept in pytest's stash: the target, the merchant profiles, the collectors, each
test's reports, and the secrets that must never stand unmasked in a report."""

from __future__ import annotations

import pytest

from harness.core.cards import VENDOR_SECURITY_CODE
from harness.merchant.profile import MerchantProfile
from harness.reporting.coverage import CoverageCollector
from harness.reporting.verdict import VerdictCollector
from harness.targets.settings import TargetSettings

REPORTS = pytest.StashKey[dict]()
SETTINGS = pytest.StashKey[TargetSettings]()
COVERAGE = pytest.StashKey[CoverageCollector]()
VERDICT = pytest.StashKey[VerdictCollector]()
PROFILES = pytest.StashKey[list[MerchantProfile]]()


def run_secrets(config: pytest.Config) -> tuple[str, ...]:
    """Every value this run knows must never stand unmasked in a report."""
    settings = config.stash[SETTINGS]
    profiles = config.stash.get(PROFILES, [])
    return (VENDOR_SECURITY_CODE,
            *(settings.credentials.secrets() if settings.credentials else ()),
            *(value for p in profiles for value in (p.cards.number, p.cards.security_code)))


def record_report(item: pytest.Item, report: pytest.TestReport) -> None:
    item.stash.setdefault(REPORTS, {})[report.when] = report


def scenario_failed(request: pytest.FixtureRequest) -> bool:
    """Whether the scenario's setup or call failed (read in fixture teardown)."""
    return any(r.failed for r in request.node.stash.get(REPORTS, {}).values())
