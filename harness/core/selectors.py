"""Where the harness finds the card inputs, the token and the purchase button on a merchant page."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Selectors:
    """Where the harness finds things on the page; the defaults are the ids of the vendor's samples."""

    token: str = "#tkn"
    card_number: str = "#cn"
    expiry_year: str = "#ed_year"
    expiry_month: str = "#ed_month"
    first_name: str = "#fn"
    last_name: str = "#ln"
    security_code: str = "#cvv"
    card_frame: str = "#CARD_INPUT_FORM iframe"
    purchase: str = "#purchase"

    def card_inputs(self) -> tuple[str, ...]:
        """Every input of the merchant page that may hold card data, in the order a customer fills them."""
        return (self.card_number, self.expiry_year, self.expiry_month, self.first_name, self.last_name,
                self.security_code)
