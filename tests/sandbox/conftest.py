"""One real sandbox for the sandbox's own tests, and the calls they share: accounts, billings, tokens."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import httpx
import pytest

import catalogue
from sandbox.control_access import CONTROL_HEADER
from sandbox.server import SandboxServer

TEST_CARD = "4444333322221111"
CREDIT_CARD_TOKEN = "/api/v1.0/billing_payment_method/credit_card_token"
HOLDER_EMAIL = "holder@sandbox.example"
HOLDER_TEL = "0300000000"
HOLDER_TEL_REGISTERED = "03-0000-0000"
# December two years ahead: a valid expiry whatever day the suite runs.
VALID_EXPIRY = f"{(date.today().year + 2) % 100:02d}12"


class SandboxCalls:
    """Short-hands for the HTTP calls the tests make; everything goes over HTTP, as the harness does."""

    test_card = TEST_CARD
    valid_expiry = VALID_EXPIRY

    def __init__(self, server: SandboxServer, http: httpx.Client) -> None:
        self.server = server
        self.http = http

    def control(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.http.post(f"/_sandbox/{path}", json=body or {})
        assert response.status_code == 200, response.text
        return response.json()

    def account(self, **options: Any) -> dict[str, Any]:
        """A fresh account; a seed (pre-3-D-Secure) shop unless options name its three_d_secure setting."""
        return self.control("accounts", {"three_d_secure": "off", **options})

    def billing(self, account: dict[str, Any], billing_code: str = "BILL-1", **extra: Any) -> dict[str, Any]:
        return self.control(
            "billings", {"user_id": account["user_id"], "billing_code": billing_code, **extra}
        )

    def token_call(
        self,
        account: dict[str, Any] | None = None,
        origin_header: str | None = None,
        referer: str | None = "",
        **params: Any,
    ) -> httpx.Response:
        """POST /gateway/token in custom mode with valid card parameters, overridden by params (None drops
        one), from the reference merchant's origin unless origin_header names another. The Referer is what
        a default-policy page sends cross-origin (its origin and "/") unless referer names one (None: none)."""
        body: dict[str, Any] = {
            "mode": "custom",
            "cn": TEST_CARD,
            "ed": VALID_EXPIRY,
            "fn": "YAMADA",
            "ln": "TARO",
            "md": "10",
        }
        if account is not None:
            body["aid"] = account["aid"]
        body.update(params)
        body = {name: value for name, value in body.items() if value is not None}
        page_origin = origin_header or self.server.merchant_url
        headers = {"Content-Type": "text/plain;charset=UTF-8", "Origin": page_origin}
        if referer is not None:
            headers["Referer"] = referer or page_origin.rstrip("/") + "/"
        return self.http.post("/gateway/token", content=json.dumps(body), headers=headers)

    def token(self, account: dict[str, Any], **params: Any) -> str:
        answer = self.token_call(account, **params).json()
        assert answer["resultCode"] == "Success", answer
        return answer["token"]

    def authenticate_call(
        self,
        account: dict[str, Any] | None,
        token: Any,
        origin_header: str | None = None,
        referer: str | None = "",
        **params: Any,
    ) -> httpx.Response:
        """POST /gateway/3ds/authenticate as EMV3DSAdapter.js sends it, with the samples' am / tx / sf 0 and
        the contact of billing_with_contact(), overridden by params (None drops one); Referer as token_call."""
        body: dict[str, Any] = {"tkn": token, "am": 0, "tx": 0, "sf": 0, "em": HOLDER_EMAIL, "pn": HOLDER_TEL}
        if account is not None:
            body["aid"] = account["aid"]
        body.update(params)
        body = {name: value for name, value in body.items() if value is not None}
        page_origin = origin_header or self.server.merchant_url
        headers = {"Content-Type": "text/plain;charset=UTF-8", "Origin": page_origin}
        if referer is not None:
            headers["Referer"] = referer or page_origin.rstrip("/") + "/"
        return self.http.post("/gateway/3ds/authenticate", content=json.dumps(body), headers=headers)

    def authenticate(self, account: dict[str, Any], token: str, **params: Any) -> dict[str, Any]:
        answer = self.authenticate_call(account, token, **params).json()
        assert answer["resultCode"] == "Success", answer
        return answer

    def billing_with_contact(self, account: dict[str, Any], billing_code: str = "BILL-3DS") -> dict[str, Any]:
        """A billing whose one individual has the email and tel (with hyphens) authenticate_call() sends."""
        return self.billing(account, billing_code, email=HOLDER_EMAIL, tel=HOLDER_TEL_REGISTERED)

    def api(self, endpoint: str, body: Any) -> httpx.Response:
        return self.http.post(f"/api/v1.0/{endpoint}", json=body)

    def register(
        self, account: dict[str, Any], billing: dict[str, Any], token: Any, **fields: Any
    ) -> httpx.Response:
        """credit_card_token for a billing made by billing(), fields added or replaced (None drops one)."""
        body = {
            "user_id": account["user_id"],
            "access_key": account["access_key"],
            "billing_code": billing["billing_code"],
            "billing_payment_method_number": billing["number"],
            "token": token,
            **fields,
        }
        return self.api(
            "billing_payment_method/credit_card_token", {k: v for k, v in body.items() if v is not None}
        )


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        # The real limit counts every request of a source IP; this suite's many accounts share 127.0.0.1,
        # so the shared server allows more. Tests of the limit set their own (per user or on their own server).
        httpx.post(
            f"{server.gateway_url}/_sandbox/rate-limit",
            json={"limit": 1_000_000, "window_seconds": 300},
            headers={CONTROL_HEADER: server.control_token},
        ).raise_for_status()
        yield server


@pytest.fixture(scope="session")
def http(sandbox_server: SandboxServer) -> Iterator[httpx.Client]:
    headers = {CONTROL_HEADER: sandbox_server.control_token}
    with httpx.Client(base_url=sandbox_server.gateway_url, timeout=20, headers=headers) as client:
        yield client


@pytest.fixture(scope="session")
def calls(sandbox_server: SandboxServer, http: httpx.Client) -> SandboxCalls:
    return SandboxCalls(sandbox_server, http)


@pytest.fixture
def account(calls: SandboxCalls) -> dict[str, Any]:
    """A fresh isolated shop and API user: tests never reset the shared sandbox, they make new accounts."""
    return calls.account()


@pytest.fixture
def billing(calls: SandboxCalls, account: dict[str, Any]) -> dict[str, Any]:
    return calls.billing(account)


def assert_outcome(response: httpx.Response, outcome_id: str) -> None:
    """The billing API answered exactly as the catalogue says for this outcome: status, code type, message."""
    entry = catalogue.outcome(outcome_id, "api")
    assert response.status_code == entry.http_status, response.text
    if entry.code_json == "absent":
        assert response.content == b""
        return
    body = response.json()
    if entry.code_json == "null":
        assert body == {"error": None}
        return
    code = body["error"]["code"]
    assert type(code) is (int if entry.code_json == "int" else str), (
        f"{code!r} should be a JSON {entry.code_json}"
    )
    assert (code, body["error"]["message"]) == (entry.code, entry.message)


@pytest.fixture(scope="session")
def expect_outcome() -> Callable[[httpx.Response, str], None]:
    return assert_outcome


def assert_endpoint_code(response: httpx.Response, endpoint: str, code: str) -> None:
    """bulk_upsert / search answered the whole request with one of its own codes, as the catalogue says."""
    entry = catalogue.endpoint_code(code, endpoint)
    assert entry.placement == "request"
    assert response.status_code == entry.http_status, response.text
    assert response.json() == {"error": {"code": int(code), "message": entry.message}}


@pytest.fixture(scope="session")
def expect_endpoint_code() -> Callable[[httpx.Response, str, str], None]:
    return assert_endpoint_code
