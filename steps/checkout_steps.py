"""Steps in the browser: the merchant checkout in popup or custom mode, and what left the browser."""

from __future__ import annotations

import pytest
from pytest_bdd import given, parsers, then, when

import catalogue
from catalogue import Outcome
from harness.core.cards import VENDOR_SECURITY_CODE, VENDOR_TEST_CARD, CardInput, card_with
from harness.reporting.coverage import record_outcome
from harness.reporting.evidence import attach_json, attach_screenshot
from harness.reporting.failures import outcome_failure
from harness.suites.scenario_context import ScenarioContext, mode_named
from harness.suites.submission_check import card_leaks, judge_submission, received_leaks
from pages.popup_checkout_page import PopupCheckoutPage

# A buggy merchant submits right after the gateway's error callback; give it this long after the callback.
SUBMIT_GRACE_MS = 200


@given(parsers.parse("the reference merchant's {mode} checkout for that billing"))
@given(parsers.parse("その請求先の参照加盟店の{mode}決済ページがある"))
def merchant_checkout(ctx: ScenarioContext, mode: str) -> None:
    ctx.checkout_settings.mode = mode_named(mode)


@when("the customer starts the purchase")
@when("顧客が購入を開始する")
def start_purchase(ctx: ScenarioContext) -> None:
    ctx.open_checkout().start_purchase()


@when("the customer enters the vendor test card on the merchant page")
@when("顧客が加盟店ページでベンダーのテストカードを入力する")
def enter_test_card(ctx: ScenarioContext) -> None:
    ctx.open_checkout().enter_card(CardInput())


@when(parsers.parse("the customer enters a card with {field} \"{value}\" on the merchant page"))
@when(parsers.parse("顧客が加盟店ページで{field}が\"{value}\"のカードを入力する"))
def enter_card_with(ctx: ScenarioContext, field: str, value: str) -> None:
    ctx.open_checkout().enter_card(card_with(field, value))


@when("the customer enters the vendor test card in the gateway's form and submits it")
@when("顧客がゲートウェイのフォームでベンダーのテストカードを入力して送信する")
def popup_test_card(ctx: ScenarioContext) -> None:
    form = _popup(ctx).card_form()
    form.enter_card(CardInput())
    form.submit()


@when(parsers.parse("the customer enters a card with {field} \"{value}\" in the gateway's form and submits it"))
@when(parsers.parse("顧客がゲートウェイのフォームで{field}が\"{value}\"のカードを入力して送信する"))
def popup_card_with(ctx: ScenarioContext, field: str, value: str) -> None:
    form = _popup(ctx).card_form()
    form.enter_card(card_with(field, value))
    form.submit()


@when("the customer cancels the gateway's card form")
@when("顧客がゲートウェイのカード入力フォームをキャンセルする")
def popup_cancel(ctx: ScenarioContext) -> None:
    _popup(ctx).card_form().cancel()


@when(parsers.parse("the customer pays with the vendor test card in {mode} mode"))
@when(parsers.parse("顧客が{mode}モードでベンダーのテストカードで支払う"))
def pay_with_test_card(ctx: ScenarioContext, mode: str) -> None:
    assert mode_named(mode) == ctx.checkout_settings.mode, f"the scenario's checkout is not in {mode} mode"
    ctx.pay(CardInput())


@then("the gateway's card form appears inside the card input area")
@then("ゲートウェイのカード入力フォームがカード入力エリアの中に表示される")
def card_form_shown(ctx: ScenarioContext) -> None:
    page = _popup(ctx)
    page.card_form()
    origin = page.card_frame_origin()
    attach_screenshot(ctx.page, "gateway card form shown")
    gateway = ctx.target.gateway_origin
    assert origin == gateway, f"the card form in {ctx.selectors.card_area} comes from {origin!r}, not {gateway}"


@then("the merchant page cannot read the gateway's card inputs")
@then("加盟店ページはゲートウェイのカード入力を読み取れない")
def frame_isolated(ctx: ScenarioContext) -> None:
    seen = _popup(ctx).read_card_inputs_from_merchant_side()
    attach_json("merchant page reading the gateway frame", {"result": seen})
    assert seen.startswith("blocked"), f"card data exposed: the merchant page can read the gateway frame ({seen})"


@then("at the moment of submission every card input is empty")
@then("送信の瞬間にすべてのカード入力欄が空である")
def inputs_empty_at_submit(ctx: ScenarioContext) -> None:
    checkout = ctx.open_checkout()
    checkout.wait_for_result()
    verdict = _submission_verdict(ctx)
    attach_json("submission evidence: DOM at submit and submitted body", verdict.evidence(), ctx.secrets())
    assert not verdict.dom_problems, "; ".join(verdict.dom_problems)


@then("the gateway's \"Success\" token is submitted with no card data")
@then("ゲートウェイの\"Success\"トークンがカード情報なしで送信される")
def submission_token_only(request: pytest.FixtureRequest, ctx: ScenarioContext) -> None:
    ctx.open_checkout().wait_for_result()
    record_outcome(request, "Success", "gateway")
    verdict = _submission_verdict(ctx)
    attach_json("submitted body (token shown by length only)", verdict.fields, ctx.secrets())
    assert not verdict.body_problems, "; ".join(verdict.body_problems)


@then(parsers.parse("the merchant shows the registration result \"{code}\""))
@then(parsers.parse("加盟店は登録結果\"{code}\"を表示する"))
def registration_result(request: pytest.FixtureRequest, ctx: ScenarioContext, code: str) -> None:
    expected = catalogue.outcome(code, "api")
    checkout = ctx.open_checkout()
    checkout.wait_for_result()
    attach_screenshot(ctx.page, "merchant result page")
    shown = checkout.result_code()
    wanted = "Success" if expected.id == "SUCCESS" else expected.id
    record_outcome(request, expected.id, "api")
    assert shown == wanted, outcome_failure(expected, f"the merchant shows {shown!r} ({checkout.result_message()!r}), "
                                                      f"expected {wanted!r}")


@then(parsers.parse("the merchant shows the gateway message of \"{code}\""))
@then(parsers.parse("加盟店は\"{code}\"のゲートウェイメッセージを表示する"))
def gateway_message(request: pytest.FixtureRequest, ctx: ScenarioContext, code: str) -> None:
    show_callback_message(request, ctx, catalogue.outcome(code, "gateway"))


def show_callback_message(request: pytest.FixtureRequest, ctx: ScenarioContext, expected: Outcome) -> None:
    """The merchant shows a callback's errMsg on the page and in an alert (CPToken's or ThreeDSAdapter's)."""
    checkout = ctx.open_checkout()
    shown = checkout.wait_for_error()
    attach_screenshot(ctx.page, f"merchant shows the {expected.surface} message ({expected.id})")
    attach_json("messages the merchant showed", {"on page": shown, "alerts": checkout.alerts})
    record_outcome(request, expected.id, expected.surface)
    assert shown == expected.message, outcome_failure(expected, f"the merchant shows {shown!r}, documented errMsg "
                                                                f"{expected.message!r}")
    assert expected.message in checkout.alerts, outcome_failure(
        expected, f"no alert with {expected.message!r}; alerts: {checkout.alerts}")


@then("nothing was submitted to the merchant")
@then("加盟店には何も送信されていない")
def nothing_submitted(ctx: ScenarioContext) -> None:
    ctx.open_checkout().wait_out_late_submission(SUBMIT_GRACE_MS)
    posts = ctx.probe.form_posts(ctx.target.merchant_origin)
    received = ctx.received_by_merchant()
    attach_json("what reached the merchant", {"form posts from the browser": len(posts),
                                              "received by the merchant's server": received}, ctx.secrets())
    assert not posts and not received, (
        f"the merchant submitted after a non-Success result: {len(posts)} form post(s), "
        f"{len(received)} received by its server")


@then("no card data reached the merchant")
@then("カード情報は加盟店に届いていない")
def no_card_data(ctx: ScenarioContext) -> None:
    leaks = card_leaks(ctx.probe.requests, ctx.target.gateway_origin, (VENDOR_TEST_CARD,), (VENDOR_SECURITY_CODE,))
    problems = [f"card data exposed: {f.detail} in {f.where}" for f in leaks]
    problems += received_leaks(ctx.received_by_merchant(), (VENDOR_TEST_CARD,), (VENDOR_SECURITY_CODE,))
    attach_json("requests that left the browser for other origins than the gateway",
                [{"method": r.method, "url": r.url} for r in ctx.probe.requests_outside(ctx.target.gateway_origin)],
                ctx.secrets())
    assert not problems, "; ".join(problems)


def _popup(ctx: ScenarioContext) -> PopupCheckoutPage:
    checkout = ctx.open_checkout()
    assert isinstance(checkout, PopupCheckoutPage), "this step is for the popup checkout"
    return checkout


def _submission_verdict(ctx: ScenarioContext):
    posts = ctx.probe.form_posts(ctx.target.merchant_origin)
    snapshots = ctx.probe.page_snapshots(ctx.target.gateway_origin)
    return judge_submission(snapshots, posts[-1] if posts else None, secrets=ctx.secrets())
