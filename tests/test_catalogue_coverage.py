"""The catalogue is the one source of truth: every documented outcome has a scenario, every row a situation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import catalogue
from harness.suites.api_situations import provoke

FEATURES = Path(__file__).resolve().parents[1] / "features"
# Examples columns naming a catalogued outcome: "code" (the feature's own surface), and in
# three_d_secure.feature "answer" (ThreeDSAdapter.authenticate's resultCode) and "result" (credit_card_token's).
CODE_COLUMNS = {"code": None, "answer": "authenticate", "result": "api"}
# Surfaces whose outcomes count only in the features that drive them: an ER584 of the API is not one of authenticate.
SURFACE_FEATURES = {"authenticate": ("three_d_secure.feature",)}


def _feature_text(names: tuple[str, ...] | None = None) -> str:
    paths = sorted(FEATURES.glob("*.feature")) if names is None else [FEATURES / name for name in names]
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


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


def _coded_cells(text: str, surface: str | None = None) -> set[str]:
    """Every cell of a column naming an outcome (on this surface, when given)."""
    columns = [name for name, named in CODE_COLUMNS.items() if surface is None or named in (None, surface)]
    return {row[name] for row in _examples_rows(text) for name in columns if name in row}


def _ids_in_features(surface: str | None = None) -> set[str]:
    text = _feature_text(SURFACE_FEATURES.get(surface or ""))
    quoted = {q for line in text.splitlines() for q in re.findall(r'"([^"\n]+)"', line)}
    return quoted | _coded_cells(text, surface)


@pytest.mark.parametrize("entry", catalogue.outcomes(), ids=lambda o: f"{o.surface}:{o.id}")
def test_every_catalogued_outcome_has_a_scenario(entry: catalogue.Outcome) -> None:
    where = ", ".join(SURFACE_FEATURES.get(entry.surface, ("features/",)))
    assert entry.id in _ids_in_features(entry.surface), (
        f"{entry.surface} outcome {entry.id} is catalogued but no scenario in {where} exercises it")


def test_every_code_in_the_features_is_catalogued() -> None:
    ids = {o.id for o in catalogue.outcomes()}
    codes = _coded_cells(_feature_text())
    assert codes <= ids, f"feature rows name codes the catalogue does not have: {sorted(codes - ids)}"


@pytest.mark.parametrize(("column", "surface"), [(c, s) for c, s in CODE_COLUMNS.items() if s])
def test_a_column_of_one_surface_names_only_its_outcomes(column: str, surface: str) -> None:
    ids = {o.id for o in catalogue.outcomes() if o.surface == surface}
    cells = {row[column] for row in _examples_rows(_feature_text()) if column in row}
    assert cells, f"no feature has the column {column!r} any more: drop it from CODE_COLUMNS"
    assert cells <= ids, f"column {column!r} names codes that are not {surface} outcomes: {sorted(cells - ids)}"


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
