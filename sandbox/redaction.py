"""Redaction of journal entries: card numbers, security codes, access keys and tokens never stay readable."""

from __future__ import annotations

import re
from typing import Any

# A run of 13 to 19 digits, possibly grouped by single spaces or hyphens, not inside a longer run.
CARD_NUMBER_RUN = re.compile(r"(?<![0-9])(?:[0-9][ -]?){12,18}[0-9](?![0-9])")
CARD_NUMBER_KEYS = frozenset({"cn", "card_number", "cardnumber", "card_no"})
SECRET_KEYS = frozenset({"cvv", "security_code", "securitycode", "access_key", "token", "tkn"})
HIDDEN = "***"


def mask_card_number(text: str) -> str:
    """`****` and the last four digits."""
    digits = re.sub(r"[^0-9]", "", text)
    return "****" + digits[-4:] if len(digits) >= 4 else HIDDEN


def redact_text(text: str) -> str:
    """Every card-number-like digit run in free text masked to its last four digits."""
    text = CARD_NUMBER_RUN.sub(lambda match: mask_card_number(match.group(0)), text)
    # Secret fields in bodies that were not parseable JSON (form posts, broken JSON).
    keys = "|".join(sorted(CARD_NUMBER_KEYS | SECRET_KEYS))
    return re.sub(
        rf"""(?i)(["']?\b(?:{keys})\b["']?\s*[:=]\s*["']?)([^"'&,\s}}]*)""",
        lambda match: match.group(1) + (HIDDEN if match.group(2) else ""),
        text,
    )


def redact(value: Any) -> Any:
    """A copy of a JSON-like value with every secret masked; the key decides, then the shape of the value."""
    if isinstance(value, dict):
        return {key: _redact_field(str(key), item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, int) and not isinstance(value, bool) and 13 <= len(str(abs(value))) <= 19:
        return mask_card_number(str(value))
    return value


def _redact_field(key: str, value: Any) -> Any:
    lowered = key.lower()
    if value is None or value == "":
        return value
    if lowered in CARD_NUMBER_KEYS and isinstance(value, str | int) and not isinstance(value, bool):
        return mask_card_number(str(value))
    if lowered in CARD_NUMBER_KEYS | SECRET_KEYS:
        return HIDDEN
    return redact(value)
