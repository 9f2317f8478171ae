"""Every step has a Japanese phrasing bound to the same step function, so a team can write its features in
Japanese (`# language: ja`: 前提 / もし / ならば) and reach exactly what the English sentences reach."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from pytest_bdd.steps import StepFunctionContext, step_function_context_registry

import steps.conftest  # noqa: F401 - registers every step definition

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def phrasings() -> dict[object, list[StepFunctionContext]]:
    """Each step function of steps/ with every sentence bound to it."""
    found: dict[object, list[StepFunctionContext]] = defaultdict(list)
    for context in step_function_context_registry.values():
        if context.step_func.__module__.startswith("steps."):
            found[context.step_func].append(context)
    return found


STEP_FUNCTIONS = sorted(phrasings().items(), key=lambda item: item[0].__qualname__)


@pytest.mark.parametrize(("function", "contexts"), STEP_FUNCTIONS, ids=[f.__qualname__ for f, _ in STEP_FUNCTIONS])
def test_each_step_has_an_english_and_a_japanese_phrasing_of_the_same_kind(function, contexts) -> None:
    english = [c for c in contexts if not JAPANESE.search(c.parser.name)]
    japanese = [c for c in contexts if JAPANESE.search(c.parser.name)]
    assert english and japanese, f"{function.__qualname__}: {[c.parser.name for c in contexts]}"
    assert {c.type for c in japanese} == {c.type for c in english}


def test_the_japanese_phrasings_take_the_same_parameters() -> None:
    for function, contexts in STEP_FUNCTIONS:
        names = {tuple(sorted(re.findall(r"\{(\w+)", c.parser.name))) for c in contexts}
        assert len(names) == 1, (function.__qualname__, names)


def test_a_japanese_sentence_reaches_its_step_with_its_arguments() -> None:
    registered = [c for contexts in phrasings().values() for c in contexts]
    sentence = '顧客が加盟店ページでカード番号が"444433332222000"のカードを入力する'
    matches = [c for c in registered if c.type == "when" and c.parser.is_matching(sentence)]
    assert [c.step_func.__name__ for c in matches] == ["enter_card_with"]
    assert matches[0].parser.parse_arguments(sentence) == {"field": "カード番号", "value": "444433332222000"}


def collected(*args: str) -> list[str]:
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run([sys.executable, "-m", "pytest", "steps/test_merchant_page.py", "--co", "-q",
                           "-p", "no:cacheprovider", *args], cwd=Path(__file__).resolve().parents[1],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_lang_ja_runs_the_japanese_merchant_feature_instead_of_the_english_one() -> None:
    english, japanese = collected(), collected("--lang", "ja")
    assert english and len(english) == len(japanese)
    assert not any(JAPANESE.search(name) for name in english)
    assert all(JAPANESE.search(name.split("::")[1].split("[")[0]) for name in japanese)
