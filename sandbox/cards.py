"""Card-number rules of the gateway: Luhn check digit, brand from the IIN, and the magic decline cards."""

from __future__ import annotations

import catalogue

# (brand, inclusive IIN ranges as (prefix length, low, high)); the first match wins.
BRAND_RANGES: tuple[tuple[str, tuple[tuple[int, int, int], ...]], ...] = (
    ("VISA", ((1, 4, 4),)),
    ("MASTER", ((2, 51, 55), (4, 2221, 2720))),
    ("JCB", ((4, 3528, 3589),)),
    ("AMEX", ((2, 34, 34), (2, 37, 37))),
    ("DINERS", ((2, 36, 36), (3, 300, 305))),
)


def luhn_valid(number: str) -> bool:
    """True when the digit string's last digit is the Luhn check digit of the others."""
    if not number.isdigit() or not number.isascii():
        return False
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def brand_of(number: str) -> str | None:
    """The card brand the number's IIN belongs to, or None for a brand the gateway does not take."""
    for brand, ranges in BRAND_RANGES:
        for length, low, high in ranges:
            prefix = number[:length]
            if len(prefix) == length and prefix.isdigit() and low <= int(prefix) <= high:
                return brand
    return None


def decline_for(number: str) -> str | None:
    """The catalogue id of the refusal (a G code, or ER013) this magic card produces at registration, or None."""
    for entry in catalogue.api_outcomes():
        if entry.card == number:
            return entry.id
    return None


def magic_cards() -> dict[str, str]:
    """Every magic decline card with the catalogue id it produces."""
    return {o.card: o.id for o in catalogue.api_outcomes() if o.card}
