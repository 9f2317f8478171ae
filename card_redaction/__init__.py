"""One redaction for the harness and the sandbox: card numbers, security codes, tokens and secrets masked."""

from __future__ import annotations

from card_redaction.keys import MASK, is_sensitive_key, luhn_valid, mask_card_number
from card_redaction.masking import (
    CARD_SEPARATOR,
    PAN_MAX_DIGITS,
    PAN_MIN_DIGITS,
    TOO_DEEP,
    CardNumberSpan,
    embedded_in_token,
    find_card_numbers,
    redact_headers,
    redact_json,
    redact_text,
)

__all__ = [
    "CARD_SEPARATOR",
    "MASK",
    "PAN_MAX_DIGITS",
    "PAN_MIN_DIGITS",
    "TOO_DEEP",
    "CardNumberSpan",
    "embedded_in_token",
    "find_card_numbers",
    "is_sensitive_key",
    "luhn_valid",
    "mask_card_number",
    "redact_headers",
    "redact_json",
    "redact_text",
]
