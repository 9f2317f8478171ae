"""Issue 11's reproducers: whatever a client sends, the sandbox answers as documented and never with a 500."""

from __future__ import annotations

import json
import logging
import socket
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox import billing_api, gateway, merchant
from sandbox.control_access import CONTROL_HEADER
from sandbox.server import SandboxServer, ServerStartError, refuse_remote

API = "/api/v1.0/"


def raw_post(calls: Any, path: str, body: str, content_type: str = "application/json") -> httpx.Response:
    """A body sent exactly as written (escapes such as \\udfff stay escapes on the wire)."""
    return calls.http.post(path, content=body.encode(), headers={"Content-Type": content_type})


def login(account: dict[str, Any]) -> str:
    return f'"user_id": "{account["user_id"]}", "access_key": "{account["access_key"]}"'


def upsert_rows(calls: Any, account: dict[str, Any], billing_row: str) -> dict[str, Any]:
    response = raw_post(calls, API + "billing/bulk_upsert", f'{{{login(account)}, "billing": [{billing_row}]}}')
    assert response.status_code == 200, response.text
    return response.json()["billing"][0]


def journal_answers(calls: Any, **query: str) -> dict[str, Any]:
    response = calls.http.get("/_sandbox/journal", params=query)
    assert response.status_code == 200, response.text
    return response.json()


# ---------------------------------------------------------------------- 1: lone surrogates
def test_a_lone_surrogate_in_the_aid_is_a_malformed_aid(calls: Any) -> None:
    answer = raw_post(calls, "/gateway/token", '{"aid":"\\udfff"}', "text/plain;charset=UTF-8")
    assert answer.status_code == 200 and answer.json()["resultCode"] == "ER050"


@pytest.mark.parametrize(
    ("field", "outcome"),
    [("user_id", "11"), ("access_key", "12"), ("billing_code", "3401"), ("token", "3405")],
)
def test_a_lone_surrogate_in_an_api_field_is_that_fields_error(
    calls: Any, account: dict[str, Any], billing: dict[str, Any], expect_outcome: Any, field: str, outcome: str
) -> None:
    body = {
        "user_id": account["user_id"],
        "access_key": account["access_key"],
        "billing_code": billing["billing_code"],
        "billing_payment_method_number": billing["number"],
        "token": "A" * 32 + "==",
    }
    text = json.dumps(body).replace(json.dumps(body[field]), '"\\udfff"')
    expect_outcome(raw_post(calls, API + "billing_payment_method/credit_card_token", text), outcome)


def test_a_lone_surrogate_in_a_billing_name_is_a_row_error_and_the_journal_still_answers(
    calls: Any, account: dict[str, Any]
) -> None:
    row = upsert_rows(calls, account, '{"code": "SURR", "name": "\\ud800x", "individual": [{"n": "\\udfff"}]}')
    assert (row["error_code"], row["code"]) == (1103, "SURR")  # 請求先名が不正
    entries = journal_answers(calls, user_id=account["user_id"])["entries"]
    assert "\ufffd" in json.dumps(entries[-1]["request"], ensure_ascii=False)


# ---------------------------------------------------------------------- 2: absurd nesting
@pytest.mark.parametrize("depth", [33, 500, 950, 5000])
def test_absurd_nesting_answers_as_a_body_that_is_not_json(
    calls: Any, account: dict[str, Any], expect_outcome: Any, depth: int
) -> None:
    nested = "[" * depth + "]" * depth
    answer = raw_post(calls, API + "billing_payment_method/search", f'{{{login(account)}, "x": {nested}}}')
    expect_outcome(answer, "11")
    token = raw_post(calls, "/gateway/token", f'{{"aid": {nested}}}', "text/plain;charset=UTF-8")
    assert token.json()["resultCode"] == "ER050"
    journal_answers(calls)


def test_nesting_within_the_limit_is_served(calls: Any, account: dict[str, Any]) -> None:
    nested = "[" * 28 + "]" * 28
    answer = raw_post(calls, API + "billing_payment_method/search", f'{{{login(account)}, "x": {nested}}}')
    assert answer.status_code == 200 and "billing_payment_method" in answer.json()


# ---------------------------------------------------------------------- 3, 4: numbers beyond 64 bits / doubles
@pytest.mark.parametrize("number", [str(2**63), str(2**64 + 5), "-" + str(2**63 + 1), "1" + "0" * 400])
def test_a_payment_method_beyond_64_bits_is_a_payment_row_error(
    calls: Any, account: dict[str, Any], number: str
) -> None:
    payment = f'{{"code": "BIG-P", "name": "P", "payment_method": {number}}}'
    row = upsert_rows(calls, account, f'{{"code": "BIG", "name": "N", "payment": [{payment}]}}')
    assert row["error_code"] == 1184  # an error below the billing
    assert (row["payment"][0]["error_code"], row["payment"][0]["number"]) == (1143, None)  # 決済手段が不正


@pytest.mark.parametrize("number", ["1e400", "-1e400", "1.5e999"])
def test_a_number_beyond_a_double_in_an_individual_is_a_billing_row_error(
    calls: Any, account: dict[str, Any], number: str
) -> None:
    row = upsert_rows(calls, account, f'{{"code": "HUGE", "name": "N", "individual": [{{"name": {number}}}]}}')
    assert (row["error_code"], row["individual"][0]["error_code"], row["individual"][0]["name"]) == (1184, 1106, None)


def test_a_number_beyond_64_bits_is_no_payment_method_number(
    calls: Any, account: dict[str, Any], billing: dict[str, Any], expect_outcome: Any
) -> None:
    expect_outcome(calls.register(account, billing, "A" * 32 + "==", billing_payment_method_number=2**63), "3402")
    search = calls.api("billing_payment_method/search", {**_auth(account), "billing_payment_method": {"number": 2**64}})
    assert (search.status_code, search.json()["error"]["code"]) == (400, 4503)  # 決済情報番号が不正


def _auth(account: dict[str, Any]) -> dict[str, str]:
    return {"user_id": account["user_id"], "access_key": account["access_key"]}


# ---------------------------------------------------------------------- 5: the journal after 1e400
def test_an_unauthenticated_request_with_1e400_leaves_the_journal_readable(calls: Any) -> None:
    raw_post(calls, API + "billing_payment_method/search", '{"user_id": "nobody@example.com", "n": 1e400}')
    entries = journal_answers(calls)["entries"]
    assert any(isinstance(e["request"], dict) and e["request"].get("n") == "1e400" for e in entries)


# ---------------------------------------------------------------------- 6: errors and keep-alive
def exchange(sock: socket.socket, request: bytes) -> bytes:
    """Send one request and read one whole answer (headers and a Content-Length body)."""
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"the connection closed before an answer: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.lower().split(b"\r\n")
    length = int(next(line.split(b":")[1] for line in lines if line.startswith(b"content-length")))
    while len(body) < length:
        body += sock.recv(65536)
    return head


def post_bytes(host: str, path: str, body: bytes, extra: str = "") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n{extra}"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


def connect(server: SandboxServer) -> socket.socket:
    host, port = server.gateway_url.removeprefix("http://").rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=10)
    return sock


def test_a_sandbox_bug_answers_code_1_and_closes_the_connection_it_announced(
    sandbox_server: SandboxServer, account: dict[str, Any], monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    def broken(*_: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setitem(billing_api.HANDLERS, "search", broken)
    host = sandbox_server.gateway_url.removeprefix("http://")
    body = json.dumps(_auth(account)).encode()
    with connect(sandbox_server) as sock:
        head = exchange(sock, post_bytes(host, API + "billing_payment_method/search", body))
        assert head.startswith(b"HTTP/1.1 400") and b"connection: close" in head.lower()
        assert sock.recv(1) == b""  # closed in order, not reset


def test_a_sandbox_bug_on_the_gateway_is_a_one_sentence_500_with_connection_close(
    calls: Any, account: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gateway, "first_problem", lambda *_: 1 / 0)
    answer = calls.token_call(account)
    assert answer.status_code == 500 and answer.headers["connection"] == "close"
    assert answer.json()["error"].endswith(".")
    assert calls.token_call(account).status_code == 500  # the client opened a new connection without trouble


def test_a_bug_in_the_reference_merchant_is_a_one_sentence_500_with_connection_close(
    sandbox_server: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(merchant, "checkout_from", lambda *_: 1 / 0)
    answer = httpx.post(f"{sandbox_server.merchant_url}/_merchant/checkouts", json={})
    assert answer.status_code == 500 and answer.headers["connection"] == "close"
    assert answer.json()["error"].endswith(".")


def test_an_injected_http500_keeps_the_connection_alive(
    sandbox_server: SandboxServer, calls: Any, account: dict[str, Any]
) -> None:
    calls.control("faults", {"endpoint": "search", "kind": "http500", "user_id": account["user_id"]})
    host = sandbox_server.gateway_url.removeprefix("http://")
    body = json.dumps(_auth(account)).encode()
    with connect(sandbox_server) as sock:
        assert exchange(sock, post_bytes(host, API + "billing_payment_method/search", body)).startswith(
            b"HTTP/1.1 500"
        )
        assert exchange(sock, post_bytes(host, API + "billing_payment_method/search", body)).startswith(
            b"HTTP/1.1 200"
        )


# ---------------------------------------------------------------------- 7: partial requests, clients that leave
@pytest.fixture(scope="module")
def quick_server() -> Any:
    with SandboxServer(request_timeout=1.0) as server:
        yield server


def read_until_closed(sock: socket.socket, limit: float) -> bytes:
    sock.settimeout(limit)
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


@pytest.mark.parametrize(
    "partial",
    [
        b"POST /gateway/token HTTP/1.1\r\nHost: 127.0.0.1\r\n",
        b"POST /gateway/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"aid\":",
        b"POST /api/v1.0/billing/bulk_upsert HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n",
    ],
    ids=["headers", "body", "chunked"],
)
def test_a_partial_request_is_answered_408_and_closed_in_time(
    quick_server: SandboxServer, partial: bytes, caplog: Any
) -> None:
    started = time.monotonic()
    with connect(quick_server) as sock:
        sock.sendall(partial)
        answer = read_until_closed(sock, 5)
    assert time.monotonic() - started < 4
    assert answer.startswith(b"HTTP/1.1 408") and b"connection: close" in answer.lower()
    assert "send the whole request" in json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]
    time.sleep(0.2)
    assert not [r for r in caplog.records if r.exc_info], "no traceback"


def test_hundreds_of_partial_requests_are_all_closed(quick_server: SandboxServer) -> None:
    sockets = [connect(quick_server) for _ in range(200)]
    try:
        for sock in sockets:
            sock.sendall(b"POST /gateway/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n{")
        time.sleep(2.5)
        closed = 0
        for sock in sockets:
            sock.settimeout(2)
            if read_until_closed(sock, 2).startswith(b"HTTP/1.1 408"):
                closed += 1
        assert closed == len(sockets)
    finally:
        for sock in sockets:
            sock.close()


def test_a_client_that_goes_away_is_one_log_line_not_a_traceback(
    quick_server: SandboxServer, caplog: Any
) -> None:
    caplog.set_level(logging.INFO)
    with connect(quick_server) as sock:
        sock.sendall(b"POST /gateway/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"a")
        time.sleep(0.3)
    time.sleep(0.5)
    mine = [r for r in caplog.records if r.name == "sandbox"]
    went_away = "POST /gateway/token: the client went away before sending the whole request"
    assert [r.getMessage() for r in mine] == [went_away]
    assert not [r for r in caplog.records if r.exc_info or r.name.startswith("uvicorn")]


# ---------------------------------------------------------------------- 8: the control API and web pages
def test_a_control_request_without_the_token_is_refused_and_changes_nothing(
    calls: Any, sandbox_server: SandboxServer, account: dict[str, Any]
) -> None:
    url = sandbox_server.gateway_url
    # What a page on any origin can send without a preflight: a text/plain "simple" POST, or a form.
    for body, kind in (('{"on":true}', "text/plain;charset=UTF-8"), ("x=1", "application/x-www-form-urlencoded")):
        for path in ("maintenance", "reset", "users"):
            refused = httpx.post(f"{url}/_sandbox/{path}", content=body, headers={"Content-Type": kind})
            assert refused.status_code == 403 and CONTROL_HEADER in refused.json()["error"]
    wrong = httpx.post(f"{url}/_sandbox/reset", json={}, headers={CONTROL_HEADER: "guess"})
    assert wrong.status_code == 403
    # No maintenance switched on, no reset: the account still searches.
    assert calls.api("billing_payment_method/search", _auth(account)).json()["billing_payment_method"] == []


def test_a_control_body_that_is_not_declared_json_is_refused(calls: Any) -> None:
    answer = calls.http.post("/_sandbox/maintenance", content=b'{"on":true}', headers={"Content-Type": "text/plain"})
    assert answer.status_code == 415 and answer.json()["error"].endswith(".")


@pytest.mark.parametrize("host", ["evil.example", "credit.j-payment.co.jp", "127.0.0.1:1"])
def test_the_control_api_checks_the_host_header(calls: Any, host: str) -> None:
    answer = calls.http.post("/_sandbox/maintenance", json={"on": True}, headers={"Host": host})
    assert answer.status_code == 403 and "answers only at" in answer.json()["error"]


def test_the_control_api_answers_at_localhost_too(sandbox_server: SandboxServer) -> None:
    port = sandbox_server.gateway_url.rsplit(":", 1)[1]
    headers = {CONTROL_HEADER: sandbox_server.control_token, "Host": f"localhost:{port}"}
    assert httpx.get(f"{sandbox_server.gateway_url}/_sandbox/token-calls", headers=headers).status_code == 200


def test_gateway_and_api_routes_answer_whatever_host_the_routing_sends(
    calls: Any, account: dict[str, Any], expect_outcome: Any
) -> None:
    routed = {"Host": "credit.j-payment.co.jp"}
    token = calls.http.post(
        "/gateway/token",
        content=json.dumps({"aid": account["aid"], "cn": calls.test_card, "ed": calls.valid_expiry,
                            "fn": "A", "ln": "B", "md": "10"}),
        headers={"Content-Type": "text/plain;charset=UTF-8", "Origin": calls.server.merchant_url,
                 "Referer": calls.server.merchant_url + "/", **routed},
    )
    assert token.json()["resultCode"] == "Success"
    search = calls.http.post(API + "billing_payment_method/search", json=_auth(account), headers=routed)
    assert search.status_code == 200


def test_a_non_loopback_host_needs_allow_remote() -> None:
    with pytest.raises(ServerStartError, match="--allow-remote"):
        SandboxServer(host="0.0.0.0").start()
    refuse_remote("0.0.0.0", allow_remote=True)
    refuse_remote("::1", allow_remote=False)
    refuse_remote("localhost", allow_remote=False)


# ---------------------------------------------------------------------- 10: the clock survives a restart
def test_clock_offsets_survive_a_restart_with_a_state_file(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"

    def clock(server: SandboxServer, body: dict[str, Any]) -> float:
        headers = {CONTROL_HEADER: server.control_token}
        answer = httpx.post(f"{server.gateway_url}/_sandbox/clock", json=body, headers=headers)
        assert answer.status_code == 200, answer.text
        from datetime import datetime

        return datetime.fromisoformat(answer.json()["now"].replace("Z", "+00:00")).timestamp()

    with SandboxServer(state=state) as first:
        aid = httpx.post(
            f"{first.gateway_url}/_sandbox/accounts", json={}, headers={CONTROL_HEADER: first.control_token}
        ).json()["aid"]
        clock(first, {"advance_seconds": 3600})
        clock(first, {"advance_seconds": 7200, "aid": aid})
    with SandboxServer(state=state) as again:
        assert abs(clock(again, {"advance_seconds": 0}) - time.time() - 3600) < 60
        assert abs(clock(again, {"advance_seconds": 0, "aid": aid}) - time.time() - 10800) < 60
