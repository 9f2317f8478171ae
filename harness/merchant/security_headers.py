"""Change detection of the payment page's security headers (PCI DSS 11.6.1) against an approved baseline."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from harness.core.toml_files import TomlFileError, read_toml, suggestion, toml_string

TRACKED_HEADERS = (
    "content-security-policy",
    "strict-transport-security",
    "x-frame-options",
    "referrer-policy",
    "permissions-policy",
)
# Within content-security-policy, but it is what stops the payment page being framed: reported on its own.
FRAME_ANCESTORS = "frame-ancestors"
SNAPSHOT_KEYS = (*TRACKED_HEADERS, FRAME_ANCESTORS)
# Values of these are case-insensitive tokens ("DENY" is "deny").
_CASE_INSENSITIVE = ("x-frame-options", "referrer-policy")
_HEADER = """\
# Approved security headers of the payment page (PCI DSS 11.6.1).
# The harness reports every header dropped, added or changed against this file; edit it only
# after reviewing the change. frame-ancestors is read from content-security-policy and compared
# on its own; it is not written here. Headers listed in `absent` were not sent when approved.
"""


class BaselineError(TomlFileError):
    """A header baseline that cannot be used; the message has one line per mistake."""


@dataclass(frozen=True)
class HeaderChange:
    """One tracked header that differs from the baseline."""

    name: str
    approved: str | None
    observed: str | None
    kind: Literal["dropped", "added", "changed"]

    def describe(self) -> str:
        if self.kind == "dropped":
            return f"{self.name} was dropped (approved: {self.approved!r})"
        if self.kind == "added":
            return f"{self.name} was added: {self.observed!r} (approved: absent)"
        return f"{self.name} changed from {self.approved!r} to {self.observed!r}"


def snapshot(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str | None]:
    """The tracked headers of a response, names lower-cased, values normalised, missing ones None.

    Repeated headers (given as pairs) are joined with ", " as HTTP allows.
    """
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    joined: dict[str, str] = {}
    for name, value in pairs:
        key = name.strip().lower()
        if key in TRACKED_HEADERS:
            joined[key] = f"{joined[key]}, {value}" if key in joined else value
    taken: dict[str, str | None] = {name: normalise(name, joined.get(name)) for name in TRACKED_HEADERS}
    taken[FRAME_ANCESTORS] = frame_ancestors(taken["content-security-policy"])
    return taken


def normalise(name: str, value: str | None) -> str | None:
    """Whitespace collapsed, CSP directives trimmed, token headers lower-cased; a blank value is absent."""
    if value is None:
        return None
    value = re.sub(r"\s+", " ", value).strip()
    if name == "content-security-policy":
        policies = [
            "; ".join(d.strip() for d in policy.split(";") if d.strip()) for policy in value.split(",")
        ]
        value = ", ".join(p for p in policies if p)
    else:
        value = re.sub(r"\s*;\s*", "; ", re.sub(r"\s*,\s*", ", ", value)).strip("; ")
    if name in _CASE_INSENSITIVE:
        value = value.lower()
    return value or None


def frame_ancestors(csp: str | None) -> str | None:
    """The frame-ancestors sources of a content-security-policy (each policy's, joined by ", "), or None."""
    if not csp:
        return None
    found = []
    for policy in csp.split(","):
        for directive in policy.split(";"):
            name, _, sources = directive.strip().partition(" ")
            if name.lower() == FRAME_ANCESTORS:
                found.append(" ".join(sources.split()) or "(no sources)")
    return ", ".join(found) or None


def compare(observed: Mapping[str, str | None], baseline: Mapping[str, str | None]) -> list[HeaderChange]:
    """Every tracked header (and frame-ancestors) dropped, added or changed since the baseline."""
    observed = _complete(observed)
    baseline = _complete(baseline)
    changes = []
    for name in SNAPSHOT_KEYS:
        approved, seen = baseline[name], observed[name]
        if approved == seen:
            continue
        kind: Literal["dropped", "added", "changed"]
        kind = "added" if approved is None else "dropped" if seen is None else "changed"
        changes.append(HeaderChange(name, approved, seen, kind))
    return changes


def load_baseline(path: str | Path) -> dict[str, str | None]:
    """Read an approved header baseline as a snapshot, or raise BaselineError naming every mistake."""
    path = Path(path)
    shown = str(path)
    data = read_toml(path, shown, "a header baseline", BaselineError)
    problems: list[str] = []
    for key in data:
        if key not in ("page", "absent", "headers"):
            problems.append(f"{shown}: unknown key '{key}'{suggestion(key, ('page', 'absent', 'headers'))}")
    if "page" in data and not isinstance(data["page"], str):
        problems.append(f"{shown}: page must be a quoted address")
    headers = data.get("headers", {})
    if not isinstance(headers, dict):
        problems.append(f"{shown}: headers must be a table ([headers])")
        headers = {}
    absent = data.get("absent", [])
    if not isinstance(absent, list) or not all(isinstance(name, str) for name in absent):
        problems.append(f'{shown}: absent must be a list of header names, e.g. absent = ["x-frame-options"]')
        absent = []
    values: dict[str, str | None] = {}
    for name, value in headers.items():
        if _check_name(name, f"{shown}: headers", problems):
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{shown}: headers.{name} must be a non-empty quoted string, or be in absent")
            else:
                values[name.lower()] = value
    for name in absent:
        if _check_name(name, f"{shown}: absent", problems) and name.lower() in values:
            problems.append(f"{shown}: {name} is both in [headers] and in absent; keep one")
    if problems:
        raise BaselineError(problems)
    taken = {name: normalise(name, values.get(name)) for name in TRACKED_HEADERS}
    taken[FRAME_ANCESTORS] = frame_ancestors(taken["content-security-policy"])
    return taken


def write_baseline(observed: Mapping[str, str | None], path: str | Path, page: str | None = None) -> Path:
    """Write a snapshot as the baseline a person reviews and commits."""
    path = Path(path)
    observed = _complete(observed)
    lines = [_HEADER.rstrip("\n")]
    if page:
        lines.append(f"page = {toml_string(page)}")
    absent = [name for name in TRACKED_HEADERS if observed[name] is None]
    lines.append("absent = [" + ", ".join(toml_string(name) for name in absent) + "]")
    lines += ["", "[headers]"]
    lines += [f"{name} = {toml_string(observed[name] or '')}" for name in TRACKED_HEADERS if observed[name]]
    if observed[FRAME_ANCESTORS]:
        lines.append(f"# frame-ancestors (from content-security-policy): {observed[FRAME_ANCESTORS]}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _complete(values: Mapping[str, str | None]) -> dict[str, str | None]:
    """A snapshot with every key, normalised, so that hand-made or partial baselines compare fairly."""
    lowered = {name.lower(): value for name, value in values.items()}
    taken = {name: normalise(name, lowered.get(name)) for name in TRACKED_HEADERS}
    taken[FRAME_ANCESTORS] = (
        normalise(FRAME_ANCESTORS, lowered[FRAME_ANCESTORS])
        if FRAME_ANCESTORS in lowered
        else frame_ancestors(taken["content-security-policy"])
    )
    return taken


def _check_name(name: str, label: str, problems: list[str]) -> bool:
    lowered = name.lower()
    if lowered in TRACKED_HEADERS:
        return True
    if lowered == FRAME_ANCESTORS:
        problems.append(f"{label}: frame-ancestors is read from content-security-policy; remove it")
    else:
        hint = suggestion(lowered, TRACKED_HEADERS) or f"; the tracked ones are {', '.join(TRACKED_HEADERS)}"
        problems.append(f"{label}: '{name}' is not a tracked header{hint}")
    return False

