"""What the suites read of 3-D Secure from the browser: the authenticate parameters (redacted), the answers, the
challenge, and how they are judged."""

from __future__ import annotations

import json

import pytest

from harness.core.submission_probe import SentRequest, SubmissionProbe
from harness.suites.three_d_secure import authentication_seen, password_named, shown_parameters

GATEWAY = "http://127.0.0.1:8000"
TOKEN = "QUJDREVGR0hJSktMTU5PUA=="
PARAMS = {"tkn": TOKEN, "aid": "123456", "am": 0, "tx": 0, "sf": 0, "em": "qa@example.com", "pn": "0312345678"}


def probe(*answers: str, challenged: bool = False, params: dict | None = None) -> SubmissionProbe:
    seen = SubmissionProbe(())
    seen.calls.append({"call": True, "how": "XMLHttpRequest", "method": "POST",
                       "target": f"{GATEWAY}/gateway/3ds/authenticate", "body": json.dumps(params or PARAMS)})
    seen.calls.append({"call": True, "how": "XMLHttpRequest", "method": "POST",
                       "target": "http://shop.example/gateway/3ds/authenticate", "body": "{}"})
    targets = [f"{GATEWAY}/gateway/3ds/authenticate"] + [f"{GATEWAY}/gateway/3ds/challenge/abc"] * (len(answers) - 1)
    seen.answers.extend({"answer": True, "resultCode": code, "token": "", "target": target}
                        for code, target in zip(answers, targets, strict=True))
    seen.answers.append({"answer": True, "resultCode": "Success", "token": TOKEN, "target": f"{GATEWAY}/gateway/token"})
    if challenged:
        seen.requests.append(SentRequest(f"{GATEWAY}/gateway/3ds/challenge/abc", "GET", {}, None, "document", True))
    return seen


def test_the_parameters_show_the_token_and_the_holders_contact_by_length_only() -> None:
    shown = shown_parameters(json.dumps(PARAMS))
    assert shown == {"tkn": "<token of 24 characters>", "aid": "123456", "am": 0, "tx": 0, "sf": 0,
                     "em": "<email of 14 characters>", "pn": "<tel of 10 characters>"}
    assert shown_parameters("not json") == {"unreadable body": "<8 characters>"}


def test_only_the_gateways_authenticate_and_challenge_answers_count() -> None:
    seen = authentication_seen(probe("Success", "Cancel", challenged=True), GATEWAY)
    assert len(seen.parameters) == 1  # the call to another origin is not the gateway's authenticate
    assert seen.answers == ["Success", "Cancel"]  # the token answer is not a 3-D Secure answer
    assert seen.result == "Cancel" and seen.challenged


def test_a_frictionless_success_has_no_problem_and_a_challenge_where_none_was_expected_has_one() -> None:
    assert authentication_seen(probe("Success"), GATEWAY).problems("Success", challenged=False) == []
    challenged = authentication_seen(probe("Success", "Success", challenged=True), GATEWAY)
    assert challenged.problems("Success", challenged=False) == ["the issuer's challenge was shown"]
    assert challenged.problems("Success", challenged=True) == []


def test_a_page_that_never_authenticated_or_got_another_answer_is_a_problem() -> None:
    assert authentication_seen(SubmissionProbe(()), GATEWAY).problems("Success") == [
        "the page never called ThreeDSAdapter.authenticate"]
    assert authentication_seen(probe("ER059"), GATEWAY).problems("Success") == [
        "the 3-D Secure answer was 'ER059', expected 'Success'"]


def test_the_passwords_are_named_in_english_and_japanese() -> None:
    assert password_named("right") == password_named("正しい") == "123456"
    assert password_named("wrong") != password_named("right")
    with pytest.raises(ValueError, match="right or the wrong"):
        password_named("any")
