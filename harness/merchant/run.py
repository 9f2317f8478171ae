"""Drive a merchant's own checkout page, described by its profile, through one purchase."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import httpx
from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from harness.core.cards import CardInput
from harness.core.origin_routing import OriginRouting
from harness.core.origins import origin_of
from harness.core.submission_probe import SentRequest, SubmissionProbe
from harness.merchant.page_observer import PageObserver
from harness.merchant.profile import CHECKOUT_PLACEHOLDER, MERCHANT_PLACEHOLDER, MerchantProfile
from harness.merchant.run_ids import random_id
from harness.merchant.three_d_secure import (
    AUTHENTICATE_PATH,
    CHALLENGE_CARD,
    CHALLENGE_FRAME,
    WRONG_PASSWORD,
    AuthenticateCall,
    loads_adapter,
)
from harness.targets.reference_merchant import ReferenceMerchant
from harness.targets.runtime import MerchantGateway
from harness.targets.sandbox_control import Account, SandboxControl
from harness.targets.settings import REAL_GATEWAY_BASE
from pages.card_inputs import MerchantCardInputs, MissingCardInput, UnusableCardInput
from pages.gateway_card_form import GatewayCardForm

GATEWAY_ORIGIN = origin_of(REAL_GATEWAY_BASE)
SETTLE_MS = 200  # after the purchase settles: let a misbehaving page send what it was going to send
POLL_MS = 50
QUIET_S = 0.8  # no request, console line or error for this long after the gateway answered: settled
UNANSWERED_S = 2.0  # the click asked nothing of the gateway for this long: the purchase never started
LOAD_MS = 5_000
CLICKABLE_MS = 3_000
CHALLENGE_MS = 10_000
# The reference merchant's 3-D Secure checkouts: the billing's individual, whose email / tel the page sends as em / pn.
REFERENCE_EMAIL = "holder@shop.example"
REFERENCE_TEL = "03-0000-0000"
# What the 3-D Secure outcomes are called in the features, and what the harness does in the challenge frame.
THREE_D_SECURE_OUTCOMES = ("challenge failed", "holder cancelled")


class MerchantPageError(RuntimeError):
    """The page did not behave as its profile says (a selector missing, nothing happened)."""


class NotProvokable(RuntimeError):
    """This run cannot make the gateway give that answer (the sentence says why); the check is skipped."""


@dataclass
class MerchantRun:
    """One browser context driving one merchant page; everything it saw stays here for the checks."""

    profile: MerchantProfile
    context: BrowserContext
    page: Page
    probe: SubmissionProbe
    observer: PageObserver
    gateway_origin: str
    control: SandboxControl | None
    alerts: list[str] = field(default_factory=list)
    url: str = ""
    token_calls_before: int = 0
    registrations_before: int = 0
    answered: str = ""
    security_code_asked: bool = False
    three_d_secure: bool = False  # the shop requires 3-D Secure: the page loads EMV3DSAdapter.js or the profile says so
    problem: str = ""  # one sentence when the page could not be driven as the profile says

    def __post_init__(self) -> None:
        self.page.on("dialog", self._on_dialog)
        self.url = self.profile.url
        self.three_d_secure = self.profile.three_d_secure.declared

    def _on_dialog(self, dialog) -> None:  # noqa: ANN001 - Playwright's Dialog
        self.alerts.append(dialog.message)
        dialog.accept()

    @property
    def page_origin(self) -> str:
        return origin_of(self.url)

    def prepare_reference_checkout(self, merchant: ReferenceMerchant) -> None:
        """For a profile of the reference merchant ("{checkout}" in its url): a billing and a checkout for it."""
        if CHECKOUT_PLACEHOLDER not in self.url:
            return
        assert self.control is not None, "the reference merchant's profiles need the sandbox"
        account = Account(self.profile.aid, f"qa-{random_id(12)}@sandbox.example", random_id(24))
        self.control.update_user(account)
        if not self.three_d_secure:
            billing = self.control.create_billing(account, "QA" + random_id(16).upper())
            checkout = merchant.create_checkout(account.credentials, billing.billing_code, billing.number)
        else:  # the current spec's samples: the page sends the billing individual's email and tel as em / pn
            contact = {"email": self.profile.three_d_secure.email or REFERENCE_EMAIL,
                       "tel": self.profile.three_d_secure.tel or REFERENCE_TEL}
            billing = self.control.create_billing(account, "QA" + random_id(16).upper(), **contact)
            checkout = merchant.create_checkout(account.credentials, billing.billing_code, billing.number,
                                                three_d_secure=True, **contact)
        self.url = self.url.replace(CHECKOUT_PLACEHOLDER, checkout.id)

    def register_with_sandbox(self, allowed: bool = True) -> None:
        """Make the sandbox know the profile's shop and accept (or, for the referer check, refuse) the page's origin;
        3-D Secure "off" (the seed's pre-3-D-Secure shop) unless the profile says the page is a 3-D Secure page."""
        if self.control is None:
            return
        origins = [self.page_origin] if allowed else ["https://not-this-merchant.example"]
        self.control.update_shop(self.profile.aid, allowed_origins=origins, md_optional=True,
                                 three_d_secure="required" if self.three_d_secure else "off")

    def notice_three_d_secure(self) -> bool:
        """After the page loaded: a page that loads EMV3DSAdapter.js is a 3-D Secure page, so its shop requires it
        before the purchase; returns whether the page is one."""
        if not self.three_d_secure and loads_adapter([r.url for r in self.observer.script_responses]):
            self.three_d_secure = True
            if self.control is not None:
                self.control.update_shop(self.profile.aid, three_d_secure="required")
        return self.three_d_secure

    def open(self) -> None:
        """Run the profile's pre-steps, then open the checkout page."""
        for step in self.profile.pre_steps:
            if step.action == "goto":
                self.page.goto(step.url)
            elif step.action == "click":
                self.page.click(step.selector)
            elif step.action == "fill":
                self.page.fill(step.selector, step.value or "")
            elif step.action == "wait_for":
                if step.selector:
                    self.page.wait_for_selector(step.selector)
                else:
                    self.page.wait_for_url(re.compile(step.url))
        if self.page.url.split("#")[0] != self.url:
            self.page.goto(self.url)

    def card(self, **changes: str) -> CardInput:
        return dataclasses.replace(self.profile.cards, **changes)

    def pay(self, card: CardInput) -> None:
        """Enter the card where the mode says and press the purchase button."""
        s = self.profile.selectors
        if self.profile.mode == "custom":
            inputs = MerchantCardInputs(self.page, s, self.profile.card_number_parts)
            try:
                self.security_code_asked = inputs.enter(card)
            except (MissingCardInput, UnusableCardInput) as exc:
                raise MerchantPageError(f"{exc}: fix the profile's [selectors] so the harness can enter the "
                                        "test card.") from None
            self.press_purchase()
            return
        form = self._open_card_form()
        form.enter_card(card)
        form.submit()

    def press_purchase(self) -> None:
        """Click the purchase button, waiting a short while for it to become clickable."""
        selector = self.profile.selectors.purchase
        try:
            self.page.click(selector, timeout=CLICKABLE_MS)
        except PlaywrightTimeout:
            raise MerchantPageError(f"the purchase button {selector!r} never became clickable within "
                                    f"{CLICKABLE_MS / 1000:g} s: check the profile's selectors.purchase, or what "
                                    "the page waits for before enabling it.") from None

    def try_provoke(self, code: str) -> None:
        """provoke(code) (or a 3-D Secure outcome), keeping a page that could not be driven as one sentence in
        problem instead of raising."""
        try:
            if code in (*THREE_D_SECURE_OUTCOMES, "authentication fails"):
                self.provoke_three_d_secure(code)
            else:
                self.provoke(code)
        except MerchantPageError as exc:
            self.problem = str(exc)
        except PlaywrightError as exc:
            action = str(exc).strip().split(":", 1)[0]
            self.problem = (f"the page could not be driven into {code} as its profile says "
                            f"({action if ' ' not in action else type(exc).__name__} failed): check the profile's "
                            "url, pre_steps and selectors against the page.")

    def provoke(self, code: str) -> None:
        """Drive a purchase to which the gateway answers code: a documented rule-breaking card, the page's origin
        taken away (ER002), or the holder cancelling the gateway's card form (popup)."""
        if code == "Cancel" and self.profile.mode != "popup":
            raise NotProvokable("Cancel exists only in popup mode (the gateway's card form).")
        if code == "ER002":
            if self.control is None:
                raise NotProvokable("the referer error needs the sandbox (--gateway sandbox) to take the page's "
                                    "origin away.")
            self.register_with_sandbox(allowed=False)
        self.open()
        self.notice_three_d_secure()
        if code == "Cancel":
            self.cancel_popup()
        else:
            self.pay(self.card(number=provoking_number(code, self.profile.cards.number)))
        self.wait_until_settled()
        self.answered = code

    def provoke_three_d_secure(self, outcome: str) -> None:
        """Drive a 3-D Secure purchase into outcome: the challenge card, then a wrong one-time password
        ("challenge failed") or キャンセル ("holder cancelled") in the gateway's challenge frame; or, for
        "authentication fails", authenticate answering HTTP 500 (EMV3DSAdapter.js calls back ER000)."""
        if self.control is None:
            raise NotProvokable("3-D Secure outcomes need the sandbox (--gateway sandbox).")
        self.open()
        self.page.wait_for_load_state("load")
        if not self.notice_three_d_secure():
            raise NotProvokable("not a 3-D Secure page (no EMV3DSAdapter.js, no three_d_secure = true in the "
                                "profile).")
        if outcome == "authentication fails":
            self.control.fault("authenticate", "http500", Account(self.profile.aid, "", ""))
            try:
                self.pay(self.card())
                self.wait_until_settled()
            finally:
                if not self.observer.authenticate_calls:
                    self._use_up_authenticate_fault()
        else:
            self.pay(self.card(number=CHALLENGE_CARD))
            self.answer_challenge(outcome)
            self.wait_until_settled()
        self.answered = outcome

    def _use_up_authenticate_fault(self) -> None:
        """The page never authenticated: spend the fault on a request of the harness's own, so no later run of
        this shop meets it."""
        assert self.control is not None
        with contextlib.suppress(httpx.HTTPError):
            httpx.post(f"{self.control.base_url}{AUTHENTICATE_PATH}", content=json.dumps({"aid": self.profile.aid}),
                       timeout=10)

    def answer_challenge(self, outcome: str) -> None:
        frame = self.page.frame_locator(CHALLENGE_FRAME)
        try:
            frame.locator("#otp").wait_for(timeout=CHALLENGE_MS)
        except PlaywrightTimeout:
            raise MerchantPageError("the 3-D Secure challenge never appeared after the purchase (the gateway opens "
                                    "it in <div id=\"EMV3DS_INPUT_FORM\">): check that the page calls "
                                    "ThreeDSAdapter.authenticate and has that element.") from None
        if outcome == "holder cancelled":
            frame.locator("#challenge-cancel").click()
        else:
            frame.locator("#otp").fill(WRONG_PASSWORD)
            frame.locator("#challenge-submit").click()

    def cancel_popup(self) -> None:
        self._open_card_form().cancel()

    def _open_card_form(self) -> GatewayCardForm:
        """Press purchase and wait for the gateway's card form in the profile's card frame."""
        s = self.profile.selectors
        self.press_purchase()
        try:
            return GatewayCardForm(self.page.frame_locator(s.card_frame)).wait_until_shown()
        except PlaywrightTimeout as exc:
            raise MerchantPageError(f"the gateway's card form did not appear in {s.card_frame!r} after "
                                    f"clicking {s.purchase!r}: check the profile's selectors.") from exc

    def wait_until_settled(self, timeout_ms: float = 10_000) -> str:
        """Until the purchase settles, without fixed waits; returns what settled it: the page threw, showed a
        failure or success, a submission left, or all went quiet after the gateway answered (or after the
        click, when the gateway was never asked)."""
        observer = self.observer
        started = time.monotonic()
        deadline = started + timeout_ms / 1000
        settled = "timeout"
        while time.monotonic() < deadline:
            now = time.monotonic()
            quiet = now - observer.last_activity
            if observer.page_errors:
                settled = "page error"
            elif self.submissions() or self.token_submissions():
                settled = "submission"
            elif self.shows_failure():
                settled = "failure shown"
            elif self.shows_success():
                settled = "success shown"
            elif observer.last_gateway_answer and now - observer.last_gateway_answer > QUIET_S and quiet > QUIET_S:
                settled = "quiet after the gateway answered"
            elif not observer.gateway_requests and now - started > UNANSWERED_S and quiet > QUIET_S:
                settled = "the gateway was never asked"
            if settled != "timeout":
                break
            self.page.wait_for_timeout(POLL_MS)
        try:
            self.page.wait_for_load_state("load", timeout=LOAD_MS)
        except PlaywrightTimeout:
            pass
        self.page.wait_for_timeout(SETTLE_MS)
        return settled

    def authenticate_calls(self) -> list[AuthenticateCall]:
        """The page's authenticate calls; an answer whose body the observer could not read (the page navigated
        first) takes the resultCode the page's own XHR received, in order."""
        calls = self.observer.authenticate_calls
        seen = [a.get("resultCode", "") for a in self.probe.answers
                if (a.get("target") or "").split("?")[0].endswith(AUTHENTICATE_PATH)]
        for call, code in zip(calls, seen, strict=False):
            if not call.result_code and code:
                call.result_code = str(code)
        return list(calls)

    def submission_times(self) -> list[float]:
        """When the page's submissions (form posts and script calls carrying the token) left."""
        urls = {r.url for r in self.submissions()} | {c.get("target") or "" for c in self.token_submissions()}
        urls.discard("")
        return self.observer.times_of(urls)

    def submissions(self) -> list[SentRequest]:
        """Requests that carried the checkout form away: to the form's action, after a submit was seen."""
        actions = {(snap.get("action") or "").split("?")[0] for snap in self.page_snapshots()}
        actions.discard("")
        return [r for r in self.probe.requests if r.is_navigation and r.url.split("?")[0] in actions]

    def token_submissions(self) -> list[dict]:
        """Script calls (fetch, XHR, $.ajax, sendBeacon) that carried a token of this run to the merchant."""
        tokens = [*self.observer.tokens(), *self.probe.issued_tokens(self.gateway_origin)]
        return self.probe.calls_carrying(tokens, self.gateway_origin)

    def page_snapshots(self) -> list[dict]:
        """The merchant page's form submissions (not the gateway's card form in its frame)."""
        return self.probe.page_snapshots(self.gateway_origin)

    def shows_success(self) -> bool:
        criteria = self.profile.success
        if criteria.url and re.search(criteria.url, self.page.url):
            return True
        return self._shows(criteria.selector, criteria.text)

    def shows_failure(self) -> bool:
        criteria = self.profile.failure
        return bool(criteria.dialog and self.alerts) or self._shows(criteria.selector, criteria.text)

    def registrations(self) -> list[str]:
        """What the sandbox's credit_card_token answered the shop since the run began (Success or the error code)."""
        if self.control is None:
            return []
        entries = self.control.journal(self.profile.aid, "credit_card_token")[self.registrations_before:]
        return [str(((e.get("response") or {}).get("error") or {}).get("code") or
                    ("Success" if e.get("status") == 200 else f"HTTP {e.get('status')}")) for e in entries]

    def visible_text(self) -> str:
        return " ".join(self._texts("body"))

    def failure_text(self) -> str:
        return " / ".join([*self._texts(self.profile.failure.selector), *self.alerts])

    def _shows(self, selector: str | None, text: str | None) -> bool:
        """The selector shows some text (containing text, when given); or, without a selector, the page does."""
        if not selector and not text:
            return False
        shown = self._texts(selector) if selector else self._texts("body")
        return any(t for t in shown if not text or text in t)

    def _texts(self, selector: str | None) -> list[str]:
        """Visible texts of the selector right now, without waiting (the page may be navigating)."""
        if not selector:
            return []
        try:
            return [t.strip() for t in self.page.locator(selector).all_inner_texts() if t.strip()]
        except Exception:
            return []


@contextlib.contextmanager
def start_run(profile: MerchantProfile, new_context: Callable[[Sequence[OriginRouting]], BrowserContext],
              gateway: MerchantGateway) -> Iterator[MerchantRun]:
    """A fresh browser context on the profile's page, the gateway host answered by the sandbox when there is one.
    new_context opens a context with the given routings (the caller owns closing it)."""
    if gateway.reference_base:
        profile = profile.expand(gateway.reference_base)
    context = new_context([OriginRouting(REAL_GATEWAY_BASE, gateway.sandbox_url)] if gateway.sandbox_url else [])
    probe = SubmissionProbe(profile.card_input_selectors()).install(context)
    observer = PageObserver(gateway_origin=GATEWAY_ORIGIN).install(context)
    run = MerchantRun(profile, context, context.new_page(), probe, observer, GATEWAY_ORIGIN, gateway.control)
    run.register_with_sandbox()
    if gateway.reference_merchant:
        run.prepare_reference_checkout(gateway.reference_merchant)
    run.token_calls_before = len(run.control.token_calls(profile.aid)) if run.control else 0
    run.registrations_before = len(run.control.journal(profile.aid, "credit_card_token")) if run.control else 0
    yield run


def provoking_number(code: str, card: str) -> str:
    """The profile's own card broken the way the gateway answers code: one digit short (ER055, not 16 digits) or
    a wrong check digit (ER014); of the profile's brand, so a page that refuses other brands still asks the
    gateway."""
    if code == "ER055":
        return card[:-1]
    if code == "ER014":
        return card[:-1] + str((int(card[-1]) + 1) % 10)
    return card


def needs_reference_merchant(profile: MerchantProfile) -> bool:
    return CHECKOUT_PLACEHOLDER in profile.url or MERCHANT_PLACEHOLDER in profile.url
