"""The running target of a session: URLs, the local reference merchant, and the sandbox's controls if any."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

from harness.core.origins import origin_of
from harness.targets.reference_merchant import ReferenceMerchant
from harness.targets.sandbox_control import Account, SandboxControl
from harness.targets.settings import TargetSettings


@dataclass
class TargetRuntime:
    settings: TargetSettings
    api_base: str
    gateway_base: str
    merchant_url: str  # where the local reference merchant really listens
    merchant_origin: str  # the origin the browser sees it under (RP_MERCHANT_ORIGIN on staging)
    merchant: ReferenceMerchant
    control: SandboxControl | None

    @property
    def gateway_origin(self) -> str:
        return origin_of(self.gateway_base)

    @property
    def merchant_is_routed(self) -> bool:
        return self.merchant_origin != origin_of(self.merchant_url)

    def browser_url(self, url: str) -> str:
        """A reference merchant URL as the browser must open it (under the registered origin on staging)."""
        return url.replace(origin_of(self.merchant_url), self.merchant_origin, 1)

    def new_account(self) -> Account:
        """A fresh isolated shop and API user on the sandbox; the configured credentials on staging."""
        if self.control is not None:
            return self.control.create_account([self.merchant_origin])
        creds = self.settings.credentials
        assert creds is not None, "staging scenarios are skipped before they ask for an account"
        return Account(creds.aid, creds.user_id, creds.access_key)

    def billing_code(self) -> str:
        """A billing code unique to this run, within the 20 characters the API allows."""
        return "QA" + secrets.token_hex(8).upper()


@contextlib.contextmanager
def start_target(settings: TargetSettings) -> Iterator[TargetRuntime]:
    """Start what the target needs locally: the whole sandbox, or only the reference merchant for staging."""
    if settings.name == "sandbox":
        from sandbox.server import SandboxServer  # started here, then spoken to over HTTP only

        with SandboxServer() as server:
            control = SandboxControl(server.gateway_url, token=server.control_token)
            merchant = ReferenceMerchant(server.merchant_url)
            try:
                yield TargetRuntime(settings, server.gateway_url, server.gateway_url, server.merchant_url,
                                    origin_of(server.merchant_url), merchant, control)
            finally:
                control.close()
                merchant.close()
        return
    from sandbox.server import MerchantServer

    with MerchantServer(api_base=settings.api_base, gateway_base=settings.gateway_base) as local:
        merchant = ReferenceMerchant(local.url)
        try:
            yield TargetRuntime(settings, settings.api_base, settings.gateway_base, local.url,
                                settings.merchant_origin or origin_of(local.url), merchant, None)
        finally:
            merchant.close()



@dataclass
class MerchantGateway:
    """What the merchant checks run beside a merchant's page: the sandbox answering the gateway host
    (None with --gateway live) and the reference merchant that serves the example profiles' pages."""

    sandbox_url: str | None
    control: SandboxControl | None
    reference_merchant: ReferenceMerchant | None

    @property
    def reference_base(self) -> str | None:
        return self.reference_merchant.base_url if self.reference_merchant else None


@contextlib.contextmanager
def start_merchant_gateway(live: bool) -> Iterator[MerchantGateway]:
    """A sandbox for the real gateway's host, and a reference merchant that loads the real script URLs."""
    if live:
        yield MerchantGateway(None, None, None)
        return
    from harness.targets.settings import REAL_GATEWAY_BASE
    from sandbox.server import MerchantServer, SandboxServer

    with SandboxServer() as sandbox, MerchantServer(api_base=sandbox.gateway_url,
                                                     gateway_base=REAL_GATEWAY_BASE) as merchant:
        control = SandboxControl(sandbox.gateway_url, token=sandbox.control_token)
        reference = ReferenceMerchant(merchant.url)
        try:
            yield MerchantGateway(sandbox.gateway_url, control, reference)
        finally:
            control.close()
            reference.close()
