"""How a failed scenario says what kind of failure it is, and the Allure categories that sort by it: the one
owner of the "[surface:family id]" prefix and of the marks that name card-data exposure and unreachable targets."""

from __future__ import annotations

import re

import catalogue
from catalogue import Outcome

EXPOSURE_MARK = "card data exposed"
UNREACHABLE_MARK = "target unreachable"
DISCREPANCY_MARK = "catalogue discrepancy"


def outcome_failure(outcome: Outcome, text: str) -> str:
    """A failure message about a catalogued outcome, sorted into its code family's category."""
    return f"{_prefix(outcome.surface, outcome.family)} {outcome.id}] {text}"


def catalogue_discrepancy(outcome: Outcome, text: str) -> str:
    """Why a scenario is marked expected-to-differ: the real service answered a message the catalogue only
    inferred. Sorted into its own category, so a nightly run teaches the catalogue instead of failing."""
    return f"{DISCREPANCY_MARK}: {outcome.surface} {outcome.id}: {text}"


def categories() -> list[dict]:
    """Allure's categories.json: card data exposed, target unreachable, then one per code family."""
    families = sorted({(o.surface, o.family) for o in catalogue.outcomes()})
    rows = [
        {"name": EXPOSURE_MARK, "matchedStatuses": ["failed", "broken"],
         "messageRegex": f"(?s).*{EXPOSURE_MARK}.*"},
        {"name": "environment / target unreachable", "matchedStatuses": ["failed", "broken", "skipped"],
         "messageRegex": f"(?s).*({UNREACHABLE_MARK}|did not answer|ConnectError|net::ERR_).*"},
        {"name": DISCREPANCY_MARK, "matchedStatuses": ["skipped"], "messageRegex": f"(?s).*{DISCREPANCY_MARK}.*"},
    ]
    rows += [
        {"name": f"{surface} — {family} codes", "matchedStatuses": ["failed", "broken"],
         "messageRegex": f"(?s).*{re.escape(_prefix(surface, family))} .*"}
        for surface, family in families
    ]
    return rows


def _prefix(surface: str, family: str) -> str:
    return f"[{surface}:{family}"
