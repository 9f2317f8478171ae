"""Judging a submission: inputs at submit time, the submitted body, what the merchant received."""

from __future__ import annotations

from harness.core.submission_probe import SentRequest
from harness.suites.submission_check import judge_submission, received_leaks

CARD = "4444333322221111"


def post(body: str) -> SentRequest:
    return SentRequest("http://shop/checkout/1/purchase", "POST", {}, body, "document", True)


def snapshot(**values: str) -> dict:
    inputs = [{"selector": f"#{name}", "id": name, "name": name, "value": values.get(name, "")}
              for name in ("cn", "ed_year", "ed_month", "fn", "ln")]
    return {"how": "form.submit()", "inputs": inputs, "fields": [["tkn", "TOKEN=="]], "url": "http://shop/x"}


def test_a_compliant_submission_has_no_problem() -> None:
    verdict = judge_submission([snapshot()], post("cn=&ed_year=&ed_month=&fn=&ln=&tkn=QUJD%3D%3D"))
    assert verdict.problems == []
    assert verdict.fields["tkn"] == ["<token of 6 characters>"]


def test_an_input_still_holding_the_card_is_reported_masked() -> None:
    verdict = judge_submission([snapshot(cn=CARD)], post(f"cn={CARD}&tkn=QUJD"))
    assert any("#cn" in p and "****1111" in p for p in verdict.dom_problems)
    assert any("'cn'" in p for p in verdict.body_problems)
    assert CARD not in str(verdict.evidence())


def test_a_missing_token_or_a_missing_submission_is_a_problem() -> None:
    assert "no 'tkn' token" in " ".join(judge_submission([snapshot()], post("cn=&tkn=")).problems)
    problems = judge_submission([], None).problems
    assert len(problems) == 2


def test_the_merchant_server_receiving_more_than_the_token_is_reported() -> None:
    assert received_leaks([{"fields": {"tkn": "QUJD", "cn": ""}}], (CARD,), ("123",)) == []
    problems = received_leaks([{"fields": {"tkn": "QUJD", "cn": CARD}}], (CARD,), ("123",))
    assert problems and all(CARD not in p for p in problems)
