"""The TOML files a person writes for the harness (profiles, inventories, baselines): reading them with one
sentence per mistake, suggesting the key that was probably meant, and writing strings back safely."""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any


class TomlFileError(ValueError):
    """A file that cannot be used; the message has one line per mistake."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def read_toml(path: Path, shown: str, what: str, error: type[TomlFileError] = TomlFileError) -> dict[str, Any]:
    """The file's table, or `error` with one sentence: `what` names the kind of file ("a merchant profile")."""
    if not path.exists():
        raise error([f"{shown}: no such file; give the path of {what} (.toml)"])
    if path.is_dir():
        raise error([f"{shown}: is a directory; give the path of {what} (.toml)"])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error([f"{shown}: cannot be read ({exc.strerror}); check its permissions"]) from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise error([f"{shown}: is not UTF-8 text; save it as UTF-8"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise error([f"{shown}: is not valid TOML: {exc}"]) from None


def closest(key: str, known: Iterable[str]) -> str | None:
    """The known key an unknown one was probably meant to be."""
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def suggestion(key: str, known: Iterable[str]) -> str:
    """" (did you mean 'x'?)" when a known key is close, else ""."""
    close = closest(key, known)
    return f" (did you mean '{close}'?)" if close else ""


def toml_string(value: str) -> str:
    """A TOML basic string for any text: quotes, backslashes and control characters escaped."""
    out = []
    for char in value:
        code = ord(char)
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char in "\b\t\n\f\r":
            out.append({"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}[char])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\ufffd")  # a lone surrogate cannot be written as UTF-8
        else:
            out.append(char)
    return '"' + "".join(out) + '"'
