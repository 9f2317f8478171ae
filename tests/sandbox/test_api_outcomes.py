"""Every api outcome of the catalogue, reached over the sandbox's HTTP API and checked as catalogued."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

import catalogue

NEVER_ISSUED = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQQ=="
# Outcomes only the control API's prime can produce.
PRIMED = {entry.id for entry in catalogue.api_outcomes() if entry.trigger == "primed through the control API"}

Trigger = Callable[[Any, dict[str, Any], dict[str, Any]], httpx.Response]


def _register_fresh(
    calls: Any, account: dict[str, Any], billing: dict[str, Any], **fields: Any
) -> httpx.Response:
    return calls.register(account, billing, calls.token(account), **fields)


def _ip_outside(calls: Any, account: dict[str, Any], billing: dict[str, Any]) -> httpx.Response:
    calls.control(
        "users",
        {
            "user_id": account["user_id"],
            "access_key": account["access_key"],
            "aid": account["aid"],
            "ip_allow_list": ["192.0.2.10"],
        },
    )
    return calls.register(account, billing, NEVER_ISSUED)


def _maintenance(calls: Any, account: dict[str, Any], billing: dict[str, Any]) -> httpx.Response:
    calls.control("maintenance", {"on": True, "user_id": account["user_id"]})
    return calls.register(account, billing, NEVER_ISSUED)


def _rate_limited(calls: Any, account: dict[str, Any], billing: dict[str, Any]) -> httpx.Response:
    calls.control("rate-limit", {"limit": 2, "window_seconds": 300, "user_id": account["user_id"]})
    for _ in range(2):
        assert calls.register(account, billing, NEVER_ISSUED).status_code == 200
    return calls.register(account, billing, NEVER_ISSUED)


def _nine_megabytes(calls: Any, account: dict[str, Any], billing: dict[str, Any]) -> httpx.Response:
    return calls.http.post(
        "/api/v1.0/billing_payment_method/credit_card_token", content=b" " * (9 * 1024 * 1024)
    )


def _expired(calls: Any, account: dict[str, Any], billing: dict[str, Any]) -> httpx.Response:
    token = calls.token(account)
    calls.control("clock", {"advance_seconds": 15 * 60 + 1, "aid": account["aid"]})
    return calls.register(account, billing, token)


def _unknown_uri(calls: Any, account: dict[str, Any], billing: dict[str, Any]) -> httpx.Response:
    return calls.api(
        "billing_payment_method/no_such_endpoint",
        {"user_id": account["user_id"], "access_key": account["access_key"]},
    )


def _three_d_secure_required(calls: Any, account: dict[str, Any]) -> dict[str, Any]:
    """Turn the (seed) account's shop to 3-D Secure required; a billing with the holder's contact."""
    calls.control("shops", {"aid": account["aid"], "three_d_secure": "required"})
    return calls.billing_with_contact(account)


def _authenticated(
    calls: Any, account: dict[str, Any], card: str | None = None, **params: Any
) -> httpx.Response:
    billing = _three_d_secure_required(calls, account)
    token = calls.token(account, cn=card) if card else calls.token(account)
    calls.authenticate(account, token, **params)
    return calls.register(account, billing, token)


def _never_authenticated(calls: Any, account: dict[str, Any], billing: dict[str, Any]) -> httpx.Response:
    return _register_fresh(calls, account, _three_d_secure_required(calls, account))


TRIGGERS: dict[str, Trigger] = {
    "SUCCESS": _register_fresh,
    "3401": lambda calls, account, billing: calls.register(
        account, billing, NEVER_ISSUED, billing_code="NO-SUCH"
    ),
    "3402": lambda calls, account, billing: calls.register(
        account, billing, NEVER_ISSUED, billing_payment_method_number=billing["number"] + 987_654
    ),
    "3403": lambda calls, account, billing: calls.register(
        account,
        billing,
        NEVER_ISSUED,
        billing_payment_method_number=None,
        billing_payment_method_code="NO-SUCH",
    ),
    "3404": lambda calls, account, billing: calls.register(
        account, billing, NEVER_ISSUED, billing_payment_method_code=billing["code"]
    ),
    "3405": lambda calls, account, billing: calls.register(account, billing, "not a token!"),
    "10": _unknown_uri,
    "11": lambda calls, account, billing: calls.register(
        account, billing, NEVER_ISSUED, user_id="nobody@sandbox.example"
    ),
    "12": lambda calls, account, billing: calls.register(
        account, billing, NEVER_ISSUED, access_key="WrongKey0000"
    ),
    "13": _ip_outside,
    "19": _maintenance,
    "HTTP429": _rate_limited,
    "HTTP413": _nine_megabytes,
    "ER584": lambda calls, account, billing: calls.register(account, billing, NEVER_ISSUED),
    "ER585": _expired,
    "ER586": lambda calls, account, billing: _register_fresh(calls, account, billing, cn=calls.test_card),
    "3406": lambda calls, account, billing: calls.register(account, billing, NEVER_ISSUED, email="a@b.example"),
    "3407": lambda calls, account, billing: calls.register(account, billing, NEVER_ISSUED, tel="0300000000"),
    "ER900": _never_authenticated,
    "ER901": lambda calls, account, billing: _authenticated(calls, account, card="4000000000003063"),
    "ER059": lambda calls, account, billing: _authenticated(calls, account, em="other@sandbox.example"),
    "ER060": lambda calls, account, billing: _authenticated(calls, account, pn="0311111111"),
}


def trigger_for(entry: catalogue.Outcome) -> Trigger:
    if entry.id in TRIGGERS:
        return TRIGGERS[entry.id]
    if entry.id in PRIMED:

        def primed(calls: Any, account: dict[str, Any], billing: dict[str, Any]) -> httpx.Response:
            calls.control(
                "prime", {"endpoint": "credit_card_token", "code": entry.id, "user_id": account["user_id"]}
            )
            return calls.register(account, billing, NEVER_ISSUED)

        return primed
    if entry.family == "decline" and entry.card:
        return lambda calls, account, billing: calls.register(
            account, billing, calls.token(account, cn=entry.card)
        )
    pytest.fail(
        f"catalogue outcome {entry.id} has no trigger in this test: add one here (and to the sandbox)."
    )


@pytest.mark.parametrize("entry", catalogue.api_outcomes(), ids=lambda entry: entry.id)
def test_every_api_outcome_is_reachable(
    calls: Any,
    account: dict[str, Any],
    billing: dict[str, Any],
    expect_outcome: Any,
    entry: catalogue.Outcome,
) -> None:
    expect_outcome(trigger_for(entry)(calls, account, billing), entry.id)


def test_a_primed_code_answers_once_then_the_real_answer_returns(
    calls: Any, account: dict[str, Any], billing: dict[str, Any]
) -> None:
    calls.control("prime", {"endpoint": "credit_card_token", "code": "ER999", "user_id": account["user_id"]})
    assert calls.register(account, billing, NEVER_ISSUED).json()["error"]["code"] == "ER999"
    assert calls.register(account, billing, NEVER_ISSUED).json()["error"]["code"] == "ER584"


def test_a_decline_consumes_the_token(calls: Any, account: dict[str, Any], billing: dict[str, Any]) -> None:
    decline = next(entry for entry in catalogue.api_outcomes() if entry.family == "decline")
    token = calls.token(account, cn=decline.card)
    assert calls.register(account, billing, token).json()["error"]["code"] == decline.id
    assert calls.register(account, billing, token).json()["error"]["code"] == "ER584"
