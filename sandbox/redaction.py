"""Redaction of journal entries: card numbers, security codes, access keys and tokens never stay readable."""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from typing import Any
from urllib.parse import unquote_plus

# Plain Python on purpose (no Starlette): the harness's redaction may later share this module.
MASK = "***"
MAX_DEPTH = 64
TOO_DEEP = "(nested too deep, not kept)"
# Key names after lower-casing, percent-decoding and dropping everything but letters and digits.
CARD_NUMBER_KEYS = frozenset({"cn", "cardnumber", "cardno", "cardnum", "pan"})
SECRET_KEYS = frozenset(
    {"cvv", "cvv2", "cvc", "cvc2", "csc", "securitycode", "accesskey", "token", "tkn"}
)
DIGIT = "[0-9\uff10-\uff19]"  # ASCII and full-width digits
# A run of 13 to 19 digits, possibly grouped by single spaces or hyphens, not inside a longer run.
CARD_NUMBER_RUN = re.compile(rf"(?<!{DIGIT})(?:{DIGIT}[ \-]?){{12,18}}{DIGIT}(?!{DIGIT})")
BASE64_BLOB = re.compile(r"(?<![A-Za-z0-9+/_\-])[A-Za-z0-9+/_\-]{16,}={0,2}")
# key=value, "key": "value", key: value — the key may be quoted or percent-encoded (cv%76=987).
KEYED_VALUE = re.compile(
    r"""(?<![A-Za-z0-9_%\-.])(?P<key>[A-Za-z0-9_%\-.]++)(?P<quote>["']?)\s*(?P<sep>[:=]|%3[AaDd])\s*["']?(?P<value>[^"'&,;\s}<\]]*)"""
)
XML_ELEMENT = re.compile(r"<(?P<tag>[A-Za-z_][\w:.\-]*)(?:\s[^<>]*)?>(?P<value>[^<]*)</(?P=tag)\s*>")
MULTIPART_FIELD = re.compile(
    r"""(?i)name\s*=\s*"?(?P<key>[^";\r\n]++)"?[^\r\n]*+\r?\n(?:[^\r\n]+\r?\n){0,8}\r?\n(?P<value>[^\r\n]*)"""
)


def redact(value: Any, depth: int = 0) -> Any:
    """A copy of a text or JSON-like value with every card number, security code, access key and token
    masked: card numbers as `****` and their last four digits, the rest as `***`."""
    if depth > MAX_DEPTH:
        return TOO_DEEP
    if isinstance(value, str):
        return _redact_text(value)
    if isinstance(value, dict):
        return {_redact_text(str(key)): _redact_field(str(key), item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item, depth + 1) for item in value]
    if isinstance(value, int | float) and not isinstance(value, bool) and CARD_NUMBER_RUN.search(str(value)):
        return _redact_text(str(value))
    return value


def _redact_field(key: str, value: Any, depth: int) -> Any:
    kind = _key_kind(key)
    if kind is None or value is None or value == "":
        return redact(value, depth)
    if kind == "card" and isinstance(value, str | int) and not isinstance(value, bool):
        return _mask_card_number(str(value))
    return MASK


def _key_kind(key: str) -> str | None:
    name = re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKC", unquote_plus(key)).lower())
    if name in CARD_NUMBER_KEYS:
        return "card"
    return "secret" if name in SECRET_KEYS else None


def _mask_card_number(text: str) -> str:
    digits = re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", text))
    return "****" + digits[-4:] if len(digits) >= 4 else MASK


def _masked_value(key: str, value: str) -> str | None:
    kind = _key_kind(key)
    if kind is None or not value:
        return None
    return _mask_card_number(value) if kind == "card" else MASK


def _redact_text(text: str) -> str:
    text = MULTIPART_FIELD.sub(lambda m: _replace(m, _masked_value(m["key"], m["value"])), text)
    text = XML_ELEMENT.sub(lambda m: _replace(m, _masked_value(m["tag"].rsplit(":", 1)[-1], m["value"])), text)
    text = KEYED_VALUE.sub(lambda m: _replace(m, _masked_value(m["key"], m["value"])), text)
    text = BASE64_BLOB.sub(lambda m: MASK if _hides_card_number(m.group(0)) else m.group(0), text)
    return CARD_NUMBER_RUN.sub(lambda m: _mask_card_number(m.group(0)), text)


def _replace(match: re.Match[str], masked: str | None) -> str:
    """The match with its `value` group replaced by the masked value (unchanged when None)."""
    if masked is None:
        return match.group(0)
    start, end = match.span("value")
    offset = match.start()
    whole = match.group(0)
    return whole[: start - offset] + masked + whole[end - offset :]


def _hides_card_number(blob: str) -> bool:
    """Base64 (standard or URL-safe) whose decoded bytes hold a card-number-like digit run."""
    if blob.isdigit():
        return False
    padded = blob.rstrip("=") + "=" * (-len(blob.rstrip("=")) % 4)
    try:
        decoded = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return False
    return CARD_NUMBER_RUN.search(decoded.decode("latin-1")) is not None
