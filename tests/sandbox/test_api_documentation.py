"""sandbox/README.md and /openapi.json stay true to the catalogue and to the routes the sandbox serves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import catalogue
from sandbox import billing_api, control, gateway, openapi, three_d_secure, three_d_secure_control, webhook_control

README = (Path(__file__).resolve().parents[2] / "sandbox" / "README.md").read_text(encoding="utf-8")


def _message(entry: catalogue.Outcome) -> str:
    return f"`{entry.message}`" if entry.message else "—"


def _evidence(entry: catalogue.Outcome) -> str:
    """meaning, reference and how sure the message (and, on the api, the HTTP status) is."""
    seen = "seen" if entry.message_confirmed else ("—" if not entry.message else "inferred")
    status = " inferred |" if entry.http_status_inferred else " stated |"
    status = "" if entry.surface in catalogue.CALLBACK_SURFACES else status
    return f" {entry.meaning} | {entry.reference or '—'} | {seen} |{status} {entry.note or '—'} |"


def readme_row(entry: catalogue.Outcome) -> str:
    if entry.surface == "api":
        return (
            f"| {entry.id} | {entry.http_status} | {entry.code_json} | {_message(entry)} | {entry.source} | "
            f"{entry.trigger} |" + _evidence(entry)
        )
    return f"| {entry.id} | {_message(entry)} | {entry.source} | {entry.trigger} |" + _evidence(entry)


def endpoint_row(entry: catalogue.Outcome) -> str:
    meaning = entry.meaning.replace(" <br> ", " ")
    return (
        f"| {entry.id} | {entry.placement} | {entry.http_status} | `{entry.message}` | {meaning} | {entry.trigger} |"
    )


@pytest.mark.parametrize("entry", catalogue.outcomes(), ids=lambda entry: f"{entry.surface}-{entry.id}")
def test_the_readme_lists_every_catalogue_outcome_as_catalogued(entry: catalogue.Outcome) -> None:
    codes_section = README.split("## Codes the sandbox can produce", 1)[1]
    assert readme_row(entry) in codes_section, f"sandbox/README.md needs the row:\n{readme_row(entry)}"


@pytest.mark.parametrize("entry", catalogue.endpoint_codes(), ids=lambda entry: f"{entry.surface}-{entry.id}")
def test_the_readme_lists_every_own_code_of_bulk_upsert_and_search(entry: catalogue.Outcome) -> None:
    codes_section = README.split("## Codes the sandbox can produce", 1)[1]
    assert endpoint_row(entry) in codes_section, f"sandbox/README.md needs the row:\n{endpoint_row(entry)}"


def test_the_readme_lists_every_magic_card() -> None:
    magic_section = README.split("## Magic cards", 1)[1]
    for entry in catalogue.api_outcomes():
        if entry.card:
            assert f"| `{entry.card}` | {entry.id} |" in magic_section


def test_the_readme_names_every_route() -> None:
    modules = (gateway, billing_api, control, webhook_control, openapi, three_d_secure, three_d_secure_control)
    paths = {route.path for module in modules for route in module.routes}
    for path in paths - {billing_api.API_PREFIX + "{path:path}"}:
        assert path in README, f"sandbox/README.md does not mention {path}"


def test_openapi_describes_every_api_code(calls: Any) -> None:
    response = calls.http.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == set(openapi.PATHS.values())
    descriptions = json.dumps(
        document["paths"]["/api/v1.0/billing_payment_method/credit_card_token"], ensure_ascii=False
    )
    for entry in catalogue.api_outcomes():
        assert f"- {entry.id}:" in descriptions, f"/openapi.json does not describe {entry.id}"
    statuses = document["paths"]["/api/v1.0/billing_payment_method/credit_card_token"]["post"]["responses"]
    assert set(statuses) == {str(entry.http_status) for entry in catalogue.api_outcomes()}
    assert "content" not in statuses["429"] and "content" not in statuses["413"]
