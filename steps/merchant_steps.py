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
from harness.merchant.three_d_secure import NOT_3DS
from harness.merchant.webhook_handler import skipped_without_webhook, verify_webhook_handler
from harness.reporting.evidence import attach_json, attach_screenshot
from harness.reporting.verdict import record_check
from harness.targets.runtime import MerchantGateway


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


@when(parsers.parse("3-D Secure ends with \"{outcome}\" for the customer's purchase"))
@when(parsers.parse("顧客の購入の3Dセキュアが\"{outcome}\"で終わる"))
def three_d_secure_ends(merchant_run: MerchantRun, merchant_purchases: dict[str, PurchaseRecord],
                        outcome: str) -> None:
    recorded = merchant_purchases.get(str(merchant_run.profile.path))
    if recorded is not None and recorded.loaded and not recorded.three_d_secure:  # no need to load the page again
        pytest.skip(NOT_3DS)
    gateway_answers(merchant_run, merchant_purchases, outcome)


@then("the submission came only after a successful 3-D Secure authentication of its token")
@then("送信はそのトークンの3Dセキュア認証が成功した後にだけ行われた")
def submitted_after_authentication(request: pytest.FixtureRequest, merchant_purchase: PurchaseRecord,
                                   rp_secrets: tuple[str, ...]) -> None:
    _judge(request, merchant_purchase, purchase_checks.three_d_secure_submission(merchant_purchase), rp_secrets)


@then("the 3-D Secure authentication call carried the documented parameters")
@then("3Dセキュア認証の呼び出しに仕様どおりのパラメータがあった")
def merchant_authenticate_parameters(request: pytest.FixtureRequest, merchant_purchase: PurchaseRecord,
                            merchant_profile: MerchantProfile, rp_secrets: tuple[str, ...]) -> None:
    _judge(request, merchant_purchase, purchase_checks.authenticate_parameters(merchant_purchase, merchant_profile),
           rp_secrets)


@then("the merchant handles the 3-D Secure outcome")
@then("加盟店は3Dセキュアの結果を正しく扱う")
def three_d_secure_handled(request: pytest.FixtureRequest, merchant_run: MerchantRun,
                           rp_secrets: tuple[str, ...]) -> None:
    cancelled = catalogue.outcome("Cancel", "authenticate")
    record_check(request, purchase_checks.three_d_secure_outcome(merchant_run, merchant_run.answered,
                                                                 cancelled.message), rp_secrets)


@then("its referrer policy lets the gateway see its origin")
@then("そのリファラーポリシーでゲートウェイがページのオリジンを見られる")
def merchant_referrer_policy(request: pytest.FixtureRequest, merchant_purchase: PurchaseRecord,
                    rp_secrets: tuple[str, ...]) -> None:
    _judge(request, merchant_purchase, purchase_checks.referrer_policy(merchant_purchase), rp_secrets)


@when("the payment system delivers a webhook event to the profile's endpoint, then delivers it again")
@when("決済システムがプロファイルのエンドポイントへWebhookイベントを送り、もう一度送る")
def webhook_delivered(merchant_profile: MerchantProfile, merchant_gateway: MerchantGateway,
                      webhook_verdict: dict[str, object]) -> None:
    if not merchant_profile.webhook_url:
        webhook_verdict["result"] = skipped_without_webhook()
        return
    if merchant_gateway.control is None:
        pytest.skip("the webhook events are sent by the sandbox: run with --gateway sandbox.")
    webhook_verdict["result"] = verify_webhook_handler(merchant_gateway.control, merchant_profile.aid,
                                                       merchant_profile.webhook_url)


@then("the handler acknowledged both deliveries with 2xx and echoed no secret")
@then("ハンドラーは両方の配信に2xxで応え、秘密を返さなかった")
def webhook_acknowledged(request: pytest.FixtureRequest, webhook_verdict: dict[str, object],
                         rp_secrets: tuple[str, ...]) -> None:
    result = webhook_verdict["result"]
    assert isinstance(result, CheckResult)
    record_check(request, result, rp_secrets)


@pytest.fixture
def webhook_verdict() -> dict[str, object]:
    """What the webhook-handler scenario found, from its When to its Then."""
    return {}
