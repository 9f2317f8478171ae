"""What one scenario has set up and seen so far, shared by its steps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from playwright.sync_api import Page

from harness.core.cards import CardInput
from harness.core.submission_probe import SubmissionProbe
from harness.suites.three_d_secure import authenticated_token, contact_of
from harness.suites.tokenizer import browser_token
from harness.targets.billing_api import BILLING_EMAIL, BILLING_TEL, ApiExchange, BillingApiClient, BillingRef
from harness.targets.reference_merchant import Checkout
from harness.targets.runtime import TargetRuntime
from harness.targets.sandbox_control import Account
from pages.checkout_selectors import CheckoutSelectors
from pages.custom_checkout_page import CustomCheckoutPage
from pages.popup_checkout_page import PopupCheckoutPage

# The reference merchant's two checkouts, by the words an English or a Japanese feature uses.
MODE_NAMES = {"popup": "popup", "custom": "custom", "ポップアップ": "popup", "カスタム": "custom"}


def mode_named(word: str) -> str:
    """popup or custom, from a feature's word for it."""
    if word not in MODE_NAMES:
        raise ValueError(f"the reference merchant has popup and custom checkouts, not {word!r}")
    return MODE_NAMES[word]


@dataclass
class CheckoutSettings:
    """How the reference merchant's page is configured before it is opened."""

    mode: str = "custom"
    aid: str | None = None
    md: str | None = "10"
    security_code: bool = False
    three_d_secure: bool = False  # the current spec's pages, which call ThreeDSAdapter.authenticate
    email: str = BILLING_EMAIL  # what a 3-D Secure page passes as em (and sends to credit_card_token)
    tel: str = BILLING_TEL  # what a 3-D Secure page passes as pn, hyphens removed

    def contact(self) -> dict[str, str]:
        """email and tel for the reference merchant: only a 3-D Secure page has them."""
        return {"email": self.email, "tel": self.tel} if self.three_d_secure else {}


@dataclass
class ScenarioContext:
    """Steps share it; the browser page is opened only when a step first needs it (API rows rarely do)."""

    target: TargetRuntime
    open_page: Callable[[], Page]
    probe_of: Callable[[], SubmissionProbe]
    selectors: CheckoutSelectors
    account: Account | None = None
    api: BillingApiClient | None = None
    billing: BillingRef | None = None
    checkout_settings: CheckoutSettings = field(default_factory=CheckoutSettings)
    checkout: Checkout | None = None
    checkout_page: CustomCheckoutPage | PopupCheckoutPage | None = None
    exchanges: list[ApiExchange] = field(default_factory=list)
    webhook_key: str = ""  # the shop's webhook signature key, once the webhook is registered
    webhook_event: dict[str, Any] | None = None  # the last event the payment system sent

    @cached_property
    def page(self) -> Page:
        return self.open_page()

    @property
    def probe(self) -> SubmissionProbe:
        """What left the browser; asking for it opens the page, so the probe sees everything from the start."""
        self.page  # noqa: B018 - the probe is installed with the page's context
        return self.probe_of()

    def secrets(self) -> tuple[str, ...]:
        """Values masked in every attachment of this scenario."""
        return (self.account.access_key,) if self.account else ()

    def ensure_checkout(self) -> Checkout:
        """Create the merchant checkout for the billing, once, with the settings the steps chose."""
        if self.checkout is None:
            assert self.account and self.billing, "a scenario needs a billing before its checkout"
            settings = self.checkout_settings
            self.checkout = self.target.merchant.create_checkout(
                self.account.credentials, self.billing.code, self.billing.payment_number,
                aid=settings.aid, security_code=settings.security_code, md=settings.md,
                three_d_secure=settings.three_d_secure, **settings.contact())
        return self.checkout

    def open_checkout(self) -> CustomCheckoutPage | PopupCheckoutPage:
        """Open the checkout page in the browser (once)."""
        if self.checkout_page is not None:
            return self.checkout_page
        settings = self.checkout_settings
        url = self.target.browser_url(self.ensure_checkout().url(settings.mode))
        page_class = PopupCheckoutPage if settings.mode == "popup" else CustomCheckoutPage
        self.checkout_page = page_class(self.page, url, self.selectors).open()
        return self.checkout_page

    def pay(self, card: CardInput) -> None:
        """Pay with a card the way the customer does in the checkout's mode: typed on the merchant page and then
        the purchase (custom), or the purchase and then the gateway's card form (popup)."""
        checkout = self.open_checkout()
        if isinstance(checkout, CustomCheckoutPage):
            checkout.enter_card(card)
            checkout.start_purchase()
            return
        checkout.start_purchase()
        form = checkout.card_form()
        form.enter_card(card)
        form.submit()

    def fresh_token(self, card: CardInput | None = None) -> str:
        """A token issued by the gateway in the browser for this scenario's shop (the form is not submitted)."""
        assert self.account is not None
        url = self.target.browser_url(self.ensure_checkout().url("custom"))
        return browser_token(self.page, url, self.account.aid, card or CardInput())

    def authenticated_token(self, card: CardInput | None = None, *, em: str | None = BILLING_EMAIL,
                            pn: str | None = BILLING_TEL) -> str:
        """A token issued and then authenticated with 3-D Secure in the browser, on a 3-D Secure checkout page of
        this billing (its form is not submitted)."""
        assert self.account is not None and self.billing is not None
        checkout = self.target.merchant.create_checkout(
            self.account.credentials, self.billing.code, self.billing.payment_number, three_d_secure=True,
            email=BILLING_EMAIL, tel=BILLING_TEL)
        url = self.target.browser_url(checkout.url("custom"))
        return authenticated_token(self.page, url, self.account.aid, card or CardInput(), contact_of(em, pn))

    def received_by_merchant(self) -> list[dict[str, Any]]:
        return self.target.merchant.received(self.checkout.id) if self.checkout else []
