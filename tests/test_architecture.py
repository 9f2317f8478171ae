"""The layout is the architecture: the two engines never import each other, pages depend only on the core, the
core on nothing of the harness beyond itself, steps never import the plugin, the sandbox only on the catalogue and
the one redaction (card_redaction), which imports nothing of the project."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imports_of(folder: str, root: Path = ROOT) -> dict[str, set[str]]:
    """Each module of a folder and the modules it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted((root / folder).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[str(path.relative_to(root))] = names
    return found


RULES = [
    ("harness/suites", ("harness.merchant",)),
    ("harness/merchant", ("harness.suites",)),
    ("harness/core", ("harness.suites", "harness.merchant", "harness.targets", "harness.reporting", "harness.plugin",
                      "harness.fixtures", "pages", "steps", "sandbox")),
    ("harness/targets", ("harness.suites", "harness.merchant", "harness.reporting", "pages", "steps")),
    ("pages", ("harness.suites", "harness.merchant", "harness.targets", "harness.reporting", "harness.plugin",
               "steps")),
    ("steps", ("harness.plugin", "harness.fixtures", "harness.run_state")),
    ("sandbox", ("harness", "pages", "steps")),
    ("card_redaction", ("harness", "pages", "steps", "sandbox", "catalogue", "bench", "features")),
]
PROJECT_PACKAGES = ("harness", "pages", "steps", "sandbox", "catalogue", "card_redaction", "bench", "features")


@pytest.mark.parametrize(("folder", "forbidden"), RULES, ids=[folder for folder, _ in RULES])
def test_folder_imports_only_what_its_room_allows(folder: str, forbidden: tuple[str, ...]) -> None:
    offences = [f"{module} imports {name}" for module, names in imports_of(folder).items() for name in names
                if any(name == f or name.startswith(f + ".") for f in forbidden)]
    assert offences == []


def test_the_sandbox_imports_only_itself_the_catalogue_and_card_redaction() -> None:
    allowed = ("sandbox", "catalogue", "card_redaction")
    offences = [f"{module} imports {name}" for module, names in imports_of("sandbox").items() for name in names
                if name.split(".")[0] in PROJECT_PACKAGES and name.split(".")[0] not in allowed]
    assert offences == []


def test_the_rule_sees_an_offence(tmp_path: Path) -> None:
    (tmp_path / "room").mkdir()
    (tmp_path / "room" / "m.py").write_text("from harness.merchant.run import MerchantRun\nimport os\n")
    assert imports_of("room", tmp_path) == {"room/m.py": {"harness.merchant.run", "os"}}
