"""One place that opens a browser context for either engine: its arguments, its default timeout and the
origins it answers from local servers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from playwright.sync_api import Browser, BrowserContext

from harness.core.origin_routing import OriginRouting

DEFAULT_TIMEOUT_MS = 10_000


def open_context(browser: Browser, context_args: Mapping[str, Any] | None = None,
                 timeout_ms: float = DEFAULT_TIMEOUT_MS, routes: Sequence[OriginRouting] = ()) -> BrowserContext:
    """A fresh context with Playwright's new_context arguments, a default timeout, and each routing installed."""
    context = browser.new_context(**dict(context_args or {}))
    context.set_default_timeout(timeout_ms)
    for routing in routes:
        routing.install(context)
    return context
