"""Client of the reference merchant site's own set-up API (/_merchant/): checkouts and what they received."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from harness.targets.settings import Credentials


@dataclass(frozen=True)
class Checkout:
    id: str
    popup_url: str
    custom_url: str

    def url(self, mode: str) -> str:
        if mode not in ("popup", "custom"):
            raise ValueError(f"mode must be 'popup' or 'custom', not {mode!r}")
        return self.popup_url if mode == "popup" else self.custom_url


class ReferenceMerchant:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, timeout=20)

    def close(self) -> None:
        self._http.close()

    def create_checkout(self, credentials: Credentials, billing_code: str, payment_method_number: int, *,
                        aid: str | None = None, security_code: bool = False,
                        md: str | None = "10", three_d_secure: bool = False, email: str | None = None,
                        tel: str | None = None) -> Checkout:
        """A checkout of the billing's payment method; three_d_secure serves the current spec's pages, which call
        ThreeDSAdapter.authenticate with em = email and pn = tel (hyphens removed) and send both to
        credit_card_token (each left out when None)."""
        body: dict[str, Any] = {
            "user_id": credentials.user_id, "access_key": credentials.access_key,
            "aid": aid if aid is not None else credentials.aid,
            "billing_code": billing_code, "payment_method_number": payment_method_number,
            "security_code": security_code, "md": md, "three_d_secure": three_d_secure,
        }
        body.update({name: value for name, value in (("email", email), ("tel", tel)) if value is not None})
        response = self._http.post("/_merchant/checkouts", json=body)
        response.raise_for_status()
        data = response.json()
        return Checkout(data["id"], self._absolute(data["popup_url"]), self._absolute(data["custom_url"]))

    def received(self, checkout_id: str) -> list[dict[str, Any]]:
        response = self._http.get(f"/_merchant/checkouts/{checkout_id}/received")
        response.raise_for_status()
        return response.json()["submissions"]

    @property
    def webhook_url(self) -> str:
        """Where the reference merchant receives credit_status_issue webhooks."""
        return f"{self.base_url}/_merchant/webhooks/credit_status"

    def webhook_events(self) -> list[dict[str, Any]]:
        """The events the merchant's webhook handler kept, each with how many deliveries it saw."""
        response = self._http.get("/_merchant/webhooks")
        response.raise_for_status()
        return response.json()["events"]

    def _absolute(self, url: str) -> str:
        return url if url.startswith("http") else f"{self.base_url}{url}"
