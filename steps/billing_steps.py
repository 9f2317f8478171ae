"""Given-steps that set up the account, the billing and the shop's settings."""

from __future__ import annotations

import pytest
from pytest_bdd import given, parsers

from harness.billing_api import BillingApiClient
from harness.evidence import attach_exchange
from harness.scenario_context import BillingRef, ScenarioContext
from harness.target_runtime import TargetRuntime
from pages.checkout_selectors import CheckoutSelectors


@pytest.fixture
def ctx(request: pytest.FixtureRequest, rp_target: TargetRuntime, rp_selectors: CheckoutSelectors,
        rp_credentials_required: None) -> ScenarioContext:
    context = ScenarioContext(rp_target, lambda: request.getfixturevalue("rp_page"),
                              lambda: request.getfixturevalue("rp_probe"), rp_selectors)
    yield context
    if context.api is not None:
        context.api.close()


@given("a billing with a credit-card payment method")
@given("a billing created with bulk_upsert with a credit-card payment method")
def billing_with_card_method(ctx: ScenarioContext) -> None:
    ctx.account = ctx.target.new_account()
    ctx.api = BillingApiClient(ctx.target.api_base, ctx.account.user_id, ctx.account.access_key)
    code = ctx.target.billing_code()
    exchange = ctx.api.bulk_upsert([{
        "code": code, "name": "QA 受入テスト",
        "individual": [{"code": code + "-1", "name": "経理部", "address1": "山田 太郎", "zip_code": "1500001",
                        "pref": "東京都", "city_address": "渋谷区神宮前1-1-1", "email": "qa@example.com",
                        "tel": "0312345678"}],
        "payment": [{"code": code + "-P", "name": "クレジットカード", "payment_method": 1}],
    }])
    attach_exchange(exchange, ctx.secrets())
    row = (exchange.json or {}).get("billing", [{}])[0]
    payment = (row.get("payment") or [{}])[0]
    assert exchange.status == 200 and row.get("error_code") is None and payment.get("number"), (
        f"bulk_upsert did not create the billing: HTTP {exchange.status}, {exchange.response_text[:300]}")
    ctx.billing = BillingRef(code, int(payment["number"]), payment.get("code") or code + "-P")


@given("the shop has the security-code option")
def shop_with_security_code(ctx: ScenarioContext) -> None:
    ctx.target.control.update_shop(ctx.account.aid, security_code=True)
    ctx.checkout_settings.security_code = True


@given("the shop has not registered the merchant page's origin")
def origin_not_registered(ctx: ScenarioContext) -> None:
    ctx.target.control.update_shop(ctx.account.aid, allowed_origins=["https://some-other-shop.example"])


@given("the gateway drops the next token request")
def gateway_drops_token_request(ctx: ScenarioContext) -> None:
    ctx.target.control.fault("token", "drop", ctx.account)


@given(parsers.parse("the merchant page passes {parameter} \"{value}\" to TokenCreate"))
def merchant_passes(ctx: ScenarioContext, parameter: str, value: str) -> None:
    if parameter == "aid":
        ctx.checkout_settings.aid = value
    elif parameter == "md":
        ctx.checkout_settings.md = None if value == "(missing)" else value
    else:
        raise ValueError(f"the reference merchant can be configured with aid or md, not {parameter!r}")
