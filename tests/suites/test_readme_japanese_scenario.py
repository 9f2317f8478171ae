"""The Japanese scenario the README shows a team could write runs, as written, against the sandbox."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from pytest_bdd import scenarios

from steps.conftest import *  # noqa: F403 - the step definitions the scenario needs

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.search(r"```gherkin\n(# language: ja\n.*?)```", README.read_text(encoding="utf-8"), re.S)
assert BLOCK, "README.md shows no Japanese scenario"
_feature = Path(tempfile.mkdtemp(prefix="readme-ja-")) / "readme_example.feature"
_feature.write_text(BLOCK.group(1), encoding="utf-8")

scenarios(str(_feature))
