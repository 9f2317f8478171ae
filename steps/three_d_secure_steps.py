"""Steps of 3-D Secure 2.0: the shop's setting, the current spec's checkout pages, the issuer's challenge, and
what ThreeDSAdapter.authenticate was given and answered."""

from __future__ import annotations

import pytest
from pytest_bdd import given, parsers, then, when

import catalogue
from harness.core.cards import CardInput
from harness.reporting.coverage import record_outcome
from harness.reporting.evidence import CARD_INPUT_SELECTORS, attach_json, attach_screenshot
from harness.reporting.failures import outcome_failure
from harness.suites.scenario_context import ScenarioContext, mode_named
from harness.suites.three_d_secure import authentication_seen, password_named
from pages.three_d_secure_challenge import PASSWORD_INPUT
from steps.checkout_steps import show_callback_message

# The official spec, on why the vendor's staging cannot be used (credit_card_token.md, current).
NOT_ON_STAGING = ("3-D Secure runs on the sandbox only: the vendor's spec says 「仕様上、検証環境での検証を行うことは"
                  "できかねますのでご了承ください。」")
DROP_RETRIES = 3
CHALLENGE_MASKS = (*CARD_INPUT_SELECTORS, PASSWORD_INPUT)


@given("the shop requires 3-D Secure")
@given("店舗は3Dセキュアを必須にしている")
def shop_requires_three_d_secure(ctx: ScenarioContext) -> None:
    if ctx.target.control is None:
        pytest.skip(NOT_ON_STAGING)
    ctx.target.control.require_three_d_secure(ctx.account)


@given(parsers.parse("the reference merchant's {mode} checkout with 3-D Secure for that billing"))
@given(parsers.parse("その請求先の参照加盟店の3Dセキュア対応の{mode}決済ページがある"))
def three_d_secure_checkout(ctx: ScenarioContext, mode: str) -> None:
    ctx.checkout_settings.mode = mode_named(mode)
    ctx.checkout_settings.three_d_secure = True


@given(parsers.parse("the merchant page passes {contact} \"{value}\" to ThreeDSAdapter.authenticate"))
@given(parsers.parse("加盟店ページはThreeDSAdapter.authenticateに{contact}として\"{value}\"を渡す"))
def page_passes_contact(ctx: ScenarioContext, contact: str, value: str) -> None:
    if contact == "em":
        ctx.checkout_settings.email = value
    elif contact == "pn":
        ctx.checkout_settings.tel = value
    else:
        raise ValueError(f"the reference merchant's 3-D Secure page can be given em or pn, not {contact!r}")


@given(parsers.parse("the gateway answers the next 3-D Secure authentication with \"{code}\""))
@given(parsers.parse("ゲートウェイは次の3Dセキュア認証に\"{code}\"で応答する"))
def authentication_primed(ctx: ScenarioContext, code: str) -> None:
    ctx.target.control.prime("authenticate", catalogue.outcome(code, "authenticate").id, account=ctx.account)


@given("the gateway drops the next 3-D Secure authentication request")
@given("ゲートウェイは次の3Dセキュア認証要求を切断する")
def authentication_dropped(ctx: ScenarioContext) -> None:
    # Chromium retries a POST whose reused connection closes without an answer: drop it each time.
    ctx.target.control.fault("authenticate", "drop", ctx.account, count=DROP_RETRIES)


@given("the issuer refuses the next 3-D Secure authentication without a challenge")
@given("カード発行会社は次の3Dセキュア認証を本人認証なしで拒否する")
def issuer_refuses(ctx: ScenarioContext) -> None:
    ctx.target.control.next_authentication("refused", ctx.account)


@when(parsers.parse("the customer pays with the card {number} in {mode} mode"))
@when(parsers.parse("顧客が{mode}モードでカード{number}で支払う"))
def pay_with_card(ctx: ScenarioContext, number: str, mode: str) -> None:
    assert mode_named(mode) == ctx.checkout_settings.mode, f"the scenario's checkout is not in {mode} mode"
    ctx.pay(CardInput(number=number))


@when(parsers.parse("the customer answers the issuer's challenge with the {which} password"))
@when(parsers.parse("顧客がカード発行会社の本人認証に{which}パスワードで答える"))
def answer_challenge(ctx: ScenarioContext, which: str) -> None:
    ctx.open_checkout().challenge().answer(password_named(which))


@when("the customer cancels the issuer's challenge")
@when("顧客がカード発行会社の本人認証をキャンセルする")
def cancel_challenge(ctx: ScenarioContext) -> None:
    ctx.open_checkout().challenge().cancel()


@then("the issuer's challenge appears inside the 3-D Secure area")
@then("カード発行会社の本人認証画面が3Dセキュア表示エリアの中に表示される")
def challenge_shown(ctx: ScenarioContext) -> None:
    checkout = ctx.open_checkout()
    checkout.challenge()
    attach_screenshot(ctx.page, "the issuer's challenge (card inputs and password masked)", CHALLENGE_MASKS)
    origin, gateway = checkout.challenge_frame_origin(), ctx.target.gateway_origin
    assert origin == gateway, (f"the challenge in {ctx.selectors.challenge_area} comes from {origin!r}, not the "
                               f"gateway {gateway}")


@then("the merchant page cannot read the issuer's challenge")
@then("加盟店ページはカード発行会社の本人認証画面を読み取れない")
def challenge_isolated(ctx: ScenarioContext) -> None:
    seen = ctx.open_checkout().read_challenge_from_merchant_side()
    attach_json("merchant page reading the challenge frame", {"result": seen.split(":")[0]})
    assert seen.startswith("blocked"), f"the merchant page can read the issuer's challenge frame ({seen.split(':')[0]})"


@then(parsers.parse("3-D Secure answered \"{code}\" {how}"))
@then(parsers.parse("3Dセキュア認証は{how}\"{code}\"と応答した"))
def authentication_answered(request: pytest.FixtureRequest, ctx: ScenarioContext, code: str, how: str) -> None:
    expected = catalogue.outcome(code, "authenticate")
    ctx.open_checkout().wait_for_result()
    seen = authentication_seen(ctx.probe, ctx.target.gateway_origin)
    attach_json("ThreeDSAdapter.authenticate: parameters (values redacted) and answers", seen.evidence(),
                ctx.secrets())
    record_outcome(request, expected.id, "authenticate")
    challenged = {"without a challenge": False, "after the challenge": True,
                  "本人認証なしで": False, "本人認証の後に": True}.get(how)
    assert challenged is not None, f"say 'without a challenge' or 'after the challenge', not {how!r}"
    problems = seen.problems(expected.id, challenged)
    assert not problems, outcome_failure(expected, "; ".join(problems))


@then("the page never called ThreeDSAdapter.authenticate")
@then("ページはThreeDSAdapter.authenticateを呼び出さなかった")
def authenticate_never_called(ctx: ScenarioContext) -> None:
    ctx.open_checkout().wait_for_result()
    seen = authentication_seen(ctx.probe, ctx.target.gateway_origin)
    attach_json("ThreeDSAdapter.authenticate calls", seen.evidence(), ctx.secrets())
    assert not seen.parameters, f"the page called ThreeDSAdapter.authenticate {len(seen.parameters)} time(s)"


@then(parsers.parse("the merchant shows the 3-D Secure message of \"{code}\""))
@then(parsers.parse("加盟店は\"{code}\"の3Dセキュアメッセージを表示する"))
def three_d_secure_message(request: pytest.FixtureRequest, ctx: ScenarioContext, code: str) -> None:
    show_callback_message(request, ctx, catalogue.outcome(code, "authenticate"))
    seen = authentication_seen(ctx.probe, ctx.target.gateway_origin)
    attach_json("ThreeDSAdapter.authenticate: parameters (values redacted) and answers", seen.evidence(),
                ctx.secrets())
