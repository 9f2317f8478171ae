"""Comparing an API answer with the catalogue catches every kind of difference."""

from __future__ import annotations

import json

import catalogue
from harness.suites.outcome_check import failure_message, mismatches, observed_code_type
from harness.targets.billing_api import ApiExchange


def exchange(status: int, body: object) -> ApiExchange:
    text = body if isinstance(body, str) else json.dumps(body)
    return ApiExchange("POST", "http://x/api", {}, status, text, 1.0)


def test_a_matching_answer_has_no_mismatch() -> None:
    expected = catalogue.outcome("3401", "api")
    answer = exchange(400, {"error": {"code": 3401, "message": expected.message}})
    assert mismatches(answer, expected) == []


def test_a_string_code_where_an_integer_is_documented_is_caught() -> None:
    expected = catalogue.outcome("3401", "api")
    answer = exchange(400, {"error": {"code": "3401", "message": expected.message}})
    assert any("JSON string, documented int" in p for p in mismatches(answer, expected))


def test_status_code_and_message_differences_are_each_reported() -> None:
    expected = catalogue.outcome("ER584", "api")
    answer = exchange(400, {"error": {"code": "ER585", "message": "other"}})
    problems = mismatches(answer, expected)
    assert len(problems) == 3
    assert failure_message(expected, problems).startswith("[api:payment ER584] ")


def test_success_is_error_null_and_rate_limit_has_no_json_body() -> None:
    assert observed_code_type(exchange(200, {"error": None})) == "null"
    assert observed_code_type(exchange(429, "Too Many Requests")) == "absent"
    assert mismatches(exchange(200, {"error": None}), catalogue.outcome("SUCCESS", "api")) == []
    assert mismatches(exchange(200, {"error": None}), catalogue.outcome("HTTP429", "api")) != []


def test_on_a_real_service_an_inferred_message_that_differs_is_a_discrepancy_not_a_mismatch() -> None:
    from harness.reporting.failures import catalogue_discrepancy, categories
    from harness.suites.outcome_check import message_discrepancy

    inferred = next(o for o in catalogue.outcomes() if o.surface == "api" and o.code_json == "int"
                    and not o.message_confirmed)
    answer = exchange(inferred.http_status, {"error": {"code": inferred.code, "message": "what staging says"}})
    assert mismatches(answer, inferred) != []  # on the sandbox the catalogue is the law
    assert mismatches(answer, inferred, unconfirmed_messages_bind=False) == []
    text = message_discrepancy(answer, inferred)
    assert text is not None and "what staging says" in text and inferred.message in text
    category = next(c for c in categories() if c["name"] == "catalogue discrepancy")
    import re
    assert re.match(category["messageRegex"], catalogue_discrepancy(inferred, text))


def test_a_confirmed_message_that_differs_stays_a_mismatch_everywhere() -> None:
    from harness.suites.outcome_check import message_discrepancy

    confirmed = next(o for o in catalogue.outcomes() if o.surface == "api" and o.message_confirmed
                     and o.code_json in ("int", "string"))
    answer = exchange(confirmed.http_status, {"error": {"code": confirmed.code, "message": "changed"}})
    assert mismatches(answer, confirmed, unconfirmed_messages_bind=False) != []
    assert message_discrepancy(answer, confirmed) is None
