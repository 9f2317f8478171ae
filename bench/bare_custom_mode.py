"""The custom-mode success scenario as a bare Playwright + httpx script: the baseline for the harness.

The sandbox starts once and the browser launches once; each iteration then does the browser work the
harness scenario does — a fresh account, a billing through bulk_upsert, a reference-merchant checkout,
a fresh browser context, the card typed into cn/ed_year/ed_month/fn/ln, #purchase, #result-code —
and nothing else: no probe, no tracing, no evidence, no checks beyond reading the result.

    python bench/bare_custom_mode.py --runs 20 [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import httpx
from playwright.sync_api import Browser, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sandbox.server import SandboxServer  # noqa: E402

DEBIAN_HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"
# The flags the harness launches Chromium with, so that only the per-scenario work differs.
LAUNCH_ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-quic", "--no-first-run", "--disable-gpu"]
CARD = "4444333322221111"


def launch(playwright) -> Browser:
    managed = playwright.chromium.executable_path
    executable = None if os.path.exists(managed) else DEBIAN_HEADLESS_SHELL
    args = LAUNCH_ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])
    return playwright.chromium.launch(executable_path=executable, headless=True, args=args)


def one_purchase(browser: Browser, gateway: httpx.Client, merchant: httpx.Client, merchant_url: str) -> str:
    shop = {"allowed_origins": [merchant_url], "three_d_secure": "off"}  # the seed's pre-3-D-Secure shop
    account = gateway.post("/_sandbox/accounts", json=shop).json()
    login = {"user_id": account["user_id"], "access_key": account["access_key"]}
    code = "QA" + secrets.token_hex(8).upper()
    upsert = gateway.post("/api/v1.0/billing/bulk_upsert", json={**login, "billing": [{
        "code": code, "name": "QA 受入テスト",
        "individual": [{"code": code + "-1", "name": "経理部", "address1": "山田 太郎", "zip_code": "1500001",
                        "pref": "東京都", "city_address": "渋谷区神宮前1-1-1", "email": "qa@example.com",
                        "tel": "0312345678"}],
        "payment": [{"code": code + "-P", "name": "クレジットカード", "payment_method": 1}],
    }]}).json()
    number = upsert["billing"][0]["payment"][0]["number"]
    checkout = merchant.post("/_merchant/checkouts", json={
        **login, "aid": account["aid"], "billing_code": code, "payment_method_number": number,
        "security_code": False, "md": "10"}).json()
    url = checkout["custom_url"]
    url = url if url.startswith("http") else merchant_url + url
    context = browser.new_context()
    try:
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(url)
        page.fill("#cn", CARD)
        page.fill("#ed_year", f"{(date.today().year + 1) % 100:02d}")
        page.fill("#ed_month", "12")
        page.fill("#fn", "TARO")
        page.fill("#ln", "YAMADA")
        page.click("#purchase")
        page.wait_for_selector("#result-code")
        return page.inner_text("#result-code").strip()
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    command = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    command.add_argument("--runs", type=int, default=20, help="iterations (default 20)")
    command.add_argument("--json", action="store_true", help="print the per-iteration seconds as JSON")
    args = command.parse_args(argv)
    seconds: list[float] = []
    with SandboxServer() as server, sync_playwright() as playwright:
        browser = launch(playwright)
        with httpx.Client(base_url=server.gateway_url, timeout=20,
                          headers={"X-RP-Sandbox-Control": server.control_token}) as gateway, \
                httpx.Client(base_url=server.merchant_url, timeout=20) as merchant:
            for _ in range(args.runs):
                started = time.perf_counter()
                result = one_purchase(browser, gateway, merchant, server.merchant_url)
                seconds.append(time.perf_counter() - started)
                if result != "Success":
                    print(f"bare_custom_mode: the purchase showed {result!r}, not 'Success'.",
                          file=sys.stderr)
                    return 1
        browser.close()
    if args.json:
        print(json.dumps(seconds))
    else:
        print(f"{len(seconds)} runs, median {statistics.median(seconds):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
