"""Mask card numbers, security codes and secrets in everything the harness writes into reports.

What is searched: plain text, JSON, form and query strings, and percent-encoded text. What is
not: base64, compressed or other binary payloads, HTML entities and JSON ``\\uXXXX`` escapes of
digits, and card numbers glued to further digits (a run longer than 19 digits) unless the card
is given as a secret. Pass the test cards, security codes, access keys and tokens of a run as
``secrets`` so they are masked wherever and however they appear.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "***"
PAN_MIN_DIGITS = 13
PAN_MAX_DIGITS = 19

# What people and encoders put between the digit groups of a card number.
CARD_SEPARATOR = r"(?:[ \t\u00a0.\-+]|%(?:25)?20|%2[bBdDeE]|\\u0020|\\u002[dDeE])"

# Escapes are consumed whole so that the digits of "%22" or "\u0031" never join a digit run.
_DIGIT_RUN = re.compile(
    rf"%[0-9A-Fa-f]{{2}}|\\u[0-9A-Fa-f]{{4}}|&#[xX]?[0-9A-Fa-f]+;"
    rf"|(?P<run>\d+(?:{CARD_SEPARATOR}{{1,3}}\d+)*)"
)
_RUN_PART = re.compile(rf"(?P<sep>{CARD_SEPARATOR}+)|(?P<digits>\d+)")

# A card-number label right before a digit run: only punctuation and quoting in between.
_CARD_LABEL_BEFORE = re.compile(
    r"(?i)(?:(?<![a-z0-9])|(?<=%[0-9a-f]{2}))(?:cn|pan|card[ _\-]?(?:number|num|no)|カード番号)(?![a-z0-9])"
    r"(?:[\s\"'\\:=\[\]>：]|%(?:2[027]|3[AaDd]|5[BbDd])|&quot;){0,12}\Z"
)

_SENSITIVE_KEY = (
    r"[A-Za-z0-9_\-]*(?:token|access[_\-]?key|api[_\-]?key|secret|password|passwd"
    r"|card[_\-]?(?:number|num|no)|security[_\-]?code)"
    r"|cn|pan|cvv2?|cvc2?|csc|tkn"
)
_CARD_KEY = re.compile(r"(?i)(?:[A-Za-z0-9_\-]*card[_\-]?(?:number|num|no)|cn|pan)")
_SENSITIVE_KEY_NAME = re.compile(rf"(?i)(?:{_SENSITIVE_KEY})")

_QUOTE = r"(?:\\*[\"']|%22|%27)"
_KEY_VALUE = re.compile(
    rf"(?i)(?P<kq>{_QUOTE})?(?:(?<![A-Za-z0-9_\-])|(?<=%[0-9A-F]{{2}}))(?P<key>{_SENSITIVE_KEY})(?![A-Za-z0-9_\-])(?(kq)(?P=kq))"
    r"\s*(?P<sep>[:=]|%3[AaDd])\s*"
    r"(?:\"(?P<dq>(?:[^\"\\\n]|\\.)*)\""
    r"|'(?P<sq>(?:[^'\\\n]|\\.)*)'"
    r"|(?P<vq>\\+[\"']|%22|%27)(?P<eq>.*?)(?P=vq)"
    r"|(?!%2[27])(?P<bare>[^\s&,;}\]\)\"'<>#\\]*))"
)
_ALREADY_MASKED = re.compile(r"\*+\d{0,4}")
_JSON_LITERALS = {"null", "true", "false"}
_MAX_PASSES = 8


@dataclass(frozen=True)
class CardNumberSpan:
    """Where a card number sits in a text: ``text[start:end]``, its digits, and why it was taken."""

    start: int
    end: int
    digits: str
    luhn: bool  # passes the check digit
    labelled: bool  # right after a card-number key or label


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check digit that every card number carries."""
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def mask_card_number(digits: str) -> str:
    """The only part of a card number a report may show: its last four digits."""
    return "****" + re.sub(r"\D", "", digits)[-4:]


def find_card_numbers(text: str) -> list[CardNumberSpan]:
    """Every 13–19 digit run that passes Luhn, or follows a card-number label, with or without separators.

    Groups of digits joined by separators are tried as windows of whole groups; groups inside a
    window must have at least three digits, so tables of small numbers are not taken for cards.
    """
    spans: list[CardNumberSpan] = []
    for match in _DIGIT_RUN.finditer(text):
        if match.group("run") is None:
            continue
        base = match.start("run")
        groups = [
            (base + part.start(), base + part.end(), part.group())
            for part in _RUN_PART.finditer(match.group("run"))
            if part.group("digits")
        ]
        labelled = bool(_CARD_LABEL_BEFORE.search(text, max(0, groups[0][0] - 64), groups[0][0]))
        spans.extend(_spans_in_run(groups, labelled))
    return spans


def _spans_in_run(groups: list[tuple[int, int, str]], labelled: bool) -> list[CardNumberSpan]:
    spans: list[CardNumberSpan] = []
    first = 0
    while first < len(groups):
        best: int | None = None
        plain: int | None = None
        digits = ""
        for last in range(first, len(groups)):
            if last - 1 > first and len(groups[last - 1][2]) < 3:
                break
            digits += groups[last][2]
            if len(digits) > PAN_MAX_DIGITS:
                break
            if len(digits) >= PAN_MIN_DIGITS:
                plain = last
                if luhn_valid(digits):
                    best = last
        if best is None and first == 0 and labelled:
            best = plain
        if best is None:
            first += 1
            continue
        joined = "".join(group[2] for group in groups[first : best + 1])
        spans.append(
            CardNumberSpan(
                groups[first][0], groups[best][1], joined, luhn_valid(joined), labelled and first == 0
            )
        )
        first = best + 1
    return spans


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Mask card numbers, the given secrets and the values of card or secret keys; idempotent."""
    return _redact_fixpoint(text, _secret_patterns(secrets))


def redact_json(value: Any, secrets: Iterable[str] = ()) -> Any:
    """A masked deep copy of a JSON-like value: values under card or secret keys, and every string."""
    return _redact_value(value, _secret_patterns(secrets), None)


def redact_headers(headers: Mapping[str, str], secrets: Iterable[str] = ()) -> dict[str, str]:
    """A masked copy of HTTP headers: credentials and cookies always, everything else as text."""
    patterns = _secret_patterns(secrets)
    masked: dict[str, str] = {}
    for name, value in headers.items():
        lowered = name.lower()
        if lowered in ("authorization", "proxy-authorization"):
            scheme, _, credentials = value.strip().partition(" ")
            masked[name] = f"{scheme} {MASK}" if credentials else MASK
        elif lowered == "cookie":
            masked[name] = "; ".join(
                f"{pair.partition('=')[0].strip()}={MASK}" for pair in value.split(";") if pair.strip()
            )
        elif lowered == "set-cookie":
            masked[name] = _redact_set_cookie(value, patterns)
        elif _SENSITIVE_KEY_NAME.fullmatch(name):
            masked[name] = MASK if value else value
        else:
            masked[name] = _redact_fixpoint(value, patterns)
    return masked


@dataclass(frozen=True)
class _SecretPattern:
    pattern: re.Pattern[str]
    replacement: str


def _secret_patterns(secrets: Iterable[str]) -> list[_SecretPattern]:
    patterns: list[_SecretPattern] = []
    for secret in sorted({s.strip() for s in secrets if s and s.strip()}, key=len, reverse=True):
        if set(secret) <= {"*"}:
            continue
        if secret.isascii() and secret.isdigit():
            patterns.append(_digit_secret_pattern(secret))
            continue
        # As written, percent-encoded (path or form style) and JSON-escaped.
        variants = {
            secret,
            quote(secret, safe=""),
            quote(secret),
            quote_plus(secret),
            json.dumps(secret)[1:-1],
        }
        alternatives = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
        patterns.append(_SecretPattern(re.compile(alternatives), MASK))
    return patterns


def _digit_secret_pattern(secret: str) -> _SecretPattern:
    if len(secret) >= PAN_MIN_DIGITS:
        # A card given as a secret is masked however it is split and whatever digits surround it.
        body = f"{CARD_SEPARATOR}{{0,3}}".join(secret)
        return _SecretPattern(re.compile(body), mask_card_number(secret))
    # A short code is only masked as a whole number, so "123" does not eat into "****1123".
    return _SecretPattern(
        re.compile(rf"(?:(?<![0-9])|(?<=%[0-9A-Fa-f]{{2}})){re.escape(secret)}(?![0-9])"), MASK
    )


def _redact_fixpoint(text: str, patterns: list[_SecretPattern]) -> str:
    for _ in range(_MAX_PASSES):
        masked = _redact_once(text, patterns)
        if masked == text:
            break
        text = masked
    return text


def _redact_once(text: str, patterns: list[_SecretPattern]) -> str:
    for secret in patterns:
        text = secret.pattern.sub(secret.replacement, text)
    text = _KEY_VALUE.sub(_mask_key_value, text)
    return _mask_card_numbers(text)


def _mask_card_numbers(text: str) -> str:
    pieces: list[str] = []
    cursor = 0
    for span in find_card_numbers(text):
        pieces.append(text[cursor : span.start])
        pieces.append(mask_card_number(span.digits))
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _mask_key_value(match: re.Match[str]) -> str:
    key = match.group("key")
    for group in ("dq", "sq", "eq", "bare"):
        value = match.group(group)
        if value is not None:
            break
    masked = _mask_value(key, value)
    if masked == value:
        return match.group(0)
    start, end = match.span(group)
    offset = match.start()
    whole = match.group(0)
    kq = match.group("kq")
    if group == "bare" and kq and match.group("sep") in (":", "%3A", "%3a"):
        # Keep JSON valid: a number under a card key becomes a quoted mask.
        masked = f"{kq}{masked}{kq}"
    return whole[: start - offset] + masked + whole[end - offset :]


def _mask_value(key: str, value: str) -> str:
    if not value or value.lower() in _JSON_LITERALS or value == MASK or _ALREADY_MASKED.fullmatch(value):
        return value
    if _CARD_KEY.fullmatch(key):
        digits = re.sub(r"\D", "", value)
        return mask_card_number(digits) if len(digits) >= 4 else MASK
    return MASK


def _redact_value(value: Any, patterns: list[_SecretPattern], sensitive_key: str | None) -> Any:
    if isinstance(value, Mapping):
        return {
            (_redact_fixpoint(k, patterns) if isinstance(k, str) else k): _redact_value(
                v, patterns, k if isinstance(k, str) and _SENSITIVE_KEY_NAME.fullmatch(k) else sensitive_key
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_redact_value(item, patterns, sensitive_key) for item in value]
    if isinstance(value, tuple):
        return tuple(_redact_value(item, patterns, sensitive_key) for item in value)
    if value is None or isinstance(value, bool):
        return value
    if sensitive_key is not None:
        if isinstance(value, (int, float, str)):
            return _mask_value(sensitive_key, str(value))
        return MASK
    if isinstance(value, int):
        digits = str(abs(value))
        if PAN_MIN_DIGITS <= len(digits) <= PAN_MAX_DIGITS and luhn_valid(digits):
            return mask_card_number(digits)
        return value
    if isinstance(value, float):
        return value
    return _redact_fixpoint(value if isinstance(value, str) else str(value), patterns)


_COOKIE_PAIR = re.compile(r"(?:^|(?<=,))(?P<lead>\s*)(?P<name>[^=;,\s]+)=(?P<value>[^;,]*)")


def _redact_set_cookie(value: str, patterns: list[_SecretPattern]) -> str:
    masked = _COOKIE_PAIR.sub(lambda m: f"{m.group('lead')}{m.group('name')}={MASK}", value)
    return _redact_fixpoint(masked, patterns)
