"""httpx client of the billing API (請求管理ロボ): every call returns the full exchange as evidence."""

from __future__ import annotations

import functools
import json
import ssl
import time
from dataclasses import dataclass
from typing import Any

import httpx

API_PREFIX = "/api/v1.0"
CREDIT_CARD_TOKEN = "billing_payment_method/credit_card_token"
BULK_UPSERT = "billing/bulk_upsert"
SEARCH = "billing_payment_method/search"


class TargetUnreachable(RuntimeError):
    """The target did not answer at all; the message names the URL and what to check."""


@dataclass(frozen=True)
class ApiExchange:
    """One request and its answer, as a reviewer needs to see them."""

    method: str
    url: str
    request_body: Any
    status: int
    response_text: str
    elapsed_ms: float

    @property
    def json(self) -> Any:
        """The answer parsed as JSON, or None when the body is not JSON (429 / 413 may have none)."""
        try:
            return json.loads(self.response_text)
        except ValueError:
            return None

    @property
    def error(self) -> dict | None:
        body = self.json
        return body.get("error") if isinstance(body, dict) else None

    @property
    def error_code(self) -> Any:
        return (self.error or {}).get("code")

    @property
    def error_message(self) -> str | None:
        return (self.error or {}).get("message")


class BillingApiClient:
    """POSTs JSON to the billing API with the login in the body, as the service requires."""

    def __init__(self, base_url: str, user_id: str, access_key: str, *, timeout: float = 20.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.user_id = user_id
        self.access_key = access_key
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport,
                                  verify=_shared_tls_context())

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> BillingApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def credentials(self) -> dict[str, str]:
        return {"user_id": self.user_id, "access_key": self.access_key}

    def credit_card_token(self, **fields: Any) -> ApiExchange:
        """Register a token on a billing's payment method; fields beyond the login are sent as given."""
        return self.call(CREDIT_CARD_TOKEN, {**self.credentials(), **fields})

    def bulk_upsert(self, billings: list[dict[str, Any]]) -> ApiExchange:
        return self.call(BULK_UPSERT, {**self.credentials(), "billing": billings})

    def search(self, *, limit_count: int | None = None, page_count: int | None = None,
               **filters: Any) -> ApiExchange:
        """search.md nests the filters under billing_payment_method; paging stays at the top level."""
        paging = {name: value for name, value in (("limit_count", limit_count), ("page_count", page_count))
                  if value is not None}
        return self.call(SEARCH, {**self.credentials(), **paging, "billing_payment_method": filters})

    def call(self, endpoint: str, body: Any) -> ApiExchange:
        """POST a JSON body (anything JSON can hold) to /api/v1.0/<endpoint>."""
        return self.post_raw(endpoint, json.dumps(body, ensure_ascii=False).encode(), body)

    def post_raw(self, endpoint: str, content: bytes, shown_body: Any = None,
                 content_type: str = "application/json") -> ApiExchange:
        """POST bytes as they are (non-JSON, oversize bodies); shown_body is what the evidence shows."""
        path = f"{API_PREFIX}/{endpoint.lstrip('/')}"
        started = time.perf_counter()
        try:
            response = self._http.post(path, content=content, headers={"Content-Type": content_type})
        except httpx.TransportError as exc:
            raise TargetUnreachable(
                f"the billing API at {self.base_url} did not answer ({type(exc).__name__}): "
                "check the target URL and that it is reachable from this machine."
            ) from exc
        elapsed = (time.perf_counter() - started) * 1000
        shown = shown_body if shown_body is not None else _shown(content)
        return ApiExchange("POST", f"{self.base_url}{path}", shown, response.status_code, response.text, elapsed)


@functools.cache
def _shared_tls_context() -> ssl.SSLContext:
    """One TLS context for every client of the run: building one (loading the CA bundle) costs ~30 ms, and a
    scenario makes a client per account."""
    return httpx.create_ssl_context()


def _shown(content: bytes) -> str:
    if len(content) > 2048:
        return f"<{len(content):,} bytes, starting {content[:64]!r}>"
    return content.decode("utf-8", errors="replace")


# The email and tel of the individual card_billing registers: a 3-D Secure page must pass exactly these as em / pn.
BILLING_EMAIL = "qa@example.com"
BILLING_TEL = "0312345678"


@dataclass(frozen=True)
class BillingRef:
    """A billing and its credit-card payment method, as bulk_upsert answered them."""

    code: str
    payment_number: int
    payment_code: str


def card_billing(code: str, email: str = BILLING_EMAIL, tel: str = BILLING_TEL) -> dict[str, Any]:
    """A bulk_upsert billing with one individual and one credit-card payment method (payment_method 1)."""
    return {
        "code": code, "name": "QA 受入テスト",
        "individual": [{"code": code + "-1", "name": "経理部", "address1": "山田 太郎", "zip_code": "1500001",
                        "pref": "東京都", "city_address": "渋谷区神宮前1-1-1", "email": email, "tel": tel}],
        "payment": [{"code": code + "-P", "name": "クレジットカード", "payment_method": 1}],
    }


def created_billing(exchange: ApiExchange, code: str) -> BillingRef | None:
    """The billing bulk_upsert created for card_billing(code), or None when its answer does not show one."""
    row = (exchange.json or {}).get("billing", [{}])[0] if isinstance(exchange.json, dict) else {}
    payment = (row.get("payment") or [{}])[0]
    if exchange.status != 200 or row.get("error_code") is not None or not payment.get("number"):
        return None
    return BillingRef(code, int(payment["number"]), payment.get("code") or code + "-P")
