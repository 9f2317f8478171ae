"""Answer every browser request for the real gateway host from the embedded sandbox (Playwright routing)."""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, Route

from harness.targets import REAL_GATEWAY_BASE


@dataclass
class GatewayRouting:
    """Routes `https://credit.j-payment.co.jp/**` to the sandbox, so an unmodified merchant page meets the sandbox.

    The browser still sees the real gateway origin (script URLs, frame origin, CORS), which is what
    the tokenizer-origin and inventory checks look at; only the bytes come from the sandbox.
    """

    sandbox_url: str
    gateway_base: str = REAL_GATEWAY_BASE
    forwarded: list[str] = field(default_factory=list)

    def install(self, context: BrowserContext) -> GatewayRouting:
        context.route(f"{self.gateway_base}/**", self._forward)
        return self

    def _forward(self, route: Route) -> None:
        url = self.sandbox_url.rstrip("/") + route.request.url[len(self.gateway_base):]
        self.forwarded.append(route.request.url)
        route.fulfill(response=route.fetch(url=url))
