"""Test cards and the card inputs a scenario types, including the documented rule-breaking values."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

VENDOR_TEST_CARD = "4444333322221111"  # the vendor's test-mode card (robot-payment.md, observed)
VENDOR_SECURITY_CODE = "123"


def next_year_expiry(today: date | None = None) -> str:
    """An expiry (YYMM) a year ahead: the vendor's test card takes any expiry from this month on, and a
    year ahead cannot run out mid-run."""
    today = today or date.today()
    return f"{(today.year + 1) % 100:02d}{today.month:02d}"


def last_month_expiry(today: date | None = None) -> str:
    today = today or date.today()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year % 100:02d}{month:02d}"


@dataclass(frozen=True)
class CardInput:
    """What the customer types: number, expiry (YYMM), holder names and, when asked, the security code."""

    number: str = VENDOR_TEST_CARD
    expiry: str = ""
    first_name: str = "TARO"
    last_name: str = "YAMADA"
    security_code: str = VENDOR_SECURITY_CODE

    def __post_init__(self) -> None:
        if not self.expiry:
            object.__setattr__(self, "expiry", next_year_expiry())

    @property
    def expiry_year(self) -> str:
        return self.expiry[:2]

    @property
    def expiry_month(self) -> str:
        return self.expiry[2:]


# Card numbers that make the gateway answer a documented TokenCreate error, for either engine to provoke it:
# 15 digits (ER055, card number format) and a failed check digit (ER014).
PROVOKING_CARD_NUMBERS = {"ER055": "444433332222000", "ER014": "4444333322221112"}

FIELDS = {"card number": "number", "expiry": "expiry", "first name": "first_name",
          "last name": "last_name", "security code": "security_code",
          # the same fields as a Japanese feature names them
          "カード番号": "number", "有効期限": "expiry", "名": "first_name", "姓": "last_name",
          "セキュリティコード": "security_code"}


def spoken_value(value: str) -> str:
    """Turn a feature's description of a value into the value: (empty), (51 characters), (last month)."""
    if value in ("(empty)", "(空)"):
        return ""
    if value == "(last month)":
        return last_month_expiry()
    if value.startswith("(") and value.endswith(" characters)"):
        return "A" * int(value[1:].split()[0])
    return value


def card_with(field: str, value: str, base: CardInput | None = None) -> CardInput:
    """The vendor test card with one field replaced, as a Scenario Outline row describes it."""
    if field not in FIELDS:
        raise ValueError(f"unknown card field {field!r}: use one of {', '.join(FIELDS)}")
    return replace(base or CardInput(), **{FIELDS[field]: spoken_value(value)})
