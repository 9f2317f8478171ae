"""Popup mode checkout (sample 1): the gateway's card form opens inside #CARD_INPUT_FORM."""

from __future__ import annotations

from pages.gateway_card_form import GatewayCardForm
from pages.gateway_frames import frame_origin, read_from_merchant_side
from pages.merchant_checkout_page import MerchantCheckoutPage


class PopupCheckoutPage(MerchantCheckoutPage):
    def card_form(self) -> GatewayCardForm:
        return GatewayCardForm(self.page.frame_locator(self.selectors.card_frame)).wait_until_shown()

    def card_frame_origin(self) -> str | None:
        """The origin the card form's frame really has (not what its src attribute says)."""
        return frame_origin(self.page, self.selectors.card_frame)

    def read_card_inputs_from_merchant_side(self) -> str:
        """What the merchant page's own script gets when it tries to read the gateway frame's card number."""
        return read_from_merchant_side(self.page, self.selectors.card_frame, "#cn")
