"""Popup mode checkout (sample 1): the gateway's card form opens inside #CARD_INPUT_FORM."""

from __future__ import annotations

from pages.gateway_card_form import GatewayCardForm
from pages.merchant_checkout_page import MerchantCheckoutPage


class PopupCheckoutPage(MerchantCheckoutPage):
    def card_form(self) -> GatewayCardForm:
        return GatewayCardForm(self.page.frame_locator(self.selectors.card_frame)).wait_until_shown()

    def card_frame_url(self) -> str | None:
        """The address of the iframe shown in the card input area, or None when there is none."""
        handle = self.page.query_selector(self.selectors.card_frame)
        return handle.get_attribute("src") if handle else None

    def read_card_inputs_from_merchant_side(self) -> str:
        """What the merchant page's own script gets when it tries to read the gateway frame's card input."""
        return self.page.evaluate(
            """selector => {
                 const frame = document.querySelector(selector);
                 try { const doc = frame.contentDocument; return doc ? 'readable: ' + doc.querySelector('#cn').value
                                                                     : 'blocked: contentDocument is null'; }
                 catch (e) { return 'blocked: ' + e.name; }
               }""",
            self.selectors.card_frame)
