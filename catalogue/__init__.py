"""The catalogue of documented outcomes of card-token registration, loaded from codes.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CATALOGUE_PATH = Path(__file__).with_name("codes.toml")

SURFACES = ("api", "gateway", "authenticate")
# Surfaces of browser callbacks (resultCode / errMsg): no HTTP status, no JSON code type.
CALLBACK_SURFACES = ("gateway", "authenticate")
ENDPOINT_SURFACES = ("search", "bulk_upsert")
PLACEMENTS = ("request", "row")
CODE_JSON_TYPES = ("int", "string", "null", "absent")
SOURCES = ("seed", "official", "observed", "inferred")


@dataclass(frozen=True)
class Outcome:
    """One documented outcome: what the service answers and how the sandbox is made to answer it."""

    id: str
    surface: str
    family: str
    message: str
    meaning: str
    source: str
    trigger: str
    forced: bool
    http_status: int | None = None
    code_json: str | None = None
    message_confirmed: bool = False
    card: str | None = None
    reference: str = ""
    http_status_inferred: bool = False
    note: str = ""
    placement: str | None = None

    @property
    def code(self) -> int | str | None:
        """error.code as it appears in the JSON answer (None when error is null or there is no body)."""
        if self.code_json == "int":
            return int(self.id)
        if self.code_json == "string":
            return self.id
        return None


@cache
def _load() -> dict[str, list[dict]]:
    with CATALOGUE_PATH.open("rb") as handle:
        return tomllib.load(handle)


@cache
def outcomes() -> tuple[Outcome, ...]:
    """Every catalogued outcome of the registration flow (credit_card_token and CPToken), in file order."""
    _load.cache_clear()
    loaded = tuple(Outcome(**entry) for entry in _load()["outcome"])
    _check(loaded)
    return loaded


@cache
def endpoint_codes() -> tuple[Outcome, ...]:
    """The own error codes of bulk_upsert and search ([[endpoint_code]]), in file order."""
    loaded = tuple(Outcome(**entry) for entry in _load().get("endpoint_code", []))
    _check(loaded, ENDPOINT_SURFACES)
    for entry in loaded:
        if entry.placement not in PLACEMENTS:
            raise ValueError(f"{CATALOGUE_PATH}: endpoint code {entry.id!r} needs placement request or row")
    return loaded


def endpoint_code(code: str | int, endpoint: str) -> Outcome:
    """The own error code of bulk_upsert or search; KeyError names what is catalogued."""
    for entry in endpoint_codes():
        if entry.id == str(code) and entry.surface == endpoint:
            return entry
    known = ", ".join(o.id for o in endpoint_codes() if o.surface == endpoint)
    raise KeyError(f"{code!r} is not an own code of {endpoint} in {CATALOGUE_PATH}; known: {known}")


def outcome(outcome_id: str, surface: str | None = None) -> Outcome:
    """The outcome with this id (on this surface when given); KeyError names what is catalogued."""
    for entry in outcomes():
        if entry.id == str(outcome_id) and surface in (None, entry.surface):
            return entry
    known = ", ".join(o.id for o in outcomes() if surface in (None, o.surface))
    raise KeyError(f"{outcome_id!r} is not in the catalogue ({CATALOGUE_PATH}); known ids: {known}")


def api_outcomes() -> tuple[Outcome, ...]:
    return tuple(o for o in outcomes() if o.surface == "api")


def gateway_outcomes() -> tuple[Outcome, ...]:
    return tuple(o for o in outcomes() if o.surface == "gateway")


def authenticate_outcomes() -> tuple[Outcome, ...]:
    """resultCode/errMsg of ThreeDSAdapter.authenticate (EMV3DSAdapter.js, the current spec's 3-D Secure)."""
    return tuple(o for o in outcomes() if o.surface == "authenticate")


def _check(loaded: tuple[Outcome, ...], surfaces: tuple[str, ...] = SURFACES) -> None:
    seen: set[tuple[str, str]] = set()
    for entry in loaded:
        key = (entry.surface, entry.id)
        if key in seen:
            raise ValueError(f"{CATALOGUE_PATH}: outcome {entry.id!r} is listed twice on surface {entry.surface!r}")
        seen.add(key)
        if entry.surface not in surfaces or entry.source not in SOURCES:
            raise ValueError(f"{CATALOGUE_PATH}: outcome {entry.id!r} has an unknown surface or source")
        needs_http = entry.surface not in CALLBACK_SURFACES
        if needs_http and (entry.http_status is None or entry.code_json not in CODE_JSON_TYPES):
            raise ValueError(f"{CATALOGUE_PATH}: api outcome {entry.id!r} needs http_status and code_json")
