"""3-D Secure 2.0 over HTTP: the authenticate endpoint, the challenge, the shop setting and credit_card_token."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from test_api_bulk_upsert import INDIVIDUAL, billing_row, upsert

import catalogue

CHALLENGE_CARD = "4000000000003220"
REFUSED_CARD = "4000000000003063"
PASSWORD = "123456"

Trigger = Callable[[Any, dict[str, Any]], httpx.Response]


@pytest.fixture
def secure_account(calls: Any) -> dict[str, Any]:
    """A shop as the current spec has it: 3-D Secure required (the control API's default)."""
    return calls.control("accounts", {})


@pytest.fixture
def secure_billing(calls: Any, secure_account: dict[str, Any]) -> dict[str, Any]:
    return calls.billing_with_contact(secure_account)


def expect_result(response: httpx.Response, outcome_id: str) -> dict[str, Any]:
    """authenticate answered HTTP 200 with the catalogue's resultCode and errMsg for this outcome."""
    entry = catalogue.outcome(outcome_id, "authenticate")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["resultCode"], answer["errMsg"]) == (entry.id, entry.message)
    return answer


def _expired(calls: Any, account: dict[str, Any]) -> httpx.Response:
    token = calls.token(account)
    calls.control("clock", {"advance_seconds": 15 * 60 + 1, "aid": account["aid"]})
    return calls.authenticate_call(account, token)


def _twice(calls: Any, account: dict[str, Any]) -> httpx.Response:
    token = calls.token(account)
    calls.authenticate(account, token)
    return calls.authenticate_call(account, token)


AUTHENTICATE_TRIGGERS: dict[str, Trigger] = {
    "Success": lambda calls, account: calls.authenticate_call(account, calls.token(account)),
    "ER050": lambda calls, account: calls.authenticate_call(account, calls.token(account), aid="12345"),
    "ER004": lambda calls, account: calls.authenticate_call(account, calls.token(account), aid="012345"),
    "ER002": lambda calls, account: calls.authenticate_call(
        account, calls.token(account), referer="http://elsewhere.example/pay"
    ),
    "ER584": _twice,
    "ER585": _expired,
    "ER001": lambda calls, account: calls.authenticate_call(account, calls.token(account), am=100),
    "ER059": lambda calls, account: calls.authenticate_call(account, calls.token(account), em="not-an-email"),
    "ER060": lambda calls, account: calls.authenticate_call(account, calls.token(account), pn="03-0000-0000"),
}
BROWSER_ONLY = {"Cancel", "ER000"}


@pytest.mark.parametrize(
    "entry",
    [entry for entry in catalogue.authenticate_outcomes() if entry.id not in BROWSER_ONLY],
    ids=lambda entry: entry.id,
)
def test_every_authenticate_outcome_is_reachable(
    calls: Any, secure_account: dict[str, Any], entry: catalogue.Outcome
) -> None:
    trigger = AUTHENTICATE_TRIGGERS.get(entry.id)
    if trigger is None:
        pytest.fail(f"authenticate outcome {entry.id} has no trigger in this test: add one here.")
    expect_result(trigger(calls, secure_account), entry.id)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"am": "0", "tx": "0", "sf": "0"}, "Success"),
        ({"tx": None}, "ER001"),
        ({"sf": 1}, "ER001"),
        ({"am": None, "tx": None, "sf": None, "iid": "ITEM-01"}, "Success"),
        ({"iid": "ITEM-01"}, "ER001"),
        ({"am": None, "tx": None, "sf": None, "iid": "bad item!"}, "ER001"),
        ({"em": None, "pn": None}, "ER001"),
        ({"em": "", "pn": ""}, "ER001"),
        ({"pn": None}, "Success"),
        ({"em": None}, "Success"),
        ({"em": "a" * 96 + "@x.jp"}, "ER059"),
        ({"pn": "0" * 16}, "ER060"),
        ({"pn": 300000000}, "Success"),
        ({"em": ["holder@sandbox.example"]}, "ER059"),
        ({"tkn": "not a token!"}, "ER584"),
        ({"tkn": None}, "ER584"),
    ],
)
def test_authenticate_parameter_rules(
    calls: Any, secure_account: dict[str, Any], params: dict[str, Any], code: str
) -> None:
    given = dict(params)
    token = given.pop("tkn") if "tkn" in given else calls.token(secure_account)
    expect_result(calls.authenticate_call(secure_account, token, **given), code)


def test_a_stripped_referer_gives_er002(calls: Any, secure_account: dict[str, Any]) -> None:
    expect_result(calls.authenticate_call(secure_account, calls.token(secure_account), referer=None), "ER002")


def test_a_token_of_another_shop_or_already_registered_is_refused(
    calls: Any, secure_account: dict[str, Any], secure_billing: dict[str, Any]
) -> None:
    other = calls.control("accounts", {})
    expect_result(calls.authenticate_call(other, calls.token(secure_account)), "ER584")
    token = calls.token(secure_account)
    calls.authenticate(secure_account, token)
    assert calls.register(secure_account, secure_billing, token).json() == {"error": None}
    expect_result(calls.authenticate_call(secure_account, token), "ER584")


@pytest.mark.parametrize("content", [b"not json", b"[1, 2]", b"", b"\xff"])
def test_a_body_that_is_not_a_json_object_answers_er050(calls: Any, content: bytes) -> None:
    response = calls.http.post("/gateway/3ds/authenticate", content=content)
    expect_result(response, "ER050")


def test_a_nine_megabyte_body_answers_413(calls: Any) -> None:
    response = calls.http.post("/gateway/3ds/authenticate", content=b" " * (9 * 1024 * 1024))
    assert response.status_code == 413 and response.content == b""


def test_authenticate_answers_cors_and_a_preflight(calls: Any, secure_account: dict[str, Any]) -> None:
    response = calls.authenticate_call(secure_account, calls.token(secure_account))
    assert response.headers["access-control-allow-origin"] == calls.server.merchant_url
    preflight = calls.http.options(
        "/gateway/3ds/authenticate",
        headers={"Origin": calls.server.merchant_url, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == calls.server.merchant_url


def test_the_script_is_served_like_cptoken(calls: Any) -> None:
    response = calls.http.get("/gateway/js/EMV3DSAdapter.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/javascript")
    assert "window.ThreeDSAdapter" in response.text and "authenticate" in response.text


# ---------------------------------------------------------------- what credit_card_token makes of it


def test_frictionless_then_registration_with_email_and_tel_succeeds(
    calls: Any, secure_account: dict[str, Any], secure_billing: dict[str, Any], expect_outcome: Any
) -> None:
    token = calls.token(secure_account)
    assert "challenge" not in calls.authenticate(secure_account, token)
    response = calls.register(
        secure_account, secure_billing, token, email="  holder@sandbox.example ", tel=" 0300000000"
    )
    expect_outcome(response, "SUCCESS")


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"email": "other@sandbox.example"}, "3406"),
        ({"email": "HOLDER@sandbox.example"}, "3406"),
        ({"email": "not-an-email"}, "3406"),
        ({"email": 42}, "3406"),
        ({"email": "a" * 96 + "@x.jp"}, "3406"),
        ({"tel": "03-0000-0000"}, "3407"),
        ({"tel": "0311111111"}, "3407"),
        ({"tel": 300000000}, "3407"),
        ({"tel": "0" * 16}, "3407"),
        ({"email": "holder@sandbox.example", "tel": "0311111111"}, "3407"),
    ],
)
def test_email_and_tel_must_be_the_individuals(
    calls: Any,
    secure_account: dict[str, Any],
    secure_billing: dict[str, Any],
    expect_outcome: Any,
    fields: dict[str, Any],
    code: str,
) -> None:
    token = calls.token(secure_account)
    calls.authenticate(secure_account, token)
    expect_outcome(calls.register(secure_account, secure_billing, token, **fields), code)
    # An individual error leaves the token unused: it still registers.
    expect_outcome(calls.register(secure_account, secure_billing, token), "SUCCESS")


def test_bulk_upsert_stores_the_individuals_email_and_tel(
    calls: Any, secure_account: dict[str, Any], expect_outcome: Any
) -> None:
    answer = upsert(calls, secure_account, billing_row("BULK-3DS")).json()
    billing = {"billing_code": "BULK-3DS", "number": answer["billing"][0]["payment"][0]["number"]}
    email, tel = INDIVIDUAL["email"], INDIVIDUAL["tel"].replace("-", "")
    token = calls.token(secure_account)
    calls.authenticate(secure_account, token, em=email, pn=tel)
    expect_outcome(calls.register(secure_account, billing, token, email=email, tel=tel), "SUCCESS")


def test_a_shop_with_three_d_secure_off_registers_as_the_seed(
    calls: Any, account: dict[str, Any], billing: dict[str, Any], expect_outcome: Any
) -> None:
    assert account["three_d_secure"] == "off"
    expect_outcome(calls.register(account, billing, calls.token(account)), "SUCCESS")


def test_required_is_the_default_and_can_be_switched(
    calls: Any, secure_account: dict[str, Any], secure_billing: dict[str, Any], expect_outcome: Any
) -> None:
    assert secure_account["three_d_secure"] == "required"
    expect_outcome(calls.register(secure_account, secure_billing, calls.token(secure_account)), "ER900")
    shop = calls.control("shops", {"aid": secure_account["aid"], "three_d_secure": "off"})
    assert shop["three_d_secure"] == "off"
    expect_outcome(calls.register(secure_account, secure_billing, calls.token(secure_account)), "SUCCESS")
    assert calls.control("shops", {"aid": "000778"})["three_d_secure"] == "required"


def test_the_token_is_used_by_a_three_d_secure_error(
    calls: Any, secure_account: dict[str, Any], secure_billing: dict[str, Any], expect_outcome: Any
) -> None:
    token = calls.token(secure_account)
    expect_outcome(calls.register(secure_account, secure_billing, token), "ER900")
    expect_outcome(calls.register(secure_account, secure_billing, token), "ER584")


def test_a_three_d_secure_error_comes_before_a_magic_decline(
    calls: Any, secure_account: dict[str, Any], secure_billing: dict[str, Any], expect_outcome: Any
) -> None:
    decline = next(entry for entry in catalogue.api_outcomes() if entry.family == "decline")
    token = calls.token(secure_account, cn=decline.card)
    expect_outcome(calls.register(secure_account, secure_billing, token), "ER900")
    passed = calls.token(secure_account, cn=decline.card)
    calls.authenticate(secure_account, passed)
    expect_outcome(calls.register(secure_account, secure_billing, passed), decline.id)


# ---------------------------------------------------------------- the challenge


def start_challenge(calls: Any, account: dict[str, Any]) -> tuple[str, str]:
    """(token, challenge path) of a fresh token whose authentication needs a challenge."""
    token = calls.token(account, cn=CHALLENGE_CARD)
    answer = calls.authenticate(account, token)
    path = answer["challenge"]
    assert path.startswith("/gateway/3ds/challenge/")
    return token, path


@pytest.mark.parametrize(
    ("answer", "result", "registration"),
    [
        ({"otp": PASSWORD}, "Success", "SUCCESS"),
        ({"otp": "000000"}, "Success", "ER901"),
        ({"cancel": True}, "Cancel", "ER901"),
    ],
)
def test_a_challenge_result_reaches_the_registration(
    calls: Any,
    secure_account: dict[str, Any],
    secure_billing: dict[str, Any],
    expect_outcome: Any,
    answer: dict[str, Any],
    result: str,
    registration: str,
) -> None:
    token, path = start_challenge(calls, secure_account)
    page = calls.http.get(path)
    assert page.status_code == 200 and 'id="otp"' in page.text and 'id="challenge-cancel"' in page.text
    expect_result(calls.http.post(path, json=answer), result)
    expect_outcome(calls.register(secure_account, secure_billing, token), registration)
    # A challenge is answered once.
    assert calls.http.post(path, json={"otp": PASSWORD}).status_code == 404
    assert calls.http.get(path).status_code == 404


def test_an_unanswered_challenge_gives_er900(
    calls: Any, secure_account: dict[str, Any], secure_billing: dict[str, Any], expect_outcome: Any
) -> None:
    token, _ = start_challenge(calls, secure_account)
    expect_outcome(calls.register(secure_account, secure_billing, token), "ER900")


@pytest.mark.parametrize("body", [{}, {"otp": 123456}, {"cancel": "yes"}, [1], "text"])
def test_a_bad_challenge_answer_is_refused_in_one_sentence(
    calls: Any, secure_account: dict[str, Any], body: Any
) -> None:
    _, path = start_challenge(calls, secure_account)
    response = calls.http.post(path, json=body)
    assert response.status_code == 400
    assert re.fullmatch(r"[^\n]+\.", response.json()["error"])


@pytest.mark.parametrize("challenge", ["unknown-challenge-id-0000", "x", "%2E%2E"])
def test_an_unknown_challenge_answers_404(calls: Any, challenge: str) -> None:
    assert calls.http.get(f"/gateway/3ds/challenge/{challenge}").status_code == 404
    assert calls.http.post(f"/gateway/3ds/challenge/{challenge}", json={"otp": PASSWORD}).status_code == 404


# ---------------------------------------------------------------- control API


@pytest.mark.parametrize(
    ("flow", "registration"), [("challenge", None), ("refused", "ER901"), ("frictionless", "SUCCESS")]
)
def test_the_next_flow_is_primed_per_shop(
    calls: Any,
    secure_account: dict[str, Any],
    secure_billing: dict[str, Any],
    expect_outcome: Any,
    flow: str,
    registration: str | None,
) -> None:
    card = CHALLENGE_CARD if flow == "frictionless" else calls.test_card
    primed = calls.control("three-d-secure/next", {"flow": flow, "user_id": secure_account["user_id"]})
    assert primed == {"flow": flow, "count": 1, "aid": secure_account["aid"]}
    token = calls.token(secure_account, cn=card)
    answer = calls.authenticate(secure_account, token)
    assert ("challenge" in answer) == (flow == "challenge")
    if registration:
        expect_outcome(calls.register(secure_account, secure_billing, token), registration)
    # Spent: the next authentication takes the card's own flow again.
    again = calls.authenticate(secure_account, calls.token(secure_account, cn=card))
    assert ("challenge" in again) == (card == CHALLENGE_CARD)


def test_prime_and_faults_apply_to_authenticate(calls: Any, secure_account: dict[str, Any]) -> None:
    calls.control("prime", {"endpoint": "authenticate", "code": "ER001", "aid": secure_account["aid"]})
    expect_result(calls.authenticate_call(secure_account, calls.token(secure_account)), "ER001")
    calls.control("faults", {"endpoint": "authenticate", "kind": "drop", "aid": secure_account["aid"]})
    with pytest.raises(httpx.RemoteProtocolError):
        calls.authenticate_call(secure_account, calls.token(secure_account))
    expect_result(calls.authenticate_call(secure_account, calls.token(secure_account)), "Success")
    journal = calls.http.get("/_sandbox/journal", params={"endpoint": "authenticate", "aid": secure_account["aid"]})
    entries = journal.json()["entries"]
    assert [entry["status"] for entry in entries] == [200, None, 200]
    assert entries[0]["request"]["tkn"] == "***"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("accounts", {"three_d_secure": "maybe"}),
        ("accounts", {"three_d_secure": True}),
        ("shops", {"aid": "000779", "three_d_secure": "on"}),
        ("three-d-secure/next", {}),
        ("three-d-secure/next", {"flow": "challenge"}),
        ("three-d-secure/next", {"flow": "sideways", "aid": "000779"}),
        ("three-d-secure/next", {"flow": "challenge", "aid": "000779", "count": 0}),
        ("three-d-secure/next", {"flow": "challenge", "aid": "999999"}),
        ("three-d-secure/next", {"flow": "challenge", "user_id": "nobody@sandbox.example"}),
        ("three-d-secure/next", {"flow": "challenge", "colour": "blue"}),
        ("three-d-secure/next", [1]),
        ("billings", {"user_id": "nobody@sandbox.example", "billing_code": "B", "email": 1}),
        ("prime", {"endpoint": "authenticate", "code": "Success"}),
        ("prime", {"endpoint": "authenticate", "code": "3406"}),
    ],
)
def test_a_bad_three_d_secure_control_body_is_refused_in_one_sentence(calls: Any, path: str, body: Any) -> None:
    calls.control("shops", {"aid": "000779"})
    response = calls.http.post(f"/_sandbox/{path}", json=body)
    assert response.status_code == 400, response.text
    assert re.fullmatch(r"[^\n]+\.", response.json()["error"])
