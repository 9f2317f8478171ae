"""The merchant page's own card inputs (custom mode): typed or chosen like a customer would."""

from __future__ import annotations

from playwright.sync_api import Page

from harness.core.cards import CardInput
from harness.core.selectors import Selectors


class MissingCardInput(LookupError):
    """The page has no element where the selectors say a card input is."""

    def __init__(self, selector: str) -> None:
        super().__init__(f"the page has no card input {selector!r}")
        self.selector = selector


class MerchantCardInputs:
    """cn, ed_year, ed_month, fn, ln and (when the page asks) cvv, wherever the selectors put them."""

    def __init__(self, page: Page, selectors: Selectors) -> None:
        self.page = page
        self.selectors = selectors

    def enter(self, card: CardInput) -> bool:
        """Type the card; returns whether the page asked for the security code."""
        s = self.selectors
        for selector, value in ((s.card_number, card.number), (s.expiry_year, card.expiry_year),
                                (s.expiry_month, card.expiry_month), (s.first_name, card.first_name),
                                (s.last_name, card.last_name)):
            self._enter(selector, value)
        asked = bool(self.page.locator(s.security_code).count())
        if asked:
            self._enter(s.security_code, card.security_code)
        return asked

    def _enter(self, selector: str, value: str) -> None:
        locator = self.page.locator(selector)
        if not locator.count():
            raise MissingCardInput(selector)
        locator.first.fill(value)
