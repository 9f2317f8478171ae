"""Property-based fuzzing: schemathesis against /openapi.json with valid credentials, and hypothesis bodies for
the control API and the gateway — never a 5xx, always a documented answer."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import catalogue
from sandbox.billing_api import ALL_METHODS
from sandbox.control_access import CONTROL_HEADER
from sandbox.server import SandboxServer

EXAMPLES = 30
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
)
# Code 1 (Internal error.) is never primed here: it would be the sandbox's last resort hiding a bug.
API_ANSWERS = {
    (o.code, o.message) for o in catalogue.api_outcomes() if o.code_json in ("int", "string") and o.id != "1"
} | {(o.code, o.message) for o in catalogue.endpoint_codes() if o.placement == "request"}
GATEWAY_ANSWERS = {(o.id, o.message) for o in catalogue.outcomes() if o.surface == "gateway"}
RAW = "__raw__"  # a string value "__raw__1e400" is written into the JSON text as the bare number 1e400

# ---------------------------------------------------------------------- strategies
texts = st.one_of(
    st.text(max_size=30),
    st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3),  # lone surrogates
    st.sampled_from(["4444333322221111", "", "Ａ", "a@b.jp", "123456", "10", "http://127.0.0.1:1"]),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([RAW + "1e400", RAW + "-1e999", RAW + "1771372.0", RAW + str(2**64)]),
    texts,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)


def to_json(value: Any) -> bytes:
    """JSON text of the value, surrogates as \\u escapes, RAW strings as bare numbers."""
    text = json.dumps(value)
    return re.sub(r'"__raw__([^"]*)"', r"\1", text).encode()


def objects_with(names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(names) | texts, json_values, max_size=len(names) + 2)


bodies = st.one_of(
    json_values.map(to_json),
    st.binary(max_size=64),
    st.integers(min_value=1, max_value=1200).map(lambda depth: b"[" * depth + b"]" * depth),
)


# ---------------------------------------------------------------------- the billing API through schemathesis
@pytest.fixture(scope="module")
def fuzz_account(calls: Any) -> dict[str, Any]:
    account = calls.account()
    calls.control("rate-limit", {"limit": 1_000_000, "window_seconds": 1, "user_id": account["user_id"]})
    calls.billing(account, "FUZZ")
    return account


@pytest.fixture(scope="module")
def served_openapi(sandbox_server: SandboxServer) -> Any:
    return schemathesis.openapi.from_url(f"{sandbox_server.gateway_url}/openapi.json")


schema = schemathesis.pytest.from_fixture("served_openapi")


def assert_documented_api_answer(response: Any, method: str = "POST") -> None:
    assert response.status_code < 500, response.text
    if method not in ALL_METHODS:
        assert response.status_code == 405  # a method HTTP does not define: Starlette's bare 405 (documented)
        return
    if response.status_code in (413, 429):
        assert not response.content
        return
    body = response.json()
    if isinstance(body.get("error"), dict):
        assert (body["error"]["code"], body["error"]["message"]) in API_ANSWERS, body


@schema.parametrize()
@FUZZ_SETTINGS
def test_the_billing_api_answers_every_generated_request_as_documented(
    case: Any, sandbox_server: SandboxServer, fuzz_account: dict[str, Any]
) -> None:
    if isinstance(case.body, dict):
        case.body.update(user_id=fuzz_account["user_id"], access_key=fuzz_account["access_key"])
    response = case.call_and_validate(
        base_url=sandbox_server.gateway_url,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
    assert_documented_api_answer(response, case.method)


@given(
    path=st.sampled_from(["billing/bulk_upsert", "billing_payment_method/credit_card_token",
                          "billing_payment_method/search", "nothing/here"]),
    body=bodies | objects_with(["user_id", "access_key", "billing_code", "billing", "number", "token"]).map(to_json),
)
@FUZZ_SETTINGS
def test_the_billing_api_answers_any_body_as_documented(http: httpx.Client, path: str, body: bytes) -> None:
    assert_documented_api_answer(http.post(f"/api/v1.0/{path}", content=body))


# ---------------------------------------------------------------------- the gateway
@given(
    body=bodies | objects_with(["mode", "aid", "cn", "ed", "fn", "ln", "cvv", "md", "origin"]).map(to_json),
    origin=st.none() | texts.filter(lambda text: text.isascii() and "\n" not in text and "\r" not in text),
)
@FUZZ_SETTINGS
def test_the_token_endpoint_answers_any_body_with_a_catalogued_result(
    http: httpx.Client, body: bytes, origin: str | None
) -> None:
    headers = {"Content-Type": "text/plain;charset=UTF-8", **({"Origin": origin.strip()} if origin else {})}
    response = http.post("/gateway/token", content=body, headers=headers)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["resultCode"], answer["errMsg"]) in GATEWAY_ANSWERS


@given(aid=texts)
@FUZZ_SETTINGS
def test_the_card_form_renders_for_any_aid(http: httpx.Client, aid: str) -> None:
    # Percent-encoded bytes as given, lone surrogates included (not UTF-8 on the wire).
    response = http.get("/gateway/card_form?aid=" + quote(aid.encode("utf-8", "surrogatepass")))
    assert response.status_code == 200 and "<form" in response.text


# ---------------------------------------------------------------------- the control API (its own sandbox: it resets)
CONTROL_POSTS = ["reset", "accounts", "shops", "users", "billings", "prime", "faults", "maintenance", "clock",
                 "rate-limit"]
CONTROL_FIELDS = ["allowed_origins", "security_code", "ip_allow_list", "md_optional", "aid", "user_id", "access_key",
                  "billing_code", "payment_method_code", "endpoint", "code", "count", "kind", "seconds", "on",
                  "advance_seconds", "limit", "window_seconds"]


@pytest.fixture(scope="module")
def control_http() -> Iterator[httpx.Client]:
    with SandboxServer() as own, httpx.Client(
        base_url=own.gateway_url, headers={CONTROL_HEADER: own.control_token}, timeout=20
    ) as client:
        yield client


@given(
    path=st.sampled_from(CONTROL_POSTS),
    body=bodies | objects_with(CONTROL_FIELDS).map(to_json),
)
@FUZZ_SETTINGS
def test_the_control_api_answers_any_body_with_a_result_or_one_sentence(
    control_http: httpx.Client, path: str, body: bytes
) -> None:
    response = control_http.post(f"/_sandbox/{path}", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code in (200, 400), response.text
    answer = response.json()
    assert isinstance(answer, dict)
    if response.status_code == 400:
        sentence = answer["error"]
        assert sentence.endswith(".") and "\n" not in sentence
    for reading in ("journal", "token-calls"):
        assert control_http.get(f"/_sandbox/{reading}").status_code == 200


@given(query=st.dictionaries(st.sampled_from(["user_id", "aid", "endpoint"]), texts, max_size=3))
@FUZZ_SETTINGS
def test_the_journal_answers_any_filter(control_http: httpx.Client, query: dict[str, str]) -> None:
    encoded = "&".join(f"{name}={quote(value.encode('utf-8', 'surrogatepass'))}" for name, value in query.items())
    assert control_http.get(f"/_sandbox/journal?{encoded}").status_code == 200
