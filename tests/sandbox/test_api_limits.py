"""The request limit per source IP (refused requests counted, a lag) and the bodyless unknown-URI answer."""

from __future__ import annotations

from typing import Any

import httpx

from sandbox.control_access import CONTROL_HEADER
from sandbox.server import SandboxServer

SEARCH = "/api/v1.0/billing_payment_method/search"


def search(http: httpx.Client, account: dict[str, Any]) -> int:
    return http.post(SEARCH, json={"user_id": account["user_id"], "access_key": account["access_key"]}).status_code


def advance(calls: Any, account: dict[str, Any], seconds: float) -> None:
    calls.control("clock", {"advance_seconds": seconds, "aid": account["aid"]})


def test_refused_requests_count_too(calls: Any, account: dict[str, Any]) -> None:
    calls.control("rate-limit", {"limit": 1, "window_seconds": 60, "user_id": account["user_id"]})
    assert search(calls.http, account) == 200
    advance(calls, account, 40)
    assert search(calls.http, account) == 429
    advance(calls, account, 40)
    # The first request has left the window, the refused one 40 seconds ago has not: still limited.
    assert search(calls.http, account) == 429
    advance(calls, account, 61)
    assert search(calls.http, account) == 200


def test_every_account_from_one_source_ip_shares_the_count() -> None:
    with SandboxServer() as own, httpx.Client(
        base_url=own.gateway_url, headers={CONTROL_HEADER: own.control_token}
    ) as http:
        http.post("/_sandbox/rate-limit", json={"limit": 3, "window_seconds": 60}).raise_for_status()
        first, second = (http.post("/_sandbox/accounts", json={}).json() for _ in range(2))
        assert [search(http, first), search(http, first), search(http, second)] == [200, 200, 200]
        assert (search(http, second), search(http, first)) == (429, 429)
        # Requests that cannot name a user count for the address as well.
        assert http.post("/api/v1.0/nothing", json={}).status_code == 429


def test_the_limit_switches_on_and_off_after_the_lag(calls: Any, account: dict[str, Any]) -> None:
    setting = {"limit": 2, "window_seconds": 300, "lag_seconds": 60, "user_id": account["user_id"]}
    assert calls.control("rate-limit", setting)["lag_seconds"] == 60
    # Over the limit, but the service has not noticed yet.
    assert [search(calls.http, account) for _ in range(3)] == [200, 200, 200]
    advance(calls, account, 61)
    assert search(calls.http, account) == 429
    advance(calls, account, 300)
    # The first three have left the window as seen 60 seconds late; the refused one alone is under the limit.
    assert search(calls.http, account) == 200


def test_a_bad_lag_is_refused(calls: Any) -> None:
    response = calls.http.post("/_sandbox/rate-limit", json={"limit": 5, "window_seconds": 60, "lag_seconds": -1})
    assert response.status_code == 400
    assert response.json()["error"] == "'lag_seconds' must be a number from 0 to 3600."


def test_unknown_uri_answers_code_10_unless_primed_bodyless(
    calls: Any, account: dict[str, Any], expect_outcome: Any
) -> None:
    other = calls.account()
    body = {"user_id": account["user_id"], "access_key": account["access_key"]}
    expect_outcome(calls.api("billing/no_such_endpoint", body), "10")
    primed = calls.control("unknown-uri", {"bodyless": True, "status": 404, "user_id": account["user_id"]})
    assert primed == {"bodyless": True, "status": 404, "user_id": account["user_id"]}
    response = calls.api("billing/no_such_endpoint", body)
    assert (response.status_code, response.content) == (404, b"")
    # Other users still get code 10, and a known endpoint is not affected.
    expect_outcome(calls.api("billing/no_such_endpoint", {**body, "user_id": other["user_id"]}), "10")
    assert calls.api("billing_payment_method/search", body).status_code == 200
    calls.control("unknown-uri", {"bodyless": False, "user_id": account["user_id"]})
    expect_outcome(calls.api("billing/no_such_endpoint", body), "10")


def test_a_bodyless_status_outside_4xx_and_5xx_is_refused(calls: Any) -> None:
    response = calls.http.post("/_sandbox/unknown-uri", json={"bodyless": True, "status": 200})
    assert response.status_code == 400
    assert response.json()["error"] == "'status' must be an integer from 400 to 599."
