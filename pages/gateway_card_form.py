"""The gateway's popup card form, inside its iframe on the gateway's origin."""

from __future__ import annotations

from playwright.sync_api import FrameLocator

from harness.core.cards import CardInput


class GatewayCardForm:
    def __init__(self, frame: FrameLocator) -> None:
        self.frame = frame

    def wait_until_shown(self, timeout_ms: float = 10_000) -> GatewayCardForm:
        self.frame.locator("#cn").wait_for(timeout=timeout_ms)
        return self

    def enter_card(self, card: CardInput) -> None:
        self.frame.locator("#cn").fill(card.number)
        self.frame.locator("#ed_year").fill(card.expiry_year)
        self.frame.locator("#ed_month").fill(card.expiry_month)
        self.frame.locator("#fn").fill(card.first_name)
        self.frame.locator("#ln").fill(card.last_name)
        if self.frame.locator("#cvv").count():
            self.frame.locator("#cvv").fill(card.security_code)

    def submit(self) -> None:
        self.frame.locator("#card-submit").click()

    def cancel(self) -> None:
        self.frame.locator("#card-cancel").click()
