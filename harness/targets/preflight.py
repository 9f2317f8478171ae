"""Checks before any test runs, so a mistake in the run's configuration ends in one sentence instead of a
page of failures: a staging run's variables, the reachability of the API and of a remote browser, that a
--browser-path is a Chromium, and that the reports directory can be written."""

from __future__ import annotations

import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from harness.targets.settings import TargetSettings

TIMEOUT_S = 10.0


class PreflightError(RuntimeError):
    """What to fix before the run can start, in one sentence."""


def check_staging(settings: TargetSettings, needs_credentials: bool) -> None:
    """A staging run has its variables and its billing API answers (any HTTP answer will do)."""
    if settings.name != "staging":
        return
    if needs_credentials and settings.missing:
        raise PreflightError(f"--target staging needs {', '.join(settings.missing)} in the environment: set them "
                             "(see the README's staging section) and run again.")
    try:
        httpx.get(settings.api_base, timeout=TIMEOUT_S)
    except httpx.HTTPError as exc:
        raise PreflightError(f"the billing API at {settings.api_base} did not answer ({type(exc).__name__}): check "
                             "RP_API_BASE and the network, then run again.") from None


def check_browser_server(ws_endpoint: str | None) -> None:
    """A --browser-ws endpoint accepts connections."""
    if not ws_endpoint:
        return
    parts = urlsplit(ws_endpoint)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise PreflightError(f"--browser-ws must be a ws:// or wss:// address, not {ws_endpoint!r}: fix --browser-ws.")
    port = parts.port or (443 if parts.scheme == "wss" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=TIMEOUT_S).close()
    except OSError as exc:
        raise PreflightError(f"no browser server answers at {ws_endpoint} ({exc.strerror or type(exc).__name__}): "
                             "start it (npx playwright run-server) or fix --browser-ws.") from None


def check_browser_path(path: str | None) -> None:
    """A --browser-path is an executable Chromium (it says so when asked for its version)."""
    if not path:
        return
    try:
        shown = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=TIMEOUT_S).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise PreflightError(f"--browser-path {path} could not be run ({type(exc).__name__}): give the path of a "
                             "Chromium binary.") from None
    if "chrom" not in shown.lower():
        version = shown.strip().splitlines()[0] if shown.strip() else "nothing"
        raise PreflightError(f"--browser-path {path} is not Chromium (it says {version!r}): give the path of a "
                             "Chromium binary.")


def check_reports_dir(path: Path) -> None:
    """The reports directory exists or can be made, and a file can be written in it."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-check-"):
            pass
    except OSError as exc:
        raise PreflightError(f"--reports-dir {path} cannot be written ({exc.strerror or type(exc).__name__}): "
                             "choose a writable directory.") from None
