"""Find and launch the Chromium the suites drive: Playwright-managed first, then Debian's builds."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Playwright

DEBIAN_HEADLESS_SHELL = Path("/usr/lib/chromium/chromium-headless-shell")
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")

# Without these, Chromium on a closed network keeps dialling Google's hosts and logs refusals.
QUIET_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-gpu",
)


class BrowserNotFound(RuntimeError):
    """No usable Chromium: the message says how to get one."""


@dataclass(frozen=True)
class BrowserChoice:
    """Where the browser comes from: a local executable, Playwright's own build, or a remote server."""

    kind: str  # "playwright" | "executable" | "remote"
    location: str | None = None

    def describe(self) -> str:
        return f"{self.kind}: {self.location}" if self.location else self.kind


def choose_browser(playwright: Playwright, browser_path: str | None = None,
                   browser_ws: str | None = None) -> BrowserChoice:
    """Pick the browser: --browser-ws, then --browser-path, then Playwright's, then Debian's."""
    if browser_ws:
        return BrowserChoice("remote", browser_ws)
    if browser_path:
        if not os.access(browser_path, os.X_OK):
            raise BrowserNotFound(
                f"--browser-path {browser_path} is not an executable file; give the path of a Chromium binary.")
        return BrowserChoice("executable", browser_path)
    managed = Path(playwright.chromium.executable_path)
    if managed.exists():
        return BrowserChoice("playwright", str(managed))
    for candidate in (DEBIAN_HEADLESS_SHELL, DEBIAN_CHROMIUM):
        if os.access(candidate, os.X_OK):
            return BrowserChoice("executable", str(candidate))
    raise BrowserNotFound(
        "No Chromium found: run `playwright install chromium`, or `apt-get install chromium-headless-shell`, "
        "or pass --browser-path."
    )


def launch_browser(playwright: Playwright, choice: BrowserChoice, headless: bool = True,
                   extra_args: Sequence[str] = (), launch_args: Mapping[str, Any] | None = None,
                   connect_options: Mapping[str, Any] | None = None) -> Browser:
    """Start (or connect to) the chosen browser. extra_args are added to Chromium's command line; launch_args
    and connect_options are Playwright's own keyword arguments of launch() and connect()."""
    if choice.kind == "remote":
        return playwright.chromium.connect(choice.location, **dict(connect_options or {}))
    options = dict(launch_args or {})
    executable = None if choice.kind == "playwright" else choice.location
    args = [*QUIET_ARGS, *options.pop("args", ()), *extra_args]
    if os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to start its sandbox as root (CI runs as root)
    options.setdefault("headless", headless)
    options.setdefault("executable_path", executable)
    return playwright.chromium.launch(args=args, **options)
