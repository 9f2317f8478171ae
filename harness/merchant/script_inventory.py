"""The payment page's script inventory (PCI DSS 6.4.3): what runs there, compared with what was approved."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from harness.core.origins import origin_of
from harness.core.toml_files import TomlFileError, closest, read_toml, suggestion, toml_string

INLINE = "inline"
PLACEHOLDER_JUSTIFICATION = "TODO: say why this script is needed"
_ENTRY_KEYS = ("origin", "url", "sha256", "justification")
_HEADER = """\
# Scripts approved to run on the payment page (PCI DSS 6.4.3).
# One [[script]] per script: its origin, its url (or "inline" for a script written into the
# page, recognised by its sha256 alone), the sha256 of its content, and why it is needed.
# Review every entry; replace each "{placeholder}" with the reason.
"""


class InventoryError(TomlFileError):
    """An inventory file that cannot be used; the message has one line per mistake."""


@dataclass(frozen=True)
class ScriptRecord:
    """A script seen on the page, external (with its url) or inline (url None), and its content's hash."""

    url: str | None
    origin: str
    sha256: str
    kind: Literal["external", "inline"]
    frame_url: str

    @classmethod
    def from_content(cls, content: bytes | str, frame_url: str, url: str | None = None) -> ScriptRecord:
        """A record for a script's source text; without a url the script is inline in the frame."""
        data = content.encode("utf-8") if isinstance(content, str) else content
        digest = hashlib.sha256(data).hexdigest()
        if url is None:
            return cls(None, origin_of(frame_url), digest, "inline", frame_url)
        return cls(_without_fragment(url), origin_of(url), digest, "external", frame_url)


@dataclass(frozen=True)
class ApprovedScript:
    """One entry of the approved inventory; url None is an inline script."""

    origin: str
    url: str | None
    sha256: str
    justification: str

    @property
    def shown(self) -> str:
        return self.url or f"inline script {self.sha256[:12]}… on {self.origin}"


@dataclass(frozen=True)
class ScriptChange:
    """An approved url that now serves other content."""

    observed: ScriptRecord
    approved: ApprovedScript


@dataclass(frozen=True)
class InventoryResult:
    """Observed scripts sorted against the approved inventory."""

    new: list[ScriptRecord] = field(default_factory=list)
    changed: list[ScriptChange] = field(default_factory=list)
    missing: list[ApprovedScript] = field(default_factory=list)
    approved: list[ScriptRecord] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No script runs that was not approved as it is; an approved script not seen is only reported."""
        return not self.new and not self.changed

    def problems(self) -> list[str]:
        """One line per unapproved script, for an assertion message."""
        lines = [f"new script, not in the approved inventory: {_describe(record)}" for record in self.new]
        lines += [
            f"changed script: {change.observed.url} now has sha256 {change.observed.sha256}, "
            f"approved {change.approved.sha256}"
            for change in self.changed
        ]
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "new": [_record_dict(r) for r in self.new],
            "changed": [
                {**_record_dict(c.observed), "approved_sha256": c.approved.sha256} for c in self.changed
            ],
            "missing": [
                {"url": a.url or INLINE, "origin": a.origin, "sha256": a.sha256} for a in self.missing
            ],
            "approved": [_record_dict(r) for r in self.approved],
        }



def load_inventory(path: str | Path, allow_placeholder: bool = False) -> list[ApprovedScript]:
    """Read an approved inventory, or raise InventoryError naming every mistake in it at once.

    An entry still carrying the placeholder justification is a mistake unless ``allow_placeholder``:
    a script nobody has justified is not approved.
    """
    path = Path(path)
    shown = str(path)
    data = read_toml(path, shown, "a script inventory", InventoryError)
    problems: list[str] = []
    for key in data:
        if key != "script":
            hint = suggestion(key, ("script",))
            problems.append(f"{shown}: unknown key '{key}'{hint}; list scripts as [[script]] tables")
    entries = data.get("script", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problems.append(f"{shown}: script must be written as [[script]] tables, one per script")
        raise InventoryError(problems)
    approved: list[ApprovedScript] = []
    seen: set[tuple[str | None, str]] = set()
    for number, entry in enumerate(entries, start=1):
        script = _entry(entry, f"{shown}: script #{number}", allow_placeholder, problems)
        if script is None:
            continue
        if (script.url, script.sha256) in seen:
            problems.append(f"{shown}: script #{number} ({script.shown}) is listed twice; keep one entry")
        seen.add((script.url, script.sha256))
        approved.append(script)
    if problems:
        raise InventoryError(problems)
    return approved


def compare(observed: Iterable[ScriptRecord], approved: Sequence[ApprovedScript]) -> InventoryResult:
    """Sort what ran into approved, new and changed (same url, other hash); list approved scripts not seen."""
    result = InventoryResult()
    matched: set[int] = set()
    for record in _unique(observed):
        if record.kind == "inline":
            same = [i for i, a in enumerate(approved) if a.url is None and a.sha256 == record.sha256]
            elsewhere: list[int] = []
        else:
            same = [i for i, a in enumerate(approved) if a.url == record.url and a.sha256 == record.sha256]
            elsewhere = [i for i, a in enumerate(approved) if a.url == record.url]
        if same:
            matched.update(same)
            result.approved.append(record)
        elif elsewhere:
            matched.update(elsewhere)
            result.changed.append(ScriptChange(record, approved[elsewhere[0]]))
        else:
            result.new.append(record)
    result.missing.extend(a for i, a in enumerate(approved) if i not in matched)
    return result


def write_inventory(
    observed: Iterable[ScriptRecord], path: str | Path, existing: Sequence[ApprovedScript] | None = None
) -> Path:
    """Write the observed scripts as an inventory for a person to review, keeping known justifications.

    ``existing`` defaults to the inventory already at ``path``, if any. A script whose content changed
    keeps its justification under a comment asking for review; approved scripts not seen this time are
    kept under a comment, never dropped silently.
    """
    path = Path(path)
    if existing is None:
        existing = load_inventory(path, allow_placeholder=True) if path.exists() else []
    entries: list[tuple[tuple[Any, ...], str]] = []
    used: set[int] = set()
    for record in _unique(observed):
        comments: list[str] = []
        justification = PLACEHOLDER_JUSTIFICATION
        exact = [i for i, a in enumerate(existing) if a.url == record.url and a.sha256 == record.sha256]
        same_url = [i for i, a in enumerate(existing) if record.url is not None and a.url == record.url]
        if exact:
            justification = existing[exact[0]].justification
            used.update(exact)
        elif same_url:
            justification = existing[same_url[0]].justification
            before = existing[same_url[0]].sha256
            comments.append(f"CHANGED: the approved content had sha256 {before}; review this version")
            used.update(same_url)
        if record.kind == "inline":
            comments.append(f"inline script in {record.frame_url}")
        elif record.frame_url and origin_of(record.frame_url) != origin_of(record.url or ""):
            comments.append(f"loaded by {record.frame_url}")
        approved = ApprovedScript(record.origin, record.url, record.sha256, justification)
        entries.append((_sort_key(approved), _entry_text(approved, comments)))
    for index, script in enumerate(existing):
        if index not in used:
            note = "not seen on the page in the last run; delete it if the page no longer loads it"
            entries.append((_sort_key(script), _entry_text(script, [note])))
    text = _HEADER.format(placeholder=PLACEHOLDER_JUSTIFICATION)
    text += "".join(f"\n{entry}" for _, entry in sorted(entries, key=lambda item: item[0]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path



def _entry_text(script: ApprovedScript, comments: list[str]) -> str:
    lines = ["[[script]]"]
    lines += ["# " + " ".join(comment.splitlines()) for comment in comments]
    lines += [
        f"origin = {toml_string(script.origin)}",
        f"url = {toml_string(script.url or INLINE)}",
        f"sha256 = {toml_string(script.sha256)}",
        f"justification = {toml_string(script.justification)}",
    ]
    return "\n".join(lines) + "\n"


def _sort_key(script: ApprovedScript) -> tuple[Any, ...]:
    return (script.url is None, script.origin, script.url or "", script.sha256)


def _unique(records: Iterable[ScriptRecord]) -> list[ScriptRecord]:
    """The same script loaded twice (two frames, a reload) is one entry."""
    seen: dict[tuple[str | None, str], ScriptRecord] = {}
    for record in records:
        seen.setdefault((record.url, record.sha256), record)
    return list(seen.values())


def _describe(record: ScriptRecord) -> str:
    if record.kind == "inline":
        return f"inline script sha256 {record.sha256} in {record.frame_url}"
    return f"{record.url} (sha256 {record.sha256})"


def _record_dict(record: ScriptRecord) -> dict[str, Any]:
    return {
        "url": record.url or INLINE,
        "origin": record.origin,
        "sha256": record.sha256,
        "kind": record.kind,
        "frame_url": record.frame_url,
    }


def _without_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))




def _entry(
    entry: dict[str, Any], label: str, allow_placeholder: bool, problems: list[str]
) -> ApprovedScript | None:
    before = len(problems)
    misspelt = set()
    for key in entry:
        if key not in _ENTRY_KEYS:
            problems.append(f"{label}: unknown key '{key}'{suggestion(key, _ENTRY_KEYS)}")
            misspelt.update(filter(None, [closest(key, _ENTRY_KEYS)]))
    values: dict[str, str] = {}
    for key in _ENTRY_KEYS:
        value = entry.get(key)
        if value is None:
            if key not in misspelt:  # the unknown-key line already says which key was meant
                problems.append(f"{label}: {key} is missing")
        elif not isinstance(value, str):
            problems.append(f"{label}: {key} must be a quoted string")
        else:
            values[key] = value.strip()
    if len(problems) > before:
        return None
    url = None if values["url"] == INLINE else values["url"]
    origin, sha256, justification = values["origin"], values["sha256"].lower(), values["justification"]
    label = f"{label} ({url or INLINE})"
    if url is not None and urlsplit(url).scheme not in ("http", "https"):
        problems.append(f'{label}: url must be an http(s) address or "{INLINE}"')
    elif url is not None and origin_of(url) != origin.lower():
        problems.append(f"{label}: origin {origin!r} is not the origin of the url ({origin_of(url)})")
    elif not re.fullmatch(r"[a-z][a-z0-9+.\-]*://[^/?#\s]+|null", origin.lower()):
        problems.append(f"{label}: origin must look like https://host[:port], not {origin!r}")
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        problems.append(f"{label}: sha256 must be 64 hexadecimal characters, not {values['sha256']!r}")
    if not justification:
        problems.append(f"{label}: justification is empty; write why the payment page needs this script")
    elif justification == PLACEHOLDER_JUSTIFICATION and not allow_placeholder:
        problems.append(f"{label}: justification is still the placeholder; write why the page needs it")
    if len(problems) > before:
        return None
    return ApprovedScript(origin.lower(), url, sha256, justification)
