"""The control API: every endpoint, its one-sentence refusals, journal redaction and account isolation."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import httpx
import pytest

from sandbox.control_access import CONTROL_HEADER
from sandbox.server import SandboxServer

NEVER_ISSUED = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQQ=="


def control_header(server: SandboxServer) -> dict[str, str]:
    return {CONTROL_HEADER: server.control_token}


def refusal(response: httpx.Response) -> str:
    """The one sentence of a 400 answer of the control API."""
    assert response.status_code == 400, response.text
    sentence = response.json()["error"]
    assert sentence.endswith(".") and "\n" not in sentence and "Traceback" not in sentence
    return sentence


def test_health(calls: Any) -> None:
    assert calls.http.get("/_sandbox/health").json() == {"ok": True}


def test_reset_clears_everything() -> None:
    with SandboxServer() as own, httpx.Client(base_url=own.gateway_url, headers=control_header(own)) as http:
        account = http.post("/_sandbox/accounts", json={}).json()
        http.post("/_sandbox/maintenance", json={"on": True})
        assert http.post("/_sandbox/reset").json() == {"ok": True}
        answer = http.post(
            "/api/v1.0/billing_payment_method/search",
            json={"user_id": account["user_id"], "access_key": account["access_key"]},
        )
        assert answer.json()["error"]["code"] == 11  # no maintenance any more, and the user is gone
        # The journal, too, starts again: only the search made after the reset is in it.
        assert [entry["endpoint"] for entry in http.get("/_sandbox/journal").json()["entries"]] == ["search"]


def test_accounts_are_fresh_and_isolated(calls: Any) -> None:
    first, second = calls.account(), calls.account(security_code=True, ip_allow_list=["127.0.0.1"])
    for account in (first, second):
        assert re.fullmatch(r"[1-9][0-9]{5}", account["aid"])
        assert re.fullmatch(r"qa-[0-9a-f]+@sandbox\.example", account["user_id"])
        assert re.fullmatch(r"[A-Za-z0-9]{16,}", account["access_key"])
    assert first["aid"] != second["aid"] and first["user_id"] != second["user_id"]
    assert first["allowed_origins"] == [calls.server.merchant_url]
    assert (first["security_code"], first["ip_allow_list"], first["md_optional"]) == (False, [], False)
    assert (second["security_code"], second["ip_allow_list"]) == (True, ["127.0.0.1"])


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("accounts", {"allowed_origins": "http://a.example"}),
        ("accounts", {"allowed_origins": ["http://a.example/path"]}),
        ("accounts", {"allowed_origins": ["a.example"]}),
        ("accounts", {"security_code": "yes"}),
        ("accounts", {"ip_allow_list": ["not-an-ip"]}),
        ("accounts", {"colour": "blue"}),
        ("accounts", ["not", "an", "object"]),
        ("shops", {}),
        ("shops", {"aid": "12345"}),
        ("shops", {"aid": "999998", "md_optional": 1}),
        ("users", {"user_id": "someone@sandbox.example", "access_key": "Key123", "aid": "000000"}),
        ("users", {"user_id": "not an email", "access_key": "Key123", "aid": "000000"}),
        ("users", {"user_id": "someone@sandbox.example", "access_key": "has space", "aid": "000000"}),
        ("billings", {"billing_code": "B-1"}),
        ("billings", {"user_id": "nobody@sandbox.example", "billing_code": "B-1"}),
        ("prime", {"endpoint": "nowhere", "code": "1"}),
        ("prime", {"endpoint": "credit_card_token", "code": "ER055"}),
        ("prime", {"endpoint": "token", "code": "3401"}),
        ("prime", {"endpoint": "credit_card_token", "code": "SUCCESS"}),
        ("prime", {"endpoint": "token", "code": "Cancel"}),
        ("prime", {"endpoint": "credit_card_token", "code": "1", "count": 0}),
        ("prime", {"endpoint": "credit_card_token", "code": "1", "count": "2"}),
        ("prime", {"endpoint": "credit_card_token", "code": "1", "user_id": "nobody@sandbox.example"}),
        ("prime", {"endpoint": "token", "code": "ER002", "aid": "000000"}),
        ("faults", {"endpoint": "search", "kind": "boom"}),
        ("faults", {"endpoint": "search", "kind": "latency"}),
        ("faults", {"endpoint": "search", "kind": "latency", "seconds": -1}),
        ("faults", {"kind": "drop"}),
        ("maintenance", {}),
        ("maintenance", {"on": "yes"}),
        ("maintenance", {"on": True, "user_id": "nobody@sandbox.example"}),
        ("clock", {}),
        ("clock", {"advance_seconds": "60"}),
        ("clock", {"advance_seconds": 60, "aid": "000000"}),
        ("rate-limit", {"limit": 0, "window_seconds": 60}),
        ("rate-limit", {"limit": 5}),
        ("rate-limit", {"limit": 5, "window_seconds": 60, "user_id": "nobody@sandbox.example"}),
    ],
)
def test_a_bad_control_body_is_refused_in_one_sentence(calls: Any, path: str, body: Any) -> None:
    refusal(calls.http.post(f"/_sandbox/{path}", json=body))


@pytest.mark.parametrize("content", [b"{", b"not json", b"\xff", b"[1]"])
def test_a_control_body_that_is_not_a_json_object_is_refused(calls: Any, content: bytes) -> None:
    headers = {"Content-Type": "application/json"}
    assert "JSON object" in refusal(calls.http.post("/_sandbox/prime", content=content, headers=headers))


def test_shops_and_users_make_an_account_by_hand(calls: Any, expect_outcome: Any) -> None:
    shop = calls.control(
        "shops", {"aid": "000777", "allowed_origins": [calls.server.merchant_url], "three_d_secure": "off"}
    )
    assert shop == {
        "aid": "000777",
        "allowed_origins": [calls.server.merchant_url],
        "security_code": False,
        "md_optional": False,
        "three_d_secure": "off",
    }
    user = calls.control(
        "users", {"user_id": "by-hand@sandbox.example", "access_key": "HandMade123", "aid": "000777"}
    )
    assert user == {
        "user_id": "by-hand@sandbox.example",
        "access_key": "HandMade123",
        "aid": "000777",
        "ip_allow_list": [],
    }
    billing = calls.billing(user, "HAND-1", payment_method_code="HAND-CARD")
    assert billing["code"] == "HAND-CARD" and billing["cod"]
    expect_outcome(calls.register(user, billing, calls.token(user)), "SUCCESS")
    # An upsert changes only what it names: the origins stay.
    calls.control("shops", {"aid": "000777", "security_code": True})
    assert calls.token_call(user).json()["resultCode"] == "ER079"


def test_billings_is_an_upsert(calls: Any, account: dict[str, Any]) -> None:
    assert calls.billing(account, "SAME") == calls.billing(account, "SAME")
    assert calls.billing(account, "SAME", payment_method_code="SECOND")["code"] == "SECOND"


def test_the_journal_records_requests_and_answers_with_secrets_redacted(
    calls: Any, account: dict[str, Any], billing: dict[str, Any]
) -> None:
    security = calls.account(security_code=True)
    token = calls.token(account)
    calls.token_call(security, cvv="987", fn="CARD 4111 1111 1111 1111")
    calls.register(account, billing, token, memo="card 5555-5555-5555-4444 on file")
    calls.http.post(
        "/api/v1.0/billing_payment_method/credit_card_token",
        content=f"access_key={account['access_key']}&cn=4242424242424242".encode(),
    )
    entries = calls.http.get("/_sandbox/journal", params={"aid": account["aid"]}).json()["entries"]
    assert [entry["endpoint"] for entry in entries] == ["token", "credit_card_token"]
    assert set(entries[0]) == {"time", "endpoint", "method", "path", "status", "request", "response"}
    assert entries[0]["request"]["cn"] == "****1111" and entries[0]["response"]["token"] == "***"
    assert (
        entries[1]["request"]["access_key"] == "***"
        and entries[1]["request"]["memo"] == "card ****4444 on file"
    )
    assert entries[1]["response"] == {"error": None} and entries[1]["status"] == 200
    everything = json.dumps(calls.http.get("/_sandbox/journal").json())
    for secret in (
        calls.test_card,
        "4111 1111 1111 1111",
        "5555-5555-5555-4444",
        "4242424242424242",
        token,
        account["access_key"],
        '"987"',
    ):
        assert secret not in everything


def test_the_journal_filters_by_user_and_endpoint(
    calls: Any, account: dict[str, Any], billing: dict[str, Any]
) -> None:
    calls.register(account, billing, NEVER_ISSUED)
    calls.api(
        "billing_payment_method/search", {"user_id": account["user_id"], "access_key": account["access_key"]}
    )
    mine = calls.http.get("/_sandbox/journal", params={"user_id": account["user_id"]}).json()["entries"]
    assert [entry["endpoint"] for entry in mine] == ["credit_card_token", "search"]
    searches = calls.http.get(
        "/_sandbox/journal", params={"user_id": account["user_id"], "endpoint": "search"}
    )
    assert len(searches.json()["entries"]) == 1


def test_prime_with_a_count_answers_that_many_times(
    calls: Any, account: dict[str, Any], billing: dict[str, Any]
) -> None:
    primed = calls.control(
        "prime", {"endpoint": "search", "code": 21, "count": 2, "user_id": account["user_id"]}
    )
    assert (primed["code"], primed["count"]) == ("21", 2)
    body = {"user_id": account["user_id"], "access_key": account["access_key"]}
    codes = [calls.api("billing_payment_method/search", body).status_code for _ in range(3)]
    assert codes == [400, 400, 200]


def test_faults(calls: Any, account: dict[str, Any]) -> None:
    body = {"user_id": account["user_id"], "access_key": account["access_key"]}
    scoped = {"endpoint": "search", "user_id": account["user_id"]}
    calls.control("faults", {**scoped, "kind": "latency", "seconds": 0.3})
    started = time.monotonic()
    assert calls.api("billing_payment_method/search", body).status_code == 200
    assert time.monotonic() - started >= 0.3
    calls.control("faults", {**scoped, "kind": "http500"})
    failed = calls.api("billing_payment_method/search", body)
    assert (failed.status_code, failed.text) == (500, "Internal Server Error")
    calls.control("faults", {**scoped, "kind": "drop", "count": 2})
    for _ in range(2):
        with pytest.raises(httpx.RemoteProtocolError):
            calls.api("billing_payment_method/search", body)
    assert calls.api("billing_payment_method/search", body).status_code == 200
    statuses = [
        entry["status"]
        for entry in calls.http.get("/_sandbox/journal", params={"user_id": account["user_id"]}).json()[
            "entries"
        ]
    ]
    assert statuses == [200, 500, None, None, 200]


def test_maintenance_of_one_account_leaves_the_other_alone(calls: Any, expect_outcome: Any) -> None:
    first, second = calls.account(), calls.account()

    def search(account: dict[str, Any]) -> httpx.Response:
        return calls.api(
            "billing_payment_method/search",
            {"user_id": account["user_id"], "access_key": account["access_key"]},
        )

    assert calls.control("maintenance", {"on": True, "user_id": first["user_id"]}) == {
        "on": True,
        "user_id": first["user_id"],
    }
    expect_outcome(search(first), "19")
    assert search(second).status_code == 200
    calls.control("maintenance", {"on": False, "user_id": first["user_id"]})
    assert search(first).status_code == 200


def test_global_maintenance_stops_every_account(
    calls: Any, account: dict[str, Any], expect_outcome: Any
) -> None:
    calls.control("maintenance", {"on": True})
    try:
        expect_outcome(
            calls.api("billing_payment_method/search", {"user_id": "anyone@sandbox.example"}), "19"
        )
    finally:
        calls.control("maintenance", {"on": False})
    assert (
        calls.api(
            "billing_payment_method/search",
            {"user_id": account["user_id"], "access_key": account["access_key"]},
        ).status_code
        == 200
    )


def test_the_clock_answers_the_new_now(calls: Any, account: dict[str, Any]) -> None:
    moved = calls.control("clock", {"advance_seconds": 86_400, "aid": account["aid"]})
    assert moved["aid"] == account["aid"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", moved["now"])
    assert moved["now"] > calls.control("clock", {"advance_seconds": 0})["now"]


def test_a_rate_limit_for_one_user_leaves_the_other_alone(calls: Any, expect_outcome: Any) -> None:
    first, second = calls.account(), calls.account()
    calls.control("rate-limit", {"limit": 2, "window_seconds": 60, "user_id": first["user_id"]})

    def search(account: dict[str, Any]) -> httpx.Response:
        return calls.api(
            "billing_payment_method/search",
            {"user_id": account["user_id"], "access_key": account["access_key"]},
        )

    assert [search(first).status_code for _ in range(2)] == [200, 200]
    expect_outcome(search(first), "HTTP429")
    assert search(second).status_code == 200
    # A new setting starts a new count.
    calls.control("rate-limit", {"limit": 1, "window_seconds": 0.2, "user_id": first["user_id"]})
    assert search(first).status_code == 200
    assert search(first).status_code == 429
    time.sleep(0.25)
    assert search(first).status_code == 200


def test_the_default_rate_limit_is_300_in_5_minutes() -> None:
    with SandboxServer() as own, httpx.Client(base_url=own.gateway_url, headers=control_header(own)) as http:
        statuses = [http.post("/api/v1.0/nothing", json={}).status_code for _ in range(301)]
    assert statuses[:300] == [400] * 300 and statuses[300] == 429


def test_the_ip_allow_list_takes_networks(
    calls: Any, billing: dict[str, Any], account: dict[str, Any], expect_outcome: Any
) -> None:
    calls.control(
        "users",
        {**{k: account[k] for k in ("user_id", "access_key", "aid")}, "ip_allow_list": ["127.0.0.0/8"]},
    )
    expect_outcome(calls.register(account, billing, NEVER_ISSUED), "ER584")


def test_a_long_body_is_journaled_cut_and_still_redacted(calls: Any, account: dict[str, Any]) -> None:
    # The card number sits where the kept part of a long body ends, so a careless cut would leave digits.
    padding = "p" * (20_000 - len('{"memo": "') - 8)
    content = f'{{"memo": "{padding}{calls.test_card}", "padding": "{"x" * 200_000}"}}'
    calls.http.post("/api/v1.0/billing_payment_method/search", content=content.encode())
    (entry,) = [
        entry
        for entry in calls.http.get("/_sandbox/journal", params={"endpoint": "search"}).json()["entries"]
        if isinstance(entry["request"], str) and entry["request"].startswith('{"memo": "ppp')
    ]
    assert entry["request"].endswith("****1111…(cut)")
    assert "44443333" not in entry["request"]
