"""Steps that call the billing API directly and compare its answers with the catalogue."""

from __future__ import annotations

import json

import pytest
from pytest_bdd import parsers, then, when

import catalogue
from harness.core.card_data_guard import scan_text
from harness.core.cards import VENDOR_TEST_CARD
from harness.reporting.coverage import record_outcome
from harness.reporting.evidence import attach_exchange, attach_json
from harness.reporting.failures import catalogue_discrepancy
from harness.suites.api_situations import provoke
from harness.suites.outcome_check import failure_message, message_discrepancy, mismatches
from harness.suites.scenario_context import ScenarioContext
from harness.suites.submission_check import received_leaks

REGISTERED = 5  # register_status 登録完了


@when(parsers.parse("credit_card_token is called with {situation}"))
@when(parsers.parse("credit_card_tokenを{situation}で呼び出す"))
def call_credit_card_token(ctx: ScenarioContext, situation: str) -> None:
    exchange = provoke(situation, ctx)
    ctx.exchanges.append(exchange)
    for earlier in ctx.exchanges[:-1]:
        attach_exchange(earlier, ctx.secrets())
    attach_exchange(exchange, ctx.secrets())


@then(parsers.parse("the answer is the documented outcome \"{code}\""))
@then(parsers.parse("応答は文書化された結果\"{code}\"である"))
def documented_outcome(request: pytest.FixtureRequest, ctx: ScenarioContext, code: str) -> None:
    expected = catalogue.outcome(code, "api")
    attach_json(f"documented outcome {code}", {
        "http_status": expected.http_status, "code_json": expected.code_json, "code": expected.code,
        "message": expected.message, "source": expected.source, "meaning": expected.meaning})
    record_outcome(request, expected.id, "api")
    answer = ctx.exchanges[-1]
    sandbox = ctx.target.settings.can_force_outcomes  # the sandbox answers from the catalogue itself
    problems = mismatches(answer, expected, unconfirmed_messages_bind=sandbox)
    assert not problems, failure_message(expected, problems)
    discrepancy = None if sandbox else message_discrepancy(answer, expected)
    if discrepancy:
        attach_json("catalogue discrepancy", {"service": answer.error_message, "catalogue": expected.message})
        pytest.xfail(catalogue_discrepancy(expected, discrepancy))


@then("search shows the payment method with register_status 5")
@then("searchで決済手段のregister_statusが5と表示される")
def search_registered(ctx: ScenarioContext) -> None:
    exchange = ctx.api.search(billing_code=ctx.billing.code)
    ctx.exchanges.append(exchange)
    attach_exchange(exchange, ctx.secrets())
    rows = (exchange.json or {}).get("billing_payment_method", [])
    row = next((r for r in rows if int(r.get("number", -1)) == ctx.billing.payment_number), None)
    assert row is not None, f"search did not return payment method {ctx.billing.payment_number}: {rows}"
    assert row.get("register_status") == REGISTERED, (
        f"register_status is {row.get('register_status')!r}, expected {REGISTERED} (登録完了)")


@then("no full card number appears in the search answer or anything the merchant received")
@then("searchの応答にも加盟店が受け取ったものにも完全なカード番号は現れない")
def no_full_card_number(ctx: ScenarioContext) -> None:
    received = ctx.received_by_merchant()
    findings = [f for e in ctx.exchanges for f in scan_text(e.response_text, f"answer of {e.url}", (VENDOR_TEST_CARD,))]
    findings += scan_text(json.dumps(received, ensure_ascii=False), "what the merchant received", (VENDOR_TEST_CARD,))
    problems = [f"card data exposed: {f.detail} in {f.where}" for f in findings if f.severity == "violation"]
    problems += received_leaks(received, (VENDOR_TEST_CARD,), ())
    assert not problems, "; ".join(problems)
