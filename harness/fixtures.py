"""The harness's fixtures, in overridable layers like pytest-playwright's: override any of them in your own
conftest.py (launch arguments, connect options, context arguments, the default timeout) and every engine uses it.

    rp_browser_type_launch_args -> rp_connect_options -> rp_browser
    rp_browser_context_args + rp_default_timeout_ms -> rp_new_context -> rp_context -> rp_page
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from harness.core.browser import BrowserNotFound, choose_browser, launch_browser
from harness.core.browser_context import DEFAULT_TIMEOUT_MS, open_context
from harness.core.origin_routing import OriginRouting
from harness.core.submission_probe import SubmissionProbe
from harness.merchant.profile import MerchantProfile
from harness.merchant.purchase import PurchaseRecord, keep_trace, record_purchase
from harness.merchant.run import MerchantRun, needs_reference_merchant, start_run
from harness.reporting.evidence import failure_evidence
from harness.reporting.verdict import record_profile
from harness.run_state import SETTINGS, run_secrets, scenario_failed
from harness.suites.scenario_context import ScenarioContext
from harness.targets.runtime import MerchantGateway, TargetRuntime, start_merchant_gateway, start_target
from harness.targets.settings import TargetSettings
from pages.checkout_selectors import CheckoutSelectors

NewContext = Callable[[Sequence[OriginRouting]], BrowserContext]


@pytest.fixture(scope="session")
def rp_settings(pytestconfig: pytest.Config) -> TargetSettings:
    return pytestconfig.stash[SETTINGS]


@pytest.fixture(scope="session")
def rp_target(rp_settings: TargetSettings) -> Iterator[TargetRuntime]:
    """The target for the whole session (per xdist worker): the embedded sandbox unless told otherwise."""
    with start_target(rp_settings) as runtime:
        yield runtime


@pytest.fixture
def rp_credentials_required(rp_settings: TargetSettings) -> None:
    reason = rp_settings.skip_reason()
    if reason:
        pytest.skip(reason)


@pytest.fixture
def rp_secrets(pytestconfig: pytest.Config) -> tuple[str, ...]:
    """Values masked in every attachment: the run's credentials and the cards it types."""
    return run_secrets(pytestconfig)


@pytest.fixture(scope="session")
def rp_browser_type_launch_args(pytestconfig: pytest.Config) -> dict[str, Any]:
    """Keyword arguments of Playwright's chromium.launch(); override to add e.g. slow_mo or a downloads path."""
    return {"headless": not pytestconfig.getoption("--headed"), "args": list(pytestconfig.getoption("--browser-arg"))}


@pytest.fixture(scope="session")
def rp_connect_options(pytestconfig: pytest.Config) -> dict[str, Any] | None:
    """Keyword arguments of chromium.connect() for a remote browser (--browser-ws), e.g. headers; None locally."""
    return {} if pytestconfig.getoption("--browser-ws") else None


@pytest.fixture(scope="session")
def rp_browser(pytestconfig: pytest.Config, rp_browser_type_launch_args: dict[str, Any],
               rp_connect_options: dict[str, Any] | None) -> Iterator[Browser]:
    """One browser per worker."""
    with sync_playwright() as playwright:
        try:
            choice = choose_browser(playwright, pytestconfig.getoption("--browser-path"),
                                    pytestconfig.getoption("--browser-ws"))
        except BrowserNotFound as exc:
            pytest.exit(str(exc), returncode=pytest.ExitCode.USAGE_ERROR)
        try:
            browser = launch_browser(playwright, choice, launch_args=rp_browser_type_launch_args,
                                     connect_options=rp_connect_options)
        except PlaywrightError as exc:
            pytest.exit(f"the browser ({choice.describe()}) did not start ({str(exc).splitlines()[0]}): check "
                        "--browser-path, --browser-ws and --browser-arg.", returncode=pytest.ExitCode.USAGE_ERROR)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def rp_browser_context_args() -> dict[str, Any]:
    """Keyword arguments of browser.new_context() for every scenario: override for a viewport, locale, …"""
    return {}


@pytest.fixture(scope="session")
def rp_default_timeout_ms() -> float:
    """How long a browser action may wait before it fails (Playwright's default timeout of each context)."""
    return DEFAULT_TIMEOUT_MS


@pytest.fixture
def rp_new_context(request: pytest.FixtureRequest, rp_browser: Browser, rp_browser_context_args: dict[str, Any],
                   rp_default_timeout_ms: float) -> Iterator[NewContext]:
    """Opens contexts for this test, each traced; a trace (card data masked) is kept only when the test failed."""
    with _ContextStack(request, rp_browser, rp_browser_context_args, rp_default_timeout_ms) as stack:
        yield stack.open


@pytest.fixture
def rp_context(rp_new_context: NewContext, rp_target: TargetRuntime) -> BrowserContext:
    """A fresh context per scenario; on staging the local reference merchant answers under the registered origin."""
    routes = [OriginRouting(rp_target.merchant_origin, rp_target.merchant_url)] if rp_target.merchant_is_routed else []
    return rp_new_context(routes)


@pytest.fixture
def rp_selectors() -> CheckoutSelectors:
    return CheckoutSelectors()


@pytest.fixture
def rp_probe(rp_context: BrowserContext, rp_selectors: CheckoutSelectors) -> SubmissionProbe:
    """Records every request and the card inputs at each form submission, from the first page on."""
    return SubmissionProbe(rp_selectors.card_inputs()).install(rp_context)


@pytest.fixture
def rp_page(rp_context: BrowserContext, rp_probe: SubmissionProbe) -> Page:
    return rp_context.new_page()


@pytest.fixture
def ctx(request: pytest.FixtureRequest, rp_target: TargetRuntime, rp_selectors: CheckoutSelectors,
        rp_credentials_required: None) -> Iterator[ScenarioContext]:
    """What one acceptance scenario set up and saw; the browser page opens only when a step needs it."""
    context = ScenarioContext(rp_target, lambda: request.getfixturevalue("rp_page"),
                              lambda: request.getfixturevalue("rp_probe"), rp_selectors)
    yield context
    if context.api is not None:
        context.api.close()


@pytest.fixture(scope="session")
def merchant_gateway(pytestconfig: pytest.Config) -> Iterator[MerchantGateway]:
    """The sandbox answering the gateway's host for merchant pages (nothing with --gateway live)."""
    with start_merchant_gateway(live=pytestconfig.getoption("--gateway") == "live") as gateway:
        yield gateway


@pytest.fixture
def merchant_profile(request: pytest.FixtureRequest, rp_merchant_profile: MerchantProfile,
                     merchant_gateway: MerchantGateway) -> MerchantProfile:
    """The profile this scenario verifies, placeholders filled in; skipped when this run cannot reach its page."""
    if not merchant_gateway.reference_base and needs_reference_merchant(rp_merchant_profile):
        pytest.skip(f"{rp_merchant_profile.path.name} describes the embedded reference merchant, "
                    "which needs --gateway sandbox.")
    profile = rp_merchant_profile.expand(merchant_gateway.reference_base) if merchant_gateway.reference_base \
        else rp_merchant_profile
    record_profile(request, {"profile": str(profile.path), "name": profile.name, "url": profile.url,
                             "mode": profile.mode})
    return profile


@pytest.fixture
def merchant_run(merchant_profile: MerchantProfile, rp_merchant_profile: MerchantProfile, rp_new_context: NewContext,
                 merchant_gateway: MerchantGateway) -> Iterator[MerchantRun]:
    """A fresh browser context on the merchant's page, the gateway host answered by the sandbox."""
    with start_run(rp_merchant_profile, rp_new_context, merchant_gateway) as run:
        yield run


@pytest.fixture(scope="session")
def merchant_purchases() -> dict[str, PurchaseRecord]:
    """The purchases this worker recorded, one per profile: every purchase check judges the same one (keep a
    profile's scenarios on one worker with --dist loadgroup, or each worker records its own)."""
    return {}


@pytest.fixture
def merchant_purchase(request: pytest.FixtureRequest, merchant_profile: MerchantProfile,
                      merchant_purchases: dict[str, PurchaseRecord]) -> PurchaseRecord:
    """The profile's one observed purchase, recorded by the first scenario that needs it."""
    key = str(merchant_profile.path)
    if key not in merchant_purchases:
        run: MerchantRun = request.getfixturevalue("merchant_run")
        merchant_purchases[key] = record_purchase(run, run.profile.card_input_selectors())
        merchant_purchases[key].trace = keep_trace(run.context, run_secrets(request.config))
    return merchant_purchases[key]


class _ContextStack:
    """The contexts one test opened, closed (with their failure evidence) when it ends."""

    def __init__(self, request: pytest.FixtureRequest, browser: Browser, context_args: dict[str, Any],
                 timeout_ms: float) -> None:
        self.request = request
        self.browser = browser
        self.context_args = context_args
        self.timeout_ms = timeout_ms
        self.opened: list[tuple[BrowserContext, Any]] = []

    def open(self, routes: Sequence[OriginRouting] = ()) -> BrowserContext:
        context = open_context(self.browser, self.context_args, self.timeout_ms, routes)
        evidence = failure_evidence(context, self.request.config.getoption("--tracing"),
                                    lambda: scenario_failed(self.request), run_secrets(self.request.config))
        evidence.__enter__()
        self.opened.append((context, evidence))
        return context

    def __enter__(self) -> _ContextStack:
        return self

    def __exit__(self, *exc: object) -> None:
        for context, evidence in reversed(self.opened):
            try:
                evidence.__exit__(None, None, None)
            finally:
                context.close()
