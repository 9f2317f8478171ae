"""The merchant's checkout page, common to both token modes: open it, buy, read what it shows."""

from __future__ import annotations

import time

from playwright.sync_api import Dialog, Page

from pages.checkout_selectors import CheckoutSelectors
from pages.gateway_frames import frame_origin, read_from_merchant_side
from pages.three_d_secure_challenge import ThreeDSecureChallenge


class MerchantCheckoutPage:
    def __init__(self, page: Page, url: str, selectors: CheckoutSelectors | None = None) -> None:
        self.page = page
        self.url = url
        self.selectors = selectors or CheckoutSelectors()
        self.alerts: list[str] = []
        self.error_shown_at: float | None = None  # monotonic seconds, when wait_for_error saw the message
        page.on("dialog", self._on_dialog)

    def _on_dialog(self, dialog: Dialog) -> None:
        self.alerts.append(dialog.message)
        dialog.accept()

    def open(self) -> MerchantCheckoutPage:
        self.page.goto(self.url)
        return self

    def start_purchase(self) -> None:
        """Press the merchant's purchase button (購入する), which calls doPurchase()."""
        self.page.click(self.selectors.purchase)

    def challenge(self) -> ThreeDSecureChallenge:
        """The issuer's 3-D Secure challenge, once EMV3DSAdapter.js has opened it (3-D Secure pages only)."""
        return ThreeDSecureChallenge(self.page.frame_locator(self.selectors.challenge_frame)).wait_until_shown()

    def challenge_frame_origin(self) -> str | None:
        """The origin the 3-D Secure challenge frame really has (not what its src attribute says)."""
        return frame_origin(self.page, self.selectors.challenge_frame)

    def read_challenge_from_merchant_side(self) -> str:
        """What the merchant page's own script gets when it reads the challenge frame's password input."""
        return read_from_merchant_side(self.page, self.selectors.challenge_frame, "#otp")

    def wait_for_result(self, timeout_ms: float = 10_000) -> None:
        self.page.wait_for_selector(self.selectors.result_code, timeout=timeout_ms)

    def result_code(self) -> str:
        return self.page.inner_text(self.selectors.result_code).strip()

    def result_message(self) -> str:
        return self.page.inner_text(self.selectors.result_message).strip()

    def wait_for_error(self, timeout_ms: float = 10_000) -> str:
        """The error text the merchant shows on the page once the gateway answered non-Success."""
        locator = self.page.locator(self.selectors.error_message)
        self.page.wait_for_function(
            "s => { const e = document.querySelector(s); return e && e.textContent.trim().length > 0; }",
            arg=self.selectors.error_message, timeout=timeout_ms)
        self.error_shown_at = time.monotonic()
        return locator.inner_text().strip()

    def wait_out_late_submission(self, grace_ms: float) -> None:
        """Give a buggy page grace_ms after it showed its error (or from now, when it showed none) to submit
        anyway: the time the steps spent since the error was shown counts towards it."""
        spent_ms = (time.monotonic() - self.error_shown_at) * 1000 if self.error_shown_at is not None else 0.0
        self.page.wait_for_timeout(max(grace_ms - spent_ms, 0.0))
