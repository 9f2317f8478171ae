"""Steps of the merchant-page checks: drive the profile's page, judge what it did, record the verdict."""

from __future__ import annotations

from collections.abc import Iterator

import allure
import pytest
from playwright.sync_api import Browser
from pytest_bdd import given, parsers, then, when

import catalogue
from harness import merchant_checks
from harness.evidence import attach_json, attach_screenshot, failure_evidence
from harness.merchant_checks import CheckResult
from harness.merchant_profile import MerchantProfile
from harness.merchant_run import GATEWAY_ORIGIN, MerchantRun, needs_reference_merchant, start_run
from harness.merchant_verdict import record_check, record_profile
from harness.plugin import run_secrets, scenario_failed
from harness.target_runtime import MerchantGateway, start_merchant_gateway

BAD_CARDS = {"ER055": "444433332222000", "ER014": "4444333322221112"}


@pytest.fixture(scope="session")
def merchant_gateway(pytestconfig: pytest.Config) -> Iterator[MerchantGateway]:
    with start_merchant_gateway(live=pytestconfig.getoption("--gateway") == "live") as gateway:
        yield gateway


@pytest.fixture
def merchant_run(request: pytest.FixtureRequest, rp_merchant_profile: MerchantProfile, rp_browser: Browser,
                 merchant_gateway: MerchantGateway) -> Iterator[MerchantRun]:
    """A fresh browser context on the merchant's page, the gateway host answered by the sandbox."""
    if not merchant_gateway.reference_base and needs_reference_merchant(rp_merchant_profile):
        pytest.skip(f"{rp_merchant_profile.path.name} describes the embedded reference merchant, "
                    "which needs --gateway sandbox.")
    with start_run(rp_merchant_profile, rp_browser, merchant_gateway) as run:
        allure.dynamic.parent_suite(f"Merchant page: {run.profile.name}")
        record_profile(request, {"profile": str(run.profile.path), "name": run.profile.name, "url": run.url,
                                 "mode": run.profile.mode})
        with failure_evidence(run.context, request.config.getoption("--tracing"),
                              lambda: scenario_failed(request), run_secrets(request.config)):
            yield run


def _judge(request: pytest.FixtureRequest, run: MerchantRun, result: CheckResult) -> None:
    record_check(request, result)
    allure.dynamic.label("check", result.check)
    allure.dynamic.label("responsible", result.responsible)
    attach_json(f"verdict: {result.check} — {result.status}", result.as_dict(), (run.profile.cards.security_code,))
    assert result.status != "fail", f"[{result.responsible}] " + " ".join(result.messages)


@given("the merchant's checkout page from the profile")
def merchant_page(merchant_run: MerchantRun) -> None:
    attach_json("merchant profile", {"name": merchant_run.profile.name, "url": merchant_run.url,
                                     "mode": merchant_run.profile.mode, "aid": merchant_run.profile.aid})


@when("the customer pays with the profile's test card")
def pay_with_profile_card(merchant_run: MerchantRun) -> None:
    merchant_run.open()
    merchant_run.pay(merchant_run.card())
    merchant_run.wait_until_settled()
    attach_screenshot(merchant_run.page, "after the purchase", merchant_run.profile.selectors.card_inputs())


@when("the payment page has loaded")
def payment_page_loaded(merchant_run: MerchantRun) -> None:
    merchant_run.open()
    merchant_run.page.wait_for_load_state("load")


@when(parsers.parse("the gateway answers \"{code}\" to the customer's purchase"))
def gateway_answers(merchant_run: MerchantRun, code: str) -> None:
    run = merchant_run
    if code == "Cancel" and run.profile.mode != "popup":
        pytest.skip("Cancel exists only in popup mode (the gateway's card form).")
    if code == "ER002":
        if run.control is None:
            pytest.skip("the referer error needs the sandbox (--gateway sandbox) to take the page's origin away.")
        run.register_with_sandbox(allowed=False)
    run.open()
    if code == "Cancel":
        run.cancel_popup()
    else:
        run.pay(run.card(number=BAD_CARDS.get(code, run.profile.cards.success)))
    run.wait_until_settled()
    attach_screenshot(run.page, f"after the gateway answered {code}", run.profile.selectors.card_inputs())
    run.answered = code


@then("every card input was empty when the submission left the browser")
def inputs_empty(request: pytest.FixtureRequest, merchant_run: MerchantRun) -> None:
    result = merchant_checks.inputs_cleared(merchant_run.page_snapshots(), run_secrets(request.config))
    _judge(request, merchant_run, result)


@then("no card data left the browser for any origin but the gateway, nor stayed in it")
def no_card_data(request: pytest.FixtureRequest, merchant_run: MerchantRun) -> None:
    run = merchant_run
    cards = run.profile.cards
    result = merchant_checks.no_card_data_leaves(
        run.probe.requests, GATEWAY_ORIGIN, run.observer.console, run.observer.socket_frames,
        run.context.cookies(), run.observer.storage(run.context), [*run.observer.navigations, run.page.url],
        (cards.success,), (cards.security_code,))
    _judge(request, run, result)


@then("the merchant shows the failure and submits nothing")
def failure_shown(request: pytest.FixtureRequest, merchant_run: MerchantRun) -> None:
    run = merchant_run
    expected = catalogue.outcome(run.answered, "gateway")
    submitted = max(len(run.submissions()), len(run.page_snapshots()))
    result = merchant_checks.errors_handled(expected.id, expected.message, run.shows_failure(), run.failure_text(),
                                            submitted)
    _judge(request, run, result)


@then("the script that defined CPToken was loaded from the gateway host")
def tokenizer_from_gateway(request: pytest.FixtureRequest, merchant_run: MerchantRun) -> None:
    _judge(request, merchant_run,
           merchant_checks.tokenizer_origin(merchant_run.observer.tokenizer_sources, GATEWAY_ORIGIN))


@then("every script on it is in the approved inventory")
def scripts_approved(request: pytest.FixtureRequest, merchant_run: MerchantRun) -> None:
    run = merchant_run
    observed = run.observer.scripts_on(run.page, excluded_origin=GATEWAY_ORIGIN)
    _judge(request, run, merchant_checks.script_inventory_check(observed, run.profile.inventory.scripts,
                                                                 run.profile.path))


@then("its security headers match the approved baseline")
def headers_approved(request: pytest.FixtureRequest, merchant_run: MerchantRun) -> None:
    run = merchant_run
    _judge(request, run, merchant_checks.security_headers_check(run.observer.page_headers(run.url),
                                                                 run.profile.inventory.headers, run.profile.path))


@then("the tokenizer call carried every documented parameter")
def tokenizer_parameters(request: pytest.FixtureRequest, merchant_run: MerchantRun) -> None:
    run = merchant_run
    if run.control is None:
        pytest.skip("the tokenizer's parameters are recorded by the sandbox: run with --gateway sandbox.")
    calls = run.control.token_calls(run.profile.aid)[run.token_calls_before:]
    _judge(request, run, merchant_checks.tokencreate_parameters(calls, run.profile.mode,
                                                                        security_code=run.security_code_asked))
