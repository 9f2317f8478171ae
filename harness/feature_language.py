"""Which language's features run: a feature written in two languages (the merchant page's, in English and in
Japanese under features/ja/) runs once, in the language --lang (RP_LANG) chooses."""

from __future__ import annotations

import os

import pytest
from pytest_bdd.scenario import scenario_wrapper_template_registry

LANGUAGES = ("en", "ja")


def chosen_language(config: pytest.Config) -> str:
    """--lang, else RP_LANG, else English; a wrong value is a usage error in one sentence."""
    lang = (config.getoption("--lang") or os.environ.get("RP_LANG") or "en").strip().lower()
    if lang not in LANGUAGES:
        raise pytest.UsageError(f"unknown language {lang!r}: use --lang en or --lang ja (or RP_LANG).")
    return lang


def language_of(item: pytest.Item) -> str | None:
    """The language of the feature a scenario comes from (None for a plain test)."""
    template = scenario_wrapper_template_registry.get(getattr(item, "obj", None))
    return template.feature.language if template is not None else None


def in_other_languages(items: list[pytest.Item], lang: str) -> list[pytest.Item]:
    """Scenarios of features that also exist in the chosen language, but written in another one."""
    translated = {language_of(item) for item in items if item.get_closest_marker("merchant")}
    if lang not in translated:
        return []
    return [item for item in items if item.get_closest_marker("merchant") and language_of(item) not in (lang, None)]
