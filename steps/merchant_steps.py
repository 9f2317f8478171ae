"""Steps of the merchant-page checks: drive the profile's page, judge what it did, record the verdict."""

from __future__ import annotations

import pytest
from pytest_bdd import given, parsers, then, when

import catalogue
from harness.merchant import checks
from harness.merchant.run import GATEWAY_ORIGIN, MerchantRun, NotProvokable
from harness.reporting.evidence import attach_json, attach_screenshot
from harness.reporting.verdict import record_check


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
    try:
        merchant_run.provoke(code)
    except NotProvokable as exc:
        pytest.skip(str(exc))
    attach_screenshot(merchant_run.page, f"after the gateway answered {code}",
                      merchant_run.profile.selectors.card_inputs())


@then("every card input was empty when the submission left the browser")
def inputs_empty(request: pytest.FixtureRequest, merchant_run: MerchantRun, rp_secrets: tuple[str, ...]) -> None:
    record_check(request, checks.inputs_cleared(merchant_run.page_snapshots(), rp_secrets), rp_secrets)


@then("no card data left the browser for any origin but the gateway, nor stayed in it")
def no_card_data(request: pytest.FixtureRequest, merchant_run: MerchantRun, rp_secrets: tuple[str, ...]) -> None:
    run = merchant_run
    cards = run.profile.cards
    result = checks.no_card_data_leaves(
        run.probe.requests, GATEWAY_ORIGIN, run.observer.console, run.observer.socket_frames,
        run.context.cookies(), run.observer.storage(run.context), [*run.observer.navigations, run.page.url],
        (cards.number,), (cards.security_code,))
    record_check(request, result, rp_secrets)


@then("the merchant shows the failure and submits nothing")
def failure_shown(request: pytest.FixtureRequest, merchant_run: MerchantRun, rp_secrets: tuple[str, ...]) -> None:
    run = merchant_run
    expected = catalogue.outcome(run.answered, "gateway")
    submitted = max(len(run.submissions()), len(run.page_snapshots()))
    record_check(request, checks.errors_handled(expected.id, expected.message, run.shows_failure(),
                                                run.failure_text(), submitted), rp_secrets)


@then("the script that defined CPToken was loaded from the gateway host")
def tokenizer_from_gateway(request: pytest.FixtureRequest, merchant_run: MerchantRun,
                           rp_secrets: tuple[str, ...]) -> None:
    record_check(request, checks.tokenizer_origin(merchant_run.observer.tokenizer_sources, GATEWAY_ORIGIN),
                 rp_secrets)


@then("every script on it is in the approved inventory")
def scripts_approved(request: pytest.FixtureRequest, merchant_run: MerchantRun, rp_secrets: tuple[str, ...]) -> None:
    run = merchant_run
    observed = run.observer.scripts_on(run.page, excluded_origin=GATEWAY_ORIGIN)
    record_check(request, checks.script_inventory_check(observed, run.profile.inventory.scripts, run.profile.path),
                 rp_secrets)


@then("its security headers match the approved baseline")
def headers_approved(request: pytest.FixtureRequest, merchant_run: MerchantRun, rp_secrets: tuple[str, ...]) -> None:
    run = merchant_run
    record_check(request, checks.security_headers_check(run.observer.page_headers(run.url),
                                                        run.profile.inventory.headers, run.profile.path), rp_secrets)


@then("the tokenizer call carried every documented parameter")
def tokenizer_parameters(request: pytest.FixtureRequest, merchant_run: MerchantRun,
                         rp_secrets: tuple[str, ...]) -> None:
    run = merchant_run
    if run.control is None:
        pytest.skip("the tokenizer's parameters are recorded by the sandbox: run with --gateway sandbox.")
    calls = run.control.token_calls(run.profile.aid)[run.token_calls_before:]
    record_check(request, checks.tokencreate_parameters(calls, run.profile.mode,
                                                        security_code=run.security_code_asked), rp_secrets)
