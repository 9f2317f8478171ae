"""Given-steps that set up the account, the billing and the shop's settings."""

from __future__ import annotations

from pytest_bdd import given, parsers

from harness.reporting.evidence import attach_exchange
from harness.suites.scenario_context import ScenarioContext
from harness.targets.billing_api import BillingApiClient, card_billing, created_billing


@given("a billing with a credit-card payment method")
@given("クレジットカード決済手段を持つ請求先がある")
@given("a billing created with bulk_upsert with a credit-card payment method")
@given("bulk_upsertで作成したクレジットカード決済手段を持つ請求先がある")
@given("a billing created with bulk_upsert whose individual has an email and a tel, with a credit-card payment method")
@given("bulk_upsertで作成した、部署にメールアドレスと電話番号があり、クレジットカード決済手段を持つ請求先がある")
def billing_with_card_method(ctx: ScenarioContext) -> None:
    ctx.account = ctx.target.new_account()
    ctx.api = BillingApiClient(ctx.target.api_base, ctx.account.user_id, ctx.account.access_key)
    code = ctx.target.billing_code()
    exchange = ctx.api.bulk_upsert([card_billing(code)])
    attach_exchange(exchange, ctx.secrets())
    ctx.billing = created_billing(exchange, code)
    assert ctx.billing, (f"bulk_upsert did not create the billing: HTTP {exchange.status}, "
                         f"{exchange.response_text[:300]}")


@given("the shop has the security-code option")
@given("店舗はセキュリティコードオプションを利用している")
def shop_with_security_code(ctx: ScenarioContext) -> None:
    ctx.target.control.update_shop(ctx.account.aid, security_code=True)
    ctx.checkout_settings.security_code = True


@given("the shop has not registered the merchant page's origin")
@given("店舗は加盟店ページのオリジンを登録していない")
def origin_not_registered(ctx: ScenarioContext) -> None:
    ctx.target.control.update_shop(ctx.account.aid, allowed_origins=["https://some-other-shop.example"])


@given("the gateway drops the next token request")
@given("ゲートウェイは次のトークン要求を切断する")
def gateway_drops_token_request(ctx: ScenarioContext) -> None:
    ctx.target.control.fault("token", "drop", ctx.account)


@given(parsers.parse("the merchant page passes {parameter} \"{value}\" to TokenCreate"))
@given(parsers.parse("加盟店ページはTokenCreateに{parameter}として\"{value}\"を渡す"))
def merchant_passes(ctx: ScenarioContext, parameter: str, value: str) -> None:
    if parameter == "aid":
        ctx.checkout_settings.aid = value
    elif parameter == "md":
        ctx.checkout_settings.md = None if value == "(missing)" else value
    else:
        raise ValueError(f"the reference merchant can be configured with aid or md, not {parameter!r}")
