"""The catalogue is the one source of truth: every documented outcome has a scenario, every row a situation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import catalogue
from harness.suites.api_situations import provoke

FEATURES = Path(__file__).resolve().parents[1] / "features"


def _feature_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(FEATURES.glob("*.feature")))


def _examples_rows(text: str) -> list[dict[str, str]]:
    """Every Examples row of every Scenario Outline, as header → cell."""
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if header is None:
                header = cells
            else:
                rows.append(dict(zip(header, cells, strict=True)))
        elif stripped:
            header = None
    return rows


def _ids_in_features() -> set[str]:
    text = _feature_text()
    quoted = {q for line in text.splitlines() for q in re.findall(r'"([^"\n]+)"', line)}
    return quoted | {row["code"] for row in _examples_rows(text) if "code" in row}


@pytest.mark.parametrize("entry", catalogue.outcomes(), ids=lambda o: f"{o.surface}:{o.id}")
def test_every_catalogued_outcome_has_a_scenario(entry: catalogue.Outcome) -> None:
    assert entry.id in _ids_in_features(), (
        f"{entry.surface} outcome {entry.id} is catalogued but no scenario in features/ exercises it")


def test_every_code_in_the_features_is_catalogued() -> None:
    ids = {o.id for o in catalogue.outcomes()}
    codes = {row["code"] for row in _examples_rows(_feature_text()) if "code" in row}
    assert codes <= ids, f"feature rows name codes the catalogue does not have: {sorted(codes - ids)}"


def test_every_api_situation_in_the_features_is_known() -> None:
    situations = {row["situation"] for row in _examples_rows(_feature_text()) if "situation" in row}
    assert situations, "the API feature lost its situation column"

    class NoTarget:
        """Stands in for a scenario context: a known situation touches it at once."""

        def __getattr__(self, name: str) -> object:
            raise AttributeError(name)

    for words in sorted(situations):
        try:
            provoke(words, NoTarget())
        except LookupError:
            pytest.fail(f"no situation is implemented for the feature row {words!r}")
        except AttributeError:
            pass


def test_the_catalogue_rejects_a_duplicate_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = catalogue.CATALOGUE_PATH.read_text(encoding="utf-8")
    first = source.index("\n[[outcome]]\n")
    block_end = source.index("\n[[outcome]]\n", first + 1)
    doubled = tmp_path / "codes.toml"
    doubled.write_text(source.rstrip() + "\n\n" + source[first:block_end], encoding="utf-8")
    monkeypatch.setattr(catalogue, "CATALOGUE_PATH", doubled)
    catalogue.outcomes.cache_clear()
    try:
        with pytest.raises(ValueError, match="listed twice"):
            catalogue.outcomes()
    finally:
        catalogue.outcomes.cache_clear()
