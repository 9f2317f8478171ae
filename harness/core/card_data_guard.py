"""Find card data where a merchant page must never put it: requests, storage, console, URLs, cookies."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal
from urllib.parse import unquote, unquote_plus, urlsplit, urlunsplit

from card_redaction import (
    CARD_SEPARATOR,
    PAN_MAX_DIGITS,
    PAN_MIN_DIGITS,
    find_card_numbers,
    mask_card_number,
    redact_text,
)

Severity = Literal["violation", "finding"]
VIOLATION: Severity = "violation"
FINDING: Severity = "finding"

TEST_CARD_NUMBER = "test-card-number"
CARD_NUMBER = "card-number"
SECURITY_CODE = "security-code"
TRUNCATED_CARD_NUMBER = "truncated-card-number"

CONTEXT_CHARS = 40
_EXCERPT_CHARS = 24

_SECURITY_CODE_LABEL = re.compile(r"(?i)cvv|cvc|csc|security|sec[_\-]?code|セキュリティ|ｾｷｭﾘﾃｨ")
_CARD_LABEL = re.compile(
    r"(?i)card|カード|(?:(?<![a-z])|(?<=%[0-9a-f]{2}))(?:cn|pan|bin|iin|last[_\-]?(?:4|four)|first[_\-]?(?:6|six))(?![a-z])"
)
_MASK_CHAR = r"[*xX•●#]"
_MASKED_WITH_LAST_FOUR = re.compile(
    rf"(?<![0-9A-Za-z])(?P<first>\d{{4}}[ \-]?\d{{2}})?[ \-]?"
    rf"(?<![*xX•●#]){_MASK_CHAR}{{2,}}(?:[ \-]{_MASK_CHAR}+)*[ \-]?(?P<last>\d{{4}})(?![0-9])"
)
_MASKED_WITH_FIRST_SIX = re.compile(rf"(?<![0-9])(?P<first>\d{{6}}){_MASK_CHAR}{{4,}}(?![0-9*xX•●#])")


@dataclass(frozen=True)
class Finding:
    """One piece of card data seen where it must not be; ``detail`` is already redacted."""

    kind: str
    severity: Severity
    where: str
    detail: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.detail} — in {self.where}"


def scan_text(
    text: str, where: str, cards: Sequence[str] = (), security_codes: Sequence[str] = ()
) -> list[Finding]:
    """Card numbers and security codes in card context (violations), truncated test cards (findings)."""
    return [finding for _, finding in _scan(text, where, _clean_cards(cards), _clean_codes(security_codes))]


def scan_request(
    url: str,
    method: str,
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    body: bytes | str | None,
    where_prefix: str = "request",
    cards: Sequence[str] = (),
    security_codes: Sequence[str] = (),
) -> list[Finding]:
    """Scan a request's URL (raw and decoded), every header, and its body (raw, form-decoded, JSON)."""
    cards = _clean_cards(cards)
    codes = _clean_codes(security_codes)
    target = f"{method.upper()} {_address_without_query(url, cards, codes)}"
    results: list[Finding] = []
    seen: set[tuple[str, str, str]] = set()

    def scan_all(text: str, where: str) -> None:
        for decoded in _decodings(text):
            for subject, finding in _scan(decoded, where, cards, codes):
                key = (finding.kind, finding.where, subject)
                if key not in seen:
                    seen.add(key)
                    results.append(finding)

    scan_all(url, f"{where_prefix} URL of {target}")
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    for name, value in pairs:
        scan_all(f"{name}: {value}", f"{where_prefix} header '{name}' of {target}")
    if body:
        text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
        scan_all(text, f"{where_prefix} body of {target}")
    return results


def summarise(findings: Iterable[Finding]) -> dict[str, Any]:
    """Counts by severity and the findings as plain dicts, ready for a verdict or coverage JSON."""
    items = list(findings)
    return {
        "counts": {
            VIOLATION: sum(1 for f in items if f.severity == VIOLATION),
            FINDING: sum(1 for f in items if f.severity == FINDING),
        },
        "items": [asdict(f) for f in items],
    }


def looks_like_card_brand(digits: str) -> bool:
    """Whether the leading digits are a brand's: Visa, Mastercard, JCB, Amex, Diners, Discover, UnionPay."""
    if len(digits) < 4 or not digits.isdigit():
        return False
    two, three, four = int(digits[:2]), int(digits[:3]), int(digits[:4])
    return (
        digits[0] == "4"
        or 51 <= two <= 55
        or 2221 <= four <= 2720
        or two in (34, 37, 36, 38, 39, 62, 65)
        or 3528 <= four <= 3589
        or 300 <= three <= 305
        or four == 6011
        or 644 <= three <= 649
    )


def _clean_cards(cards: Sequence[str]) -> list[str]:
    cleaned = {re.sub(r"\D", "", card) for card in cards}
    return sorted(c for c in cleaned if PAN_MIN_DIGITS <= len(c) <= PAN_MAX_DIGITS)


def _clean_codes(codes: Sequence[str]) -> list[str]:
    return sorted({code.strip() for code in codes if code and code.strip().isdigit()})


def _scan(text: str, where: str, cards: list[str], codes: list[str]) -> list[tuple[str, Finding]]:
    """Findings of one text, each with the subject (masked value) that identifies it for de-duplication."""
    secrets = [*cards, *codes]
    taken: list[tuple[int, int]] = []
    found: list[tuple[str, Finding]] = []

    def add(kind: str, severity: Severity, subject: str, what: str, start: int, end: int) -> None:
        taken.append((start, end))
        excerpt = _excerpt(text, start, end, subject, secrets)
        finding = Finding(kind, severity, where, f"{what} near {excerpt}")
        if (subject, finding) not in found:
            found.append((subject, finding))

    for card in cards:
        masked = mask_card_number(card)
        for match in _known_card_pattern(card).finditer(text):
            how = _how_written(match.group(), card)
            add(TEST_CARD_NUMBER, VIOLATION, masked, f"test card number {masked} {how}", *match.span())
        for core in _base64_cores(card):
            start = text.find(core)
            if start >= 0 and not _overlaps(taken, start, start + len(core)):
                add(
                    TEST_CARD_NUMBER,
                    VIOLATION,
                    masked,
                    f"test card number {masked} base64-encoded",
                    start,
                    start + len(core),
                )

    for span in find_card_numbers(text):
        # A run glued into a longer alphanumeric token (a checkout id, a digest) is part of that token; the
        # typed card is found above wherever it is glued.
        if _overlaps(taken, span.start, span.end) or (span.embedded and not span.labelled):
            continue
        masked = mask_card_number(span.digits)
        if span.luhn and (span.labelled or looks_like_card_brand(span.digits)):
            add(
                CARD_NUMBER,
                VIOLATION,
                masked,
                f"card number {masked} (passes the card check digit)",
                span.start,
                span.end,
            )
        elif span.labelled:
            what = f"{len(span.digits)}-digit number {masked} in a card-number field"
            add(CARD_NUMBER, VIOLATION, masked, what, span.start, span.end)

    for code in codes:
        pattern = re.compile(rf"(?:(?<![0-9])|(?<=%[0-9A-Fa-f]{{2}})){code}(?![0-9])")
        for match in pattern.finditer(text):
            start, end = match.span()
            if _overlaps(taken, start, end):
                continue
            label = _SECURITY_CODE_LABEL.search(text[max(0, start - CONTEXT_CHARS) : end + CONTEXT_CHARS])
            if label:
                add(SECURITY_CODE, VIOLATION, "***", f"security code next to '{label.group()}'", start, end)

    _scan_truncated(text, cards, taken, add)
    return found


def _scan_truncated(text: str, cards: list[str], taken: list[tuple[int, int]], add: Any) -> None:
    """First six and last four are allowed in clear, so they are reported as findings, never failed."""
    for card in cards:
        first_six, last_four = card[:6], card[-4:]
        for pattern in (_MASKED_WITH_LAST_FOUR, _MASKED_WITH_FIRST_SIX):
            for match in pattern.finditer(text):
                first = re.sub(r"\D", "", match.group("first") or "")
                last = match.groupdict().get("last") or ""
                if _overlaps(taken, *match.span()) or not (first == first_six or last == last_four):
                    continue
                add(
                    TRUNCATED_CARD_NUMBER,
                    FINDING,
                    match.group(),
                    f"truncated test card number {match.group()} (first six / last four, allowed in clear)",
                    *match.span(),
                )
        for part, name in ((first_six, "first six"), (last_four, "last four")):
            for match in re.finditer(rf"(?<![0-9]){part}(?![0-9])", text):
                start, end = match.span()
                if _overlaps(taken, start, end):
                    continue
                if _CARD_LABEL.search(text[max(0, start - CONTEXT_CHARS) : end + CONTEXT_CHARS]):
                    what = f"{name} digits {part} of the test card next to card data (allowed in clear)"
                    add(TRUNCATED_CARD_NUMBER, FINDING, part, what, start, end)


def _known_card_pattern(card: str) -> re.Pattern[str]:
    """The card however it is split or escaped: separators, %3X and \\u003X digits between."""
    digits = [rf"(?:{d}|%3{d}|\\u003{d})" for d in card]
    return re.compile(f"{CARD_SEPARATOR}{{0,3}}".join(digits))


def _how_written(written: str, card: str) -> str:
    if written == card:
        return "in clear"
    if "%" in written:
        return "URL-encoded"
    if "\\u" in written:
        return "JSON-escaped"
    return "with separators"


def _base64_cores(card: str) -> list[str]:
    """The stretch of base64 that only the card's digits decide, for each of the three alignments."""
    cores: list[str] = []
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + card.encode()).decode()
        whole_groups = (offset + len(card)) // 3
        core = encoded[(4 if offset else 0) : 4 * whole_groups]
        if len(core) >= 12:
            cores.append(core)
            cores.append(core.replace("+", "-").replace("/", "_"))
    return list(dict.fromkeys(cores))


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < t_end and t_start < end for t_start, t_end in taken)


def _excerpt(text: str, start: int, end: int, subject: str, secrets: list[str]) -> str:
    """A short, redacted, one-line view of what surrounds a finding."""
    cut_before = start > _EXCERPT_CHARS
    cut_after = end + _EXCERPT_CHARS < len(text)
    before = text[max(0, start - _EXCERPT_CHARS) : start]
    after = text[end : end + _EXCERPT_CHARS]
    # A window edge may cut a number in two; drop the cut digits rather than show part of a card.
    if cut_before:
        before = re.sub(r"^[\d%\s.\-+]+", "", before)
    if cut_after:
        after = re.sub(r"[\d%\s.\-+]+$", "", after)
    shown = redact_text(before, secrets) + subject + redact_text(after, secrets)
    shown = re.sub(r"\s+", " ", shown)
    return f"'{'…' if cut_before else ''}{shown}{'…' if cut_after else ''}'"


def _decodings(text: str) -> list[str]:
    """The text as sent, then as a server would read it: percent-decoded and JSON-parsed."""
    variants = [text]
    for candidate in list(variants):
        if "%" in candidate or "+" in candidate:
            for decoded in (unquote_plus(candidate), unquote(candidate)):
                if decoded not in variants:
                    variants.append(decoded)
    for candidate in list(variants):
        parsed = _parse_json(candidate)
        if parsed is not None:
            dumped = json.dumps(parsed, ensure_ascii=False)
            if dumped not in variants:
                variants.append(dumped)
            for leaf in _string_leaves(parsed):
                inner = _parse_json(leaf)
                if inner is not None:
                    variants.append(json.dumps(inner, ensure_ascii=False))
    return variants


def _parse_json(text: str) -> Any:
    stripped = text.strip()
    if not stripped or stripped[0] not in "{[":
        return None
    try:
        return json.loads(stripped)
    except ValueError:
        return None


def _string_leaves(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _string_leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _string_leaves(item)


def _address_without_query(url: str, cards: list[str], codes: list[str]) -> str:
    parts = urlsplit(url)
    return redact_text(urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")), [*cards, *codes])
