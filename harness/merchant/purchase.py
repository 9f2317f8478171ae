"""One observed purchase per profile: everything the purchase checks judge, recorded once and kept as plain data."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from harness.core.submission_probe import SentRequest
from harness.merchant.referrer_policy import READ_POLICIES, ReferrerPolicies
from harness.merchant.run import GATEWAY_ORIGIN, MerchantPageError, MerchantRun
from harness.merchant.script_inventory import ScriptRecord
from harness.merchant.three_d_secure import AuthenticateCall
from harness.reporting.evidence import scrub_trace


@dataclass
class PurchaseRecord:
    """What the browser did during one purchase with the profile's test card, from page load to settling.

    problem is empty when a submission carried the token to the merchant; otherwise it is the one sentence
    that says why the purchase could not be observed to its end, and evidence shows it.
    """

    url: str
    requests: list[SentRequest] = field(default_factory=list)
    submissions: list[dict[str, Any]] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    socket_frames: list[tuple[str, str]] = field(default_factory=list)
    cookies: list[dict[str, Any]] = field(default_factory=list)
    storage: dict[str, dict[str, str]] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)
    tokenizer_sources: list[str] = field(default_factory=list)
    scripts: list[ScriptRecord] = field(default_factory=list)
    headers: dict[str, str] | None = None
    token_calls: list[dict[str, Any]] | None = None
    security_code_asked: bool = False
    three_d_secure: bool = False  # a 3-D Secure page: its shop required it during the purchase
    authenticate_calls: list[AuthenticateCall] = field(default_factory=list)
    token: str = ""  # the last token the gateway issued to the page
    submission_times: list[float] = field(default_factory=list)
    referrer: ReferrerPolicies | None = None
    page_errors: list[str] = field(default_factory=list)
    gateway_answers: list[str] = field(default_factory=list)
    settled: str = ""
    problem: str = ""
    undrivable: bool = False  # the profile could not drive the page at all: driving it again is pointless
    screenshot: bytes | None = None
    trace: bytes | None = None  # the purchase's Playwright trace, card data masked, for any check that fails
    seconds: float = 0.0

    @property
    def loaded(self) -> bool:
        """Whether the payment page itself was seen (its headers and scripts are recorded)."""
        return self.headers is not None

    def evidence(self) -> list[str]:
        """What a reader needs to see why the purchase went no further."""
        lines = [f"the page threw: {error}" for error in self.page_errors]
        answers = ", ".join(self.gateway_answers) or "none (the gateway was never asked)"
        lines.append(f"gateway answered: {answers}")
        lines.append(f"settled by: {self.settled or 'nothing (the page was not driven)'}")
        lines.append("screenshot: 'after the purchase' in this scenario's attachments")
        return lines


def record_purchase(run: MerchantRun, card_selectors: tuple[str, ...]) -> PurchaseRecord:
    """Load the page (its headers and scripts recorded then), pay with the profile's card, wait until the
    purchase settles, and keep what every purchase check judges; never raises for what the page did."""
    started = time.monotonic()
    record = PurchaseRecord(url=run.url)
    observer = run.observer
    try:
        run.open()
        run.page.wait_for_load_state("load")
        record.headers = observer.page_headers(run.url)
        record.scripts = observer.scripts_on(run.page, excluded_origin=GATEWAY_ORIGIN)
        record.referrer = ReferrerPolicies.read(record.headers, _quietly(lambda: run.page.evaluate(READ_POLICIES), {}))
        record.three_d_secure = run.notice_three_d_secure()
        run.pay(run.card())
        record.settled = run.wait_until_settled()
    except MerchantPageError as exc:
        record.problem, record.undrivable = str(exc), True
    except PlaywrightError as exc:
        record.undrivable = True
        record.problem = (f"the page could not be driven as its profile says ({_kind(exc)}): check the profile's "
                          "url, pre_steps and selectors against the page.")
    record.security_code_asked = run.security_code_asked
    record.three_d_secure = run.three_d_secure
    record.authenticate_calls = run.authenticate_calls()
    tokens = [*observer.tokens(), *run.probe.issued_tokens(GATEWAY_ORIGIN)]
    record.token = tokens[-1] if tokens else ""
    record.submission_times = run.submission_times()
    record.submissions = [*run.page_snapshots(), *run.token_submissions()]
    record.requests = list(run.probe.requests)
    record.console = list(observer.console)
    record.socket_frames = list(observer.socket_frames)
    record.tokenizer_sources = list(observer.tokenizer_sources)
    record.page_errors = list(observer.page_errors)
    answered_page = [a["resultCode"] for a in run.probe.answers if a.get("target", "").startswith(GATEWAY_ORIGIN)]
    record.gateway_answers = answered_page or [code for code, _ in observer.gateway_answers]
    record.cookies = _quietly(run.context.cookies, [])
    record.storage = _quietly(lambda: observer.storage(run.context), {})
    record.urls = [*observer.navigations, run.page.url]
    if run.control is not None:
        record.token_calls = _quietly(lambda: run.control.token_calls(run.profile.aid)[run.token_calls_before:], [])
    record.screenshot = _masked_png(run.page, card_selectors)
    if not record.problem and not record.submissions:
        record.problem = _why_no_submission(record)
    record.seconds = time.monotonic() - started
    return record


def keep_trace(context: BrowserContext, secrets: Sequence[str]) -> bytes | None:
    """The purchase's trace so far, card data masked, for whichever later scenario fails on it; tracing goes on
    so the context's own failure evidence still ends it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "purchase-trace.zip"
        try:
            context.tracing.stop(path=str(path))
        except PlaywrightError:  # not traced (--tracing off)
            return None
        context.tracing.start(screenshots=False, snapshots=True, sources=False)
        return scrub_trace(path, secrets).read_bytes()


def _why_no_submission(record: PurchaseRecord) -> str:
    if record.page_errors:
        return ("the purchase never carried a token to the merchant: the page threw a JavaScript error "
                f"({record.page_errors[0][:120]}); fix the page, or the profile if it drives the wrong element.")
    if not record.gateway_answers:
        return ("the purchase never carried a token to the merchant: pressing the purchase button asked nothing "
                "of the gateway; check the profile's selectors.purchase and the card inputs it names.")
    failed = [c for c in record.authenticate_calls if c.result_code != "Success"]
    if failed and record.gateway_answers[-1] != "Success":
        return ("the purchase never carried a token to the merchant: 3-D Secure authentication answered "
                f"{failed[-1].result_code or 'nothing'}; see the authenticate-parameters check, or the profile's "
                "[three_d_secure].")
    if record.gateway_answers[-1] != "Success":
        return (f"the purchase never carried a token to the merchant: the gateway answered "
                f"{record.gateway_answers[-1]} to the profile's test card; check [cards] in the profile.")
    return ("the purchase never carried a token to the merchant: the gateway issued one but no form post, "
            "navigation, fetch, XHR or beacon to the merchant held it; check the profile's selectors.purchase "
            "and [success].")


def _kind(exc: Exception) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    action = first.split(":", 1)[0]
    return f"{action} failed" if action and " " not in action else type(exc).__name__


def _quietly(read: Callable[[], Any], default: Any) -> Any:
    try:
        return read()
    except Exception:  # a closed or navigating page: what was read before is kept
        return default


def _masked_png(page: Page, selectors: tuple[str, ...]) -> bytes | None:
    masks = [page.locator(selector) for selector in selectors]
    for frame in page.frames[1:]:
        masks.extend(frame.locator(selector) for selector in selectors)
    return _quietly(lambda: page.screenshot(full_page=True, mask=masks, animations="disabled"), None)
