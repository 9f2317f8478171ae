"""Custom mode checkout (sample 2): the card is typed into the merchant's own inputs."""

from __future__ import annotations

from harness.cards import CardInput
from pages.merchant_checkout_page import MerchantCheckoutPage


class CustomCheckoutPage(MerchantCheckoutPage):
    def enter_card(self, card: CardInput) -> None:
        s = self.selectors
        self.page.fill(s.card_number, card.number)
        self.page.fill(s.expiry_year, card.expiry_year)
        self.page.fill(s.expiry_month, card.expiry_month)
        self.page.fill(s.first_name, card.first_name)
        self.page.fill(s.last_name, card.last_name)
        if self.page.locator(s.security_code).count():
            self.page.fill(s.security_code, card.security_code)
