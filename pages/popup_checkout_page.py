"""Popup mode checkout (sample 1): the gateway's card form opens inside #CARD_INPUT_FORM."""

from __future__ import annotations

from harness.core.origins import origin_of
from pages.gateway_card_form import GatewayCardForm
from pages.merchant_checkout_page import MerchantCheckoutPage


class PopupCheckoutPage(MerchantCheckoutPage):
    def card_form(self) -> GatewayCardForm:
        return GatewayCardForm(self.page.frame_locator(self.selectors.card_frame)).wait_until_shown()

    def card_frame_origin(self) -> str | None:
        """The origin the card form's frame really has (not what its src attribute says)."""
        handle = self.page.query_selector(self.selectors.card_frame)
        frame = handle.content_frame() if handle else None
        return origin_of(frame.url) if frame else None

    def read_card_inputs_from_merchant_side(self) -> str:
        """What the merchant page's own script gets when it tries to read the gateway frame's card input:
        "blocked: ..." only when the browser refuses (no contentDocument, or a SecurityError)."""
        return self.page.evaluate(
            """selector => {
                 const frame = document.querySelector(selector);
                 if (!frame) return 'no frame';
                 try {
                   const doc = frame.contentDocument;
                   if (doc === null) return 'blocked: contentDocument is null';
                   const input = doc.querySelector('#cn');
                   return input ? 'readable: ' + input.value : 'readable document without #cn';
                 } catch (e) {
                   return e.name === 'SecurityError' ? 'blocked: SecurityError' : 'error: ' + e.name;
                 }
               }""",
            self.selectors.card_frame)
