"""Custom mode checkout (sample 2): the card is typed into the merchant's own inputs."""

from __future__ import annotations

from harness.core.cards import CardInput
from pages.card_inputs import MerchantCardInputs
from pages.merchant_checkout_page import MerchantCheckoutPage


class CustomCheckoutPage(MerchantCheckoutPage):
    def enter_card(self, card: CardInput) -> None:
        MerchantCardInputs(self.page, self.selectors).enter(card)
