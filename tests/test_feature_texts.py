"""Every feature's description reaches the reader whole: Gherkin drops a description line that starts with #."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

FEATURES = sorted((Path(__file__).resolve().parents[1] / "features").rglob("*.feature"))
KEYWORD = re.compile(r"^\s*(@|Background:|Scenario|Rule:|Example|背景|シナリオ|ルール|例)")


def description_comments(text: str) -> list[str]:
    """Lines of the Feature description (after `Feature:`, before the first keyword or tag) starting with #."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(r"^\s*(Feature|フィーチャ|機能):", line)), None)
    if start is None:
        return []
    found = []
    for line in lines[start + 1:]:
        if KEYWORD.match(line):
            break
        if line.lstrip().startswith("#") and not line.lstrip().startswith("# language:"):
            found.append(line.strip())
    return found


@pytest.mark.parametrize("feature", FEATURES, ids=[f.name for f in FEATURES])
def test_no_feature_description_line_is_swallowed_as_a_comment(feature: Path) -> None:
    assert description_comments(feature.read_text(encoding="utf-8")) == []


def test_the_check_sees_a_swallowed_line() -> None:
    text = "Feature: x\n  a token in\n  #tkn. The merchant clears.\n\n  Scenario: y\n    # a real comment\n"
    assert description_comments(text) == ["#tkn. The merchant clears."]
