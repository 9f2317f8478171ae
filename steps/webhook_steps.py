"""Steps of the credit_status_issue webhook: the shop's webhook, the events sent, what the merchant's handler did."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.core.webhook_delivery import delivery_problems, redeliver, redelivery_problems, wait_for
from harness.reporting.evidence import attach_json
from harness.suites.scenario_context import ScenarioContext


@given("the shop's webhook points at the reference merchant's handler")
@given("店舗のWebhookは参照加盟店のハンドラを指している")
def webhook_to_reference_merchant(ctx: ScenarioContext) -> None:
    registered = ctx.target.control.register_webhook(ctx.account, ctx.target.merchant.webhook_url)
    ctx.webhook_key = registered["signature_key"]


@when("the payment system sends a credit_status_issue event for that payment method")
@when("決済システムがその決済手段のcredit_status_issueイベントを送る")
def send_event(ctx: ScenarioContext) -> None:
    sent = ctx.target.control.send_webhook(ctx.account, ctx.billing.code, ctx.billing.payment_number)
    ctx.webhook_event = sent["event"]


@when("the same event is delivered again")
@when("同じイベントがもう一度配信される")
def deliver_again(ctx: ScenarioContext) -> None:
    assert ctx.webhook_event is not None, "a scenario sends an event before delivering it again"
    answer = redeliver(ctx.target.merchant.webhook_url, ctx.webhook_event)
    attach_json("repeated delivery", {"status": answer.status_code, "answer": answer.text[:500]}, ctx.secrets())
    problems = redelivery_problems(answer, ctx.webhook_key)
    assert not problems, " ".join(problems)


@then(parsers.parse("the webhook announced credit_status {status:d} for that payment method"))
@then(parsers.parse("Webhookがその決済手段のcredit_status {status:d}を通知した"))
def webhook_announced(ctx: ScenarioContext, status: int) -> None:
    number = str(ctx.billing.payment_number)

    def announced(rows: list[dict]) -> bool:
        return any(_detail(r).get("payment_number") == number and _detail(r).get("credit_status") == str(status)
                   for r in rows)

    deliveries = wait_for(lambda: ctx.target.control.webhook_deliveries(ctx.account), announced)
    attach_json("webhook deliveries", deliveries, (*ctx.secrets(), ctx.webhook_key))
    assert announced(deliveries), (f"no credit_status_issue with credit_status {status} for payment method {number} "
                                   f"was delivered: {[_detail(d) for d in deliveries]}")
    ctx.webhook_event = next(d["payload"] for d in deliveries if announced([d]))


@then("the merchant's handler acknowledged every delivery with 2xx")
@then("加盟店のハンドラはすべての配信に2xxで応答した")
def every_delivery_acknowledged(ctx: ScenarioContext) -> None:
    deliveries = wait_for(lambda: ctx.target.control.webhook_deliveries(ctx.account), bool)
    assert deliveries, "the payment system delivered no webhook event"
    problems = delivery_problems(deliveries)
    assert not problems, " ".join(problems)


@then("the merchant kept the event once")
@then("加盟店はそのイベントを一度だけ保持した")
def kept_once(ctx: ScenarioContext) -> None:
    event_id = ctx.webhook_event["id"]
    kept = [e for e in ctx.target.merchant.webhook_events() if e["payload"].get("id") == event_id]
    attach_json("events the merchant kept", kept, (*ctx.secrets(), ctx.webhook_key))
    assert len(kept) == 1, f"the merchant kept event {event_id!r} {len(kept)} times; a repeated delivery must be " \
                           "recognised (by its id) and kept once"


def _detail(delivery: dict) -> dict:
    return (delivery.get("payload") or {}).get("event_detail") or {}
