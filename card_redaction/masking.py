"""The engine: card numbers, security codes and secrets masked in texts, JSON values and headers."""

from __future__ import annotations

import json
import re
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, quote_plus

from card_redaction.fields import mask_base64, mask_encoded_keys, mask_multipart_fields, mask_xml_elements
from card_redaction.keys import (
    MASK,
    SENSITIVE_KEY_NAME,
    ascii_digits,
    is_sensitive_key,
    luhn_valid,
    mask_card_number,
    mask_value,
)

TOO_DEEP = "(nested too deep, not kept)"
PAN_MIN_DIGITS = 13
PAN_MAX_DIGITS = 19

# What people and encoders put between the digit groups of a card number.
CARD_SEPARATOR = r"(?:[ \t\u00a0.\-+]|%(?:25)?20|%2[bBdDeE]|\\u0020|\\u002[dDeE])"

# Escapes are consumed whole so that the digits of "%22" or "\u0031" never join a digit run.
_DIGIT_RUN = re.compile(
    rf"%[0-9A-Fa-f]{{2}}|\\u[0-9A-Fa-f]{{4}}|&#[xX]?[0-9A-Fa-f]+;"
    rf"|(?P<run>\d+(?:{CARD_SEPARATOR}{{1,3}}\d+)*)"
)
_GROUP = re.compile(rf"(?P<sep>{CARD_SEPARATOR}+)|(?P<digits>\d+)")

# A card-number label right before a digit run: only punctuation and quoting in between.
_CARD_LABEL_BEFORE = re.compile(
    r"(?i)(?:(?<![a-z0-9])|(?<=%[0-9a-f]{2}))(?:cn|pan|card[ _\-]?(?:number|num|no)|カード番号)(?![a-z0-9])"
    r"(?:[\s\"'\\:=\[\]>：]|%(?:2[027]|3[AaDd]|5[BbDd])|&quot;){0,12}\Z"
)

# Every sensitive key contains one of these; searching for them first keeps long texts fast.
_KEY_HINT = re.compile(r"(?i)token|tkn|key|secret|passw|card|security|cn|pan|cv[vc]|csc")
_KEY_CHARS = frozenset(string.ascii_letters + string.digits + "_-")
_HEX = frozenset(string.hexdigits)
_AFTER_KEY = re.compile(
    r"\s*(?P<sep>[:=]|%3[AaDd])\s*"
    r"(?:\"(?P<dq>(?:[^\"\\\n]|\\.)*)\""
    r"|'(?P<sq>(?:[^'\\\n]|\\.)*)'"
    r"|(?P<vq>\\+[\"']|%22|%27)(?P<eq>.*?)(?P=vq)"
    r"|(?!%2[27])(?P<bare>[^\s&,;}\]\)\"'<>#\\]*))"
)
# An escape right before a digit run ends in a letter or digit without gluing the run to a token.
_ESCAPE_BEFORE = re.compile(r"(?:%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\[nrtbf])\Z")
# With any_digit_run: every run of 13 to 19 digits (ASCII or full-width, grouped by single spaces or
# hyphens) not inside a longer run, Luhn or not, glued to letters or not.
_ANY_DIGIT_RUN = re.compile(r"(?<![0-9０-９])(?:[0-9０-９][ \-]?){12,18}[0-9０-９](?![0-9０-９])")
_MAX_PASSES = 8

_Group = tuple[int, int, str]  # start, end, digits


@dataclass(frozen=True)
class CardNumberSpan:
    """Where a card number sits in a text: ``text[start:end]``, its digits, and why it was taken."""

    start: int
    end: int
    digits: str
    luhn: bool  # passes the check digit
    labelled: bool  # right after a card-number key or label
    embedded: bool = False  # glued to letters: part of a longer alphanumeric or hex token (an id, a digest)


def find_card_numbers(text: str) -> list[CardNumberSpan]:
    """Every 13–19 digit run that passes Luhn, or follows a card-number label, with or without separators.

    Groups of digits joined by separators are tried as windows of whole groups; groups inside a
    window must have at least three digits, so tables of small numbers are not taken for cards.
    """
    spans: list[CardNumberSpan] = []
    for groups in _digit_runs(text, PAN_MIN_DIGITS):
        spans.extend(_spans_in_run(groups, _label_check(text, groups[0][0])))
    return [replace(span, embedded=embedded_in_token(text, span.start, span.end)) for span in spans]


def embedded_in_token(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is glued to letters of a longer token ("a3f4111111111111111b", a hex id or
    digest), rather than standing alone or after an escape such as %3D, \\u0020 or \\n."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if after.isascii() and (after.isalpha() or after == "_"):
        return True
    if not (before.isascii() and (before.isalnum() or before == "_")):
        return False
    return not _ESCAPE_BEFORE.search(text, max(0, start - 8), start)


def redact_text(text: str, secrets: Iterable[str] = (), *, any_digit_run: bool = False, base64: bool = False) -> str:
    """Mask card numbers, the given secrets and the values of card or secret keys; idempotent.

    Searched: plain text, JSON (also escaped inside JSON), form and query strings, percent-encoded
    text and key names, multipart form fields, XML elements, full-width digits. Not searched unless
    asked: base64 (``base64=True``: a blob whose decoding holds card data becomes ***). Card numbers
    are Luhn-valid 13–19 digit runs or runs after a card-number label; ``any_digit_run=True`` masks
    every 13–19 digit run as well (the sandbox's journal: it has no ids or timestamps to keep).
    Never searched: compressed or binary payloads, HTML entities and ``\\uXXXX`` escapes of digits,
    card numbers glued to further digits — unless the card is given as a secret. Pass a run's test
    cards, security codes, access keys and tokens as ``secrets`` so they are masked wherever they appear.
    """
    return _redact_fixpoint(text, _Secrets.of(secrets, any_digit_run, base64))


def redact_json(value: Any, secrets: Iterable[str] = (), *, any_digit_run: bool = False, base64: bool = False,
                max_depth: int | None = None) -> Any:
    """A masked deep copy of a JSON-like value: values under card or secret keys, keys and every string
    as redact_text masks them; containers deeper than max_depth are replaced by TOO_DEEP."""
    return _redact_value(value, _Secrets.of(secrets, any_digit_run, base64), None, max_depth)


def redact_headers(headers: Mapping[str, str], secrets: Iterable[str] = ()) -> dict[str, str]:
    """A masked copy of HTTP headers: credentials and cookies always, everything else as text."""
    known = _Secrets.of(secrets)
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
            cookies = _COOKIE_PAIR.sub(lambda m: f"{m.group('lead')}{m.group('name')}={MASK}", value)
            masked[name] = _redact_fixpoint(cookies, known)
        elif SENSITIVE_KEY_NAME.fullmatch(name):
            masked[name] = MASK if value else value
        else:
            masked[name] = _redact_fixpoint(value, known)
    return masked


_COOKIE_PAIR = re.compile(r"(?:^|(?<=,))(?P<lead>\s*)(?P<name>[^=;,\s]+)=(?P<value>[^;,]*)")


@dataclass(frozen=True)
class _Secrets:
    """The secrets of a run, sorted by how they are searched."""

    texts: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...]  # variants (for a quick look), pattern
    cards: tuple[str, ...]  # 13+ digits: masked however split or glued
    codes: frozenset[str]  # shorter digits: masked as whole numbers only
    any_digit_run: bool = False  # every 13–19 digit run is a card number, Luhn or not
    base64: bool = False  # base64 blobs are decoded and searched

    @classmethod
    def of(cls, secrets: Iterable[str], any_digit_run: bool = False, base64: bool = False) -> _Secrets:
        texts, cards, codes = [], [], set()
        for secret in sorted({s.strip() for s in secrets if s and s.strip()}, key=len, reverse=True):
            if set(secret) <= {"*"}:
                continue
            if secret.isascii() and secret.isdigit() and len(secret) >= PAN_MIN_DIGITS:
                cards.append(secret)
            elif secret.isascii() and secret.isdigit():
                codes.add(secret)
            else:
                # As written, percent-encoded (path or form style) and JSON-escaped.
                variants = {
                    secret,
                    quote(secret, safe=""),
                    quote(secret),
                    quote_plus(secret),
                    json.dumps(secret)[1:-1],
                }
                ordered = tuple(sorted(variants, key=len, reverse=True))
                texts.append((ordered, re.compile("|".join(re.escape(v) for v in ordered))))
        return cls(tuple(texts), tuple(cards), frozenset(codes), any_digit_run, base64)


def _redact_fixpoint(text: str, secrets: _Secrets) -> str:
    for _ in range(_MAX_PASSES):
        masked = _redact_once(text, secrets)
        if masked == text:
            break
        text = masked
    return text


def _redact_once(text: str, secrets: _Secrets) -> str:
    for variants, pattern in secrets.texts:
        if any(variant in text for variant in variants):
            text = pattern.sub(MASK, text)
    text = mask_multipart_fields(text)
    text = mask_xml_elements(text)
    text = mask_encoded_keys(text)
    text = _mask_key_values(text)
    if secrets.base64:
        text = mask_base64(text, lambda decoded: _redact_fixpoint(decoded, replace(secrets, base64=False)) != decoded)
    text = _mask_digits(text, secrets)
    if secrets.any_digit_run:
        text = _ANY_DIGIT_RUN.sub(lambda m: mask_card_number(m.group()), text)
    return text


def _digit_runs(text: str, min_chars: int = 1) -> Iterator[list[_Group]]:
    """Digit groups joined by separators, as (start, end, digits) — runs shorter than min_chars skipped."""
    for match in _DIGIT_RUN.finditer(text):
        run = match.group("run")
        if run is None or len(run) < min_chars:
            continue
        base = match.start("run")
        yield [
            (base + part.start(), base + part.end(), part.group())
            for part in _GROUP.finditer(run)
            if part.group("digits")
        ]


def _label_check(text: str, start: int) -> Callable[[], bool]:
    return lambda: bool(_CARD_LABEL_BEFORE.search(text, max(0, start - 64), start))


def _spans_in_run(groups: list[_Group], labelled: Callable[[], bool]) -> list[CardNumberSpan]:
    spans: list[CardNumberSpan] = []
    first = 0
    while first < len(groups):
        best: int | None = None
        plain: int | None = None
        digits = ""
        for last in range(first, len(groups)):
            if last - 1 > first and len(groups[last - 1][2]) < 3:
                break
            digits += ascii_digits(groups[last][2])
            if len(digits) > PAN_MAX_DIGITS:
                break
            if len(digits) >= PAN_MIN_DIGITS:
                plain = last
                if luhn_valid(digits):
                    best = last
        is_labelled = first == 0 and plain is not None and labelled()
        if best is None and is_labelled:
            best = plain
        if best is None:
            first += 1
            continue
        joined = ascii_digits("".join(group[2] for group in groups[first : best + 1]))
        spans.append(
            CardNumberSpan(groups[first][0], groups[best][1], joined, luhn_valid(joined), is_labelled)
        )
        first = best + 1
    return spans


def _mask_digits(text: str, secrets: _Secrets) -> str:
    """One pass over the digit runs: given cards, card numbers, then given short codes."""
    edits: list[tuple[int, int, str]] = []
    min_chars = 1 if secrets.codes else PAN_MIN_DIGITS
    for groups in _digit_runs(text, min_chars):
        taken: list[tuple[int, int, str]] = []
        if groups[-1][1] - groups[0][0] >= PAN_MIN_DIGITS:
            taken += _known_cards_in_run(groups, secrets.cards)
            for span in _spans_in_run(groups, _label_check(text, groups[0][0])):
                if not _overlaps(taken, span.start, span.end):
                    taken.append((span.start, span.end, mask_card_number(span.digits)))
        for start, end, digits in groups:
            # A short code is only masked as a whole number, so "123" does not eat into "****1123".
            if digits in secrets.codes and not _overlaps(taken, start, end):
                taken.append((start, end, MASK))
        edits += taken
    if not edits:
        return text
    pieces: list[str] = []
    cursor = 0
    for start, end, replacement in sorted(edits):
        pieces += [text[cursor:start], replacement]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _known_cards_in_run(groups: list[_Group], cards: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """A card given as a secret, masked however it is split and whatever digits surround it."""
    if not cards:
        return []
    digits = ascii_digits("".join(group[2] for group in groups))
    positions = [start + offset for start, _, part in groups for offset in range(len(part))]
    found: list[tuple[int, int, str]] = []
    for card in cards:
        at = digits.find(card)
        while at >= 0:
            start, end = positions[at], positions[at + len(card) - 1] + 1
            if not _overlaps(found, start, end):
                found.append((start, end, mask_card_number(card)))
            at = digits.find(card, at + len(card))
    return found


def _overlaps(taken: list[tuple[int, int, str]], start: int, end: int) -> bool:
    return any(start < t_end and t_start < end for t_start, t_end, _ in taken)


def _mask_key_values(text: str) -> str:
    """Mask the value after every card or secret key: JSON, form, query, repr, escaped or percent-encoded."""
    pieces: list[str] = []
    cursor = 0
    search_from = 0
    while hint := _KEY_HINT.search(text, search_from):
        start, end = hint.start(), hint.end()
        while start > cursor and text[start - 1] in _KEY_CHARS:
            start -= 1
        while end < len(text) and text[end] in _KEY_CHARS:
            end += 1
        search_from = end
        if start >= 1 and text[start - 1] == "%" and set(text[start : start + 2]) <= _HEX:
            start += 2  # the key follows an escape such as %22
        key = text[start:end]
        if not is_sensitive_key(key):
            continue
        quote_before = _quote_before(text, start)
        after = end + len(quote_before) if quote_before and text.startswith(quote_before, end) else end
        if after == end:
            quote_before = ""
        match = _AFTER_KEY.match(text, after)
        if match is None:
            continue
        group = next(g for g in ("dq", "sq", "eq", "bare") if match.group(g) is not None)
        value = match.group(group)
        masked = mask_value(key, value)
        search_from = max(search_from, match.end())
        if masked == value:
            continue
        if group == "bare" and quote_before and match.group("sep").lower() in (":", "%3a"):
            masked = f"{quote_before}{masked}{quote_before}"  # keeps JSON valid: a number becomes a string
        pieces += [text[cursor : match.start(group)], masked]
        cursor = match.end(group)
    pieces.append(text[cursor:])
    return "".join(pieces)


def _quote_before(text: str, start: int) -> str:
    """The quote a key opens with: ", ', an escaped one (\\"), %22 or %27; "" for none."""
    if text[max(0, start - 3) : start] in ("%22", "%27"):
        return text[start - 3 : start]
    if start == 0 or text[start - 1] not in "\"'":
        return ""
    at = start - 1
    while at > 0 and text[at - 1] == "\\":
        at -= 1
    return text[at:start]


def _redact_value(value: Any, secrets: _Secrets, sensitive_key: str | None, depth_left: int | None) -> Any:
    if isinstance(value, (Mapping, list, tuple)):
        if depth_left is not None and depth_left <= 0:
            return TOO_DEEP
        depth_left = None if depth_left is None else depth_left - 1
    if isinstance(value, Mapping):
        return {
            (_redact_fixpoint(k, secrets) if isinstance(k, str) else k): _redact_value(
                v, secrets, k if isinstance(k, str) and is_sensitive_key(k) else sensitive_key, depth_left
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_redact_value(item, secrets, sensitive_key, depth_left) for item in value]
    if isinstance(value, tuple):
        return tuple(_redact_value(item, secrets, sensitive_key, depth_left) for item in value)
    if value is None or isinstance(value, bool):
        return value
    if sensitive_key is not None:
        if isinstance(value, (int, float, str)):
            return mask_value(sensitive_key, str(value))
        return MASK
    if isinstance(value, int):
        digits = str(abs(value))
        if digits in secrets.cards or (
            PAN_MIN_DIGITS <= len(digits) <= PAN_MAX_DIGITS and (secrets.any_digit_run or luhn_valid(digits))
        ):
            return mask_card_number(digits)
        return MASK if digits in secrets.codes else value
    if isinstance(value, float):
        return value
    return _redact_fixpoint(value if isinstance(value, str) else str(value), secrets)
