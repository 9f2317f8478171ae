"""Steps of the merchant-page checks: drive the profile's page, judge what it did, record the verdict."""

from __future__ import annotations

import allure
import pytest
from pytest_bdd import given, parsers, then, when

import catalogue
from harness.merchant import purchase_checks
from harness.merchant.checks import CheckResult
from harness.merchant.profile import MerchantProfile
from harness.merchant.purchase import PurchaseRecord
from harness.merchant.run import MerchantRun, NotProvokable
from harness.reporting.evidence import attach_json, attach_screenshot
from harness.reporting.verdict import record_check


@given("the merchant's checkout page from the profile")
@given("プロファイルの加盟店決済ページがある")
def merchant_page(merchant_profile: MerchantProfile) -> None:
    attach_json("merchant profile", {"name": merchant_profile.name, "url": merchant_profile.url,
                                     "mode": merchant_profile.mode, "aid": merchant_profile.aid})


def _attach_purchase(record: PurchaseRecord, rp_secrets: tuple[str, ...]) -> None:
    attach_json("the observed purchase", {"url": record.url, "settled by": record.settled,
                                          "gateway answered": record.gateway_answers, "page errors": record.page_errors,
                                          "seconds": round(record.seconds, 2), "problem": record.problem}, rp_secrets)
    if record.screenshot:
        allure.attach(record.screenshot, name="after the purchase", attachment_type=allure.attachment_type.PNG)


def _judge(request: pytest.FixtureRequest, record: PurchaseRecord, result: CheckResult,
           rp_secrets: tuple[str, ...]) -> None:
    """Record a check of the recorded purchase; a failed one also carries the purchase's trace."""
    if result.status == "fail" and record.trace:
        allure.attach(record.trace, name="Playwright trace of the purchase (card data masked)", extension="zip")
    record_check(request, result, rp_secrets)


@when("the customer pays with the profile's test card")
@when("顧客がプロファイルのテストカードで支払う")
def pay_with_profile_card(merchant_purchase: PurchaseRecord, rp_secrets: tuple[str, ...]) -> None:
    _attach_purchase(merchant_purchase, rp_secrets)


@when("the payment page has loaded")
@when("決済ページが読み込まれた")
def payment_page_loaded(merchant_purchase: PurchaseRecord, rp_secrets: tuple[str, ...]) -> None:
    _attach_purchase(merchant_purchase, rp_secrets)


@when(parsers.parse("the gateway answers \"{code}\" to the customer's purchase"))
@when(parsers.parse("ゲートウェイが顧客の購入に\"{code}\"と応答する"))
def gateway_answers(merchant_run: MerchantRun, merchant_purchases: dict[str, PurchaseRecord], code: str) -> None:
    recorded = merchant_purchases.get(str(merchant_run.profile.path))
    if recorded is not None and recorded.undrivable:  # the purchase already showed the page cannot be driven
        merchant_run.answered, merchant_run.problem = code, recorded.problem
        return
    try:
        merchant_run.try_provoke(code)
    except NotProvokable as exc:
        pytest.skip(str(exc))
    attach_screenshot(merchant_run.page, f"after the gateway answered {code}",
                      merchant_run.profile.card_input_selectors())


@then("every card input was empty when the submission left the browser")
@then("送信がブラウザを離れたとき、すべてのカード入力欄は空だった")
def inputs_empty(request: pytest.FixtureRequest, merchant_purchase: PurchaseRecord,
                 rp_secrets: tuple[str, ...]) -> None:
    _judge(request, merchant_purchase, purchase_checks.inputs_cleared(merchant_purchase, rp_secrets), rp_secrets)


@then("no card data left the browser for any origin but the gateway, nor stayed in it")
@then("カード情報はゲートウェイ以外のオリジンへ送られず、ブラウザにも残っていない")
def no_card_data(request: pytest.FixtureRequest, merchant_purchase: PurchaseRecord, merchant_profile: MerchantProfile,
                 rp_secrets: tuple[str, ...]) -> None:
    _judge(request, merchant_purchase, purchase_checks.no_card_data_leaves(merchant_purchase, merchant_profile),
           rp_secrets)


@then("the merchant shows the failure and submits nothing")
@then("加盟店は失敗を表示し、何も送信しない")
def failure_shown(request: pytest.FixtureRequest, merchant_run: MerchantRun, rp_secrets: tuple[str, ...]) -> None:
    expected = catalogue.outcome(merchant_run.answered, "gateway")
    record_check(request, purchase_checks.errors_handled(merchant_run, expected.id, expected.message), rp_secrets)


@then("the script that defined CPToken was loaded from the gateway host")
@then("CPTokenを定義したスクリプトはゲートウェイのホストから読み込まれた")
def tokenizer_from_gateway(request: pytest.FixtureRequest, merchant_purchase: PurchaseRecord,
                           rp_secrets: tuple[str, ...]) -> None:
    _judge(request, merchant_purchase, purchase_checks.tokenizer_origin(merchant_purchase), rp_secrets)


@then("every script on it is in the approved inventory")
@then("ページ上のすべてのスクリプトは承認済みの一覧にある")
def scripts_approved(request: pytest.FixtureRequest, merchant_purchase: PurchaseRecord,
                     merchant_profile: MerchantProfile, rp_secrets: tuple[str, ...]) -> None:
    _judge(request, merchant_purchase, purchase_checks.script_inventory(merchant_purchase, merchant_profile),
           rp_secrets)


@then("its security headers match the approved baseline")
@then("セキュリティヘッダは承認済みの基準と一致する")
def headers_approved(request: pytest.FixtureRequest, merchant_purchase: PurchaseRecord,
                     merchant_profile: MerchantProfile, rp_secrets: tuple[str, ...]) -> None:
    _judge(request, merchant_purchase, purchase_checks.security_headers(merchant_purchase, merchant_profile),
           rp_secrets)


@then("the tokenizer call carried every documented parameter")
@then("トークナイザの呼び出しは文書化されたすべてのパラメータを含んでいた")
def tokenizer_parameters(request: pytest.FixtureRequest, merchant_purchase: PurchaseRecord,
                         merchant_profile: MerchantProfile, rp_secrets: tuple[str, ...]) -> None:
    result = purchase_checks.tokencreate_parameters(merchant_purchase, merchant_profile)
    if result is None:
        pytest.skip("the tokenizer's parameters are recorded by the sandbox: run with --gateway sandbox.")
    _judge(request, merchant_purchase, result, rp_secrets)
