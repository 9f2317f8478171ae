"""Answer every browser request for one origin from a local server instead (Playwright request routing)."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import BrowserContext, Route


@dataclass  # not frozen: Playwright keeps bookkeeping on the route handler's object
class OriginRouting:
    """Requests for `from_base/**` are fetched from `to_base` and fulfilled with its answer.

    The browser still sees `from_base` (script URLs, frame origins, CORS, the Origin header sent to
    others), which is what the checks look at; only the bytes come from `to_base`. Used to answer the
    real gateway host from the sandbox, and to serve the local reference merchant under the origin a
    shop registered with the vendor.
    """

    from_base: str
    to_base: str

    def install(self, context: BrowserContext) -> OriginRouting:
        context.route(f"{self.from_base.rstrip('/')}/**", self._forward)
        return self

    def _forward(self, route: Route) -> None:
        url = self.to_base.rstrip("/") + route.request.url[len(self.from_base.rstrip("/")):]
        route.fulfill(response=route.fetch(url=url))
