"""Client of the sandbox's control API (/_sandbox/): accounts, forced outcomes, clock, journal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from harness.targets.settings import Credentials


class SandboxControlError(RuntimeError):
    """The sandbox refused a control request; the message carries its one-sentence reason."""


@dataclass(frozen=True)
class Account:
    """An isolated shop and API user in the sandbox."""

    aid: str
    user_id: str
    access_key: str

    @property
    def credentials(self) -> Credentials:
        return Credentials(self.user_id, self.access_key, self.aid)


@dataclass(frozen=True)
class Billing:
    billing_code: str
    number: int
    code: str


class SandboxControl:
    """Talks to the sandbox over HTTP only, exactly as the harness talks to staging."""

    def __init__(self, gateway_url: str, timeout: float = 10.0, token: str = "") -> None:
        self.base_url = gateway_url.rstrip("/")
        # The sandbox's control API answers only requests carrying its per-run token in this header.
        headers = {"X-RP-Sandbox-Control": token}
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, headers=headers)

    def close(self) -> None:
        self._http.close()

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self._http.post(f"/_sandbox/{path}", json=body)
        if response.status_code >= 400:
            raise SandboxControlError(f"sandbox control {path} answered {response.status_code}: {response.text}")
        return response.json() if response.content else {}

    def _get(self, path: str, **params: Any) -> dict[str, Any]:
        response = self._http.get(f"/_sandbox/{path}", params={k: v for k, v in params.items() if v is not None})
        if response.status_code >= 400:
            raise SandboxControlError(f"sandbox control {path} answered {response.status_code}: {response.text}")
        return response.json()

    def create_account(self, allowed_origins: list[str], *, security_code: bool = False,
                       ip_allow_list: list[str] | None = None, md_optional: bool = False,
                       three_d_secure: str = "off") -> Account:
        """A fresh shop and API user. three_d_secure "off" is the seed's pre-3-D-Secure shop (the sandbox's own
        default for a shop is "required", as the current specification demands)."""
        body = self._post("accounts", {
            "allowed_origins": allowed_origins,
            "security_code": security_code,
            "ip_allow_list": ip_allow_list or [],
            "md_optional": md_optional,
            "three_d_secure": three_d_secure,
        })
        return Account(body["aid"], body["user_id"], body["access_key"])

    def update_shop(self, aid: str, **fields: Any) -> None:
        self._post("shops", {"aid": aid, **fields})

    def update_user(self, account: Account, **fields: Any) -> None:
        self._post("users", {"user_id": account.user_id, "access_key": account.access_key,
                             "aid": account.aid, **fields})

    def create_billing(self, account: Account, billing_code: str, **individual: str) -> Billing:
        """A billing with a credit-card payment method; individual may give its email and tel."""
        body = self._post("billings", {"user_id": account.user_id, "billing_code": billing_code, **individual})
        return Billing(body["billing_code"], int(body["number"]), body["code"])

    def prime(self, endpoint: str, code: str, *, count: int = 1, account: Account | None = None) -> None:
        scope = {"user_id": account.user_id, "aid": account.aid} if account else {}
        self._post("prime", {"endpoint": endpoint, "code": code, "count": count, **scope})

    def maintenance(self, on: bool, account: Account | None = None) -> None:
        self._post("maintenance", {"on": on, **({"user_id": account.user_id} if account else {})})

    def advance_clock(self, seconds: int, account: Account | None = None) -> None:
        self._post("clock", {"advance_seconds": seconds, **({"aid": account.aid} if account else {})})

    def rate_limit(self, limit: int, window_seconds: int, account: Account | None = None) -> None:
        self._post("rate-limit", {"limit": limit, "window_seconds": window_seconds,
                                  **({"user_id": account.user_id} if account else {})})

    def fault(self, endpoint: str, kind: str, account: Account, *, count: int = 1) -> None:
        """The next count requests of endpoint for this account get a fault: "http500" or "drop"."""
        self._post("faults", {"endpoint": endpoint, "kind": kind, "count": count, "aid": account.aid})

    def next_authentication(self, flow: str, account: Account, *, count: int = 1) -> None:
        """The shop's next count 3-D Secure authentications take this flow: "frictionless", "challenge" or
        "refused" (it wins over the card's own flow)."""
        self._post("three-d-secure/next", {"flow": flow, "count": count, "aid": account.aid})

    def require_three_d_secure(self, account: Account, required: bool = True) -> None:
        """The shop's 3-D Secure setting: "required" (the current spec) or "off" (the seed's shop)."""
        self.update_shop(account.aid, three_d_secure="required" if required else "off")

    def journal(self, aid: str, endpoint: str) -> list[dict[str, Any]]:
        """The shop's exchanges with endpoint (credit_card_token, authenticate, ...), oldest first, secrets redacted."""
        return self._get("journal", aid=aid, endpoint=endpoint)["entries"]

    def token_calls(self, aid: str) -> list[dict[str, Any]]:
        return self._get("token-calls", aid=aid)["calls"]

    def register_webhook(self, account: Account, url: str, *, max_attempts: int = 3,
                         retry_seconds: int = 10) -> dict[str, Any]:
        """Point the account's credit_status_issue webhook at url; the answer carries its signature_key."""
        return self._post("webhooks", {"user_id": account.user_id, "url": url, "max_attempts": max_attempts,
                                       "retry_seconds": retry_seconds})

    def send_webhook(self, account: Account, billing_code: str, payment_method_number: int,
                     **event: Any) -> dict[str, Any]:
        """Send a credit_status_issue event now (credit_status=…, credit_error_code=…); waits for its delivery."""
        return self._post("webhooks/send", {"user_id": account.user_id, "billing_code": billing_code,
                                            "payment_method_number": payment_method_number, **event})

    def webhook_deliveries(self, account: Account) -> list[dict[str, Any]]:
        """Every delivery attempt of the account's webhook: payload, the receiver's status and answer."""
        return self._get("webhooks/deliveries", user_id=account.user_id)["deliveries"]
