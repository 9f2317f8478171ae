"""Where things are on a merchant checkout page; defaults are the ids the specification documents."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckoutSelectors:
    token: str = "#tkn"
    card_number: str = "#cn"
    expiry_year: str = "#ed_year"
    expiry_month: str = "#ed_month"
    first_name: str = "#fn"
    last_name: str = "#ln"
    security_code: str = "#cvv"
    card_area: str = "#CARD_INPUT_FORM"
    card_frame: str = "#CARD_INPUT_FORM iframe"
    purchase: str = "#purchase"
    error_message: str = "#error-message"
    result_code: str = "#result-code"
    result_message: str = "#result-message"

    def card_inputs(self) -> tuple[str, ...]:
        """Every input that may hold card data, in the order a customer fills them."""
        return (self.card_number, self.expiry_year, self.expiry_month, self.first_name, self.last_name,
                self.security_code)
