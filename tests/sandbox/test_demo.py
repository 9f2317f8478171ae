"""The demo seed: `python -m sandbox` announces a demo shop; a browser clicks a demo checkout to a registered card."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from harness.core.browser import choose_browser, launch_browser
from sandbox.control_access import CONTROL_HEADER
from sandbox.demo import DEMO_ACCESS_KEY, DEMO_AID, DEMO_CHECKOUTS, DEMO_USER_ID, DemoAccount
from sandbox.server import SandboxServer

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TEST_CARD = "4444333322221111"
SEARCH = "/api/v1.0/billing_payment_method/search"
DEMO = DemoAccount()


def started(*args: str, lines: int) -> tuple[subprocess.Popen[str], list[str]]:
    """`python -m sandbox ARGS` and the first `lines` lines it printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", *args],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    printed: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [printed.put(line) for line in process.stdout or []], daemon=True).start()
    try:
        return process, [printed.get(timeout=20).rstrip("\n") for _ in range(lines)]
    except queue.Empty:
        process.kill()
        pytest.fail("python -m sandbox printed fewer lines than expected")


def stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0


def search(gateway: str, user_id: str = DEMO_USER_ID, access_key: str = DEMO_ACCESS_KEY) -> httpx.Response:
    return httpx.post(gateway + SEARCH, json={"user_id": user_id, "access_key": access_key}, timeout=10)


def registered_cards(gateway: str) -> int:
    answer = search(gateway)
    assert answer.status_code == 200, answer.text
    return sum(row["register_status"] == 5 for row in answer.json()["billing_payment_method"])


@pytest.fixture(scope="module")
def demo_sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(demo=DEMO) as server:
        yield server


def test_python_m_sandbox_announces_the_demo_shop_after_the_two_addresses() -> None:
    process, lines = started("--port", "0", "--merchant-port", "0", lines=9)
    try:
        announced = dict(line.split(": ", 1) for line in lines)
        assert lines[0].startswith("gateway: ") and lines[1].startswith("merchant: ")
        assert lines[2].startswith("control-token: ")
        gateway, merchant = announced["gateway"], announced["merchant"]
        assert announced["demo aid"] == DEMO_AID
        assert announced["demo user_id"] == DEMO_USER_ID
        assert announced["demo access_key"] == DEMO_ACCESS_KEY
        assert announced["demo checkouts"] == merchant + "/"
        scripts = [f"{gateway}/gateway/js/jquery.js", f"{gateway}/gateway/js/CPToken.js"]
        assert announced["demo scripts"].split() == scripts
        # The printed credentials work: the API knows the user and the merchant's `/` offers the checkouts.
        assert search(gateway).status_code == 200
        assert 'href="/demo/popup"' in httpx.get(merchant + "/", timeout=10).text
    finally:
        stop(process)


def test_no_demo_starts_empty() -> None:
    process, (gateway_line, merchant_line) = started("--no-demo", lines=2)
    try:
        gateway, merchant = gateway_line.split(": ", 1)[1], merchant_line.split(": ", 1)[1]
        assert search(gateway).json()["error"]["code"] == 11
        home = httpx.get(merchant + "/", timeout=10)
        assert home.status_code == 200 and "--no-demo" in home.text and "/demo/" not in home.text
        refused = httpx.get(merchant + "/demo/popup", timeout=10)
        assert refused.status_code == 404 and "start it without that flag" in refused.text
        assert "--no-demo" in httpx.get(gateway + "/", timeout=10).text
    finally:
        stop(process)


def test_bad_demo_values_are_refused_in_one_sentence() -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "sandbox", "--demo-aid", "12345"], cwd=PROJECT_ROOT, capture_output=True, text=True,
        timeout=30,
    )
    assert finished.returncode == 2
    assert "--demo-aid '12345' is not a shop id; give exactly 6 digits." in finished.stderr
    assert "Traceback" not in finished.stderr


def test_sandbox_server_started_by_code_seeds_nothing() -> None:
    with SandboxServer() as server:
        assert search(server.gateway_url).json()["error"]["code"] == 11
        assert "--no-demo" in httpx.get(server.merchant_url + "/", timeout=10).text


def test_accounts_never_take_the_demo_aid_and_a_reset_keeps_the_demo_shop(demo_sandbox: SandboxServer) -> None:
    control = httpx.Client(
        base_url=demo_sandbox.gateway_url, timeout=10, headers={CONTROL_HEADER: demo_sandbox.control_token}
    )
    aids = {control.post("/_sandbox/accounts", json={}).json()["aid"] for _ in range(20)}
    assert DEMO_AID not in aids
    assert control.post("/_sandbox/reset", json={}).status_code == 200
    assert search(demo_sandbox.gateway_url).status_code == 200


def test_the_gateway_home_shows_the_sandbox_its_cards_and_the_control_api(demo_sandbox: SandboxServer) -> None:
    home = httpx.get(demo_sandbox.gateway_url + "/", timeout=10)
    assert home.status_code == 200
    for text in ("ROBOT PAYMENT sandbox", TEST_CARD, "4000000000001240", "G1242G120000", DEMO_ACCESS_KEY,
                 f'href="{demo_sandbox.merchant_url}/"', 'href="/docs/control-api"'):
        assert text in home.text, text
    docs = httpx.get(demo_sandbox.gateway_url + "/docs/control-api", timeout=10)
    assert docs.status_code == 200 and "/_sandbox/accounts" in docs.text and "/_sandbox/prime" in docs.text


def test_an_unknown_demo_checkout_names_the_known_ones(demo_sandbox: SandboxServer) -> None:
    answer = httpx.get(demo_sandbox.merchant_url + "/demo/nope", timeout=10)
    assert answer.status_code == 404
    assert "pick one of " + ", ".join(c.slug for c in DEMO_CHECKOUTS) in answer.text


@pytest.fixture(scope="module")
def browser(pytestconfig: pytest.Config) -> Iterator[Browser]:
    path = pytestconfig.getoption("--browser-path", default=None)
    remote = pytestconfig.getoption("--browser-ws", default=None)
    with sync_playwright() as playwright:
        launched = launch_browser(playwright, choose_browser(playwright, path, remote))
        yield launched
        launched.close()


@pytest.mark.parametrize("slug", ["popup", "custom"])
def test_a_browser_clicks_a_demo_checkout_and_registers_the_test_card(
    demo_sandbox: SandboxServer, browser: Browser, slug: str
) -> None:
    before = registered_cards(demo_sandbox.gateway_url)
    context = browser.new_context()
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(demo_sandbox.merchant_url + "/")
        page.click(f"#demo-{slug}")
        page.wait_for_url(re.compile(r".*/checkout/[^/]+/" + slug + "$"))
        popup = slug == "popup"
        if popup:
            page.click("#purchase")
        card_form = page.frame_locator("#CARD_INPUT_FORM iframe") if popup else page
        year = f"{(date.today().year + 2) % 100:02d}"
        for name, value in (("cn", TEST_CARD), ("ed_year", year), ("ed_month", "12"), ("fn", "YAMADA"), ("ln", "TARO")):
            card_form.locator(f"#{name}").fill(value)
        card_form.locator("#card-submit" if popup else "#purchase").click()
        expect(page.locator("#result-code")).to_have_text("Success")
        page.click("#back-to-shop")
        expect(page.locator("#demo-checkouts")).to_be_visible()
    finally:
        context.close()
    assert registered_cards(demo_sandbox.gateway_url) == before + 1


def test_a_developers_own_shop_origin_is_accepted_by_the_demo_shop() -> None:
    own_shop = "http://localhost:3000"
    with SandboxServer(demo=DemoAccount(extra_origins=(own_shop,))) as server:
        def tokenize(origin: str) -> str:
            body = {"mode": "custom", "aid": DEMO_AID, "cn": TEST_CARD, "ed": f"{(date.today().year + 2) % 100:02d}12",
                    "fn": "YAMADA", "ln": "TARO", "md": "10"}
            # What a default-policy page sends cross-origin: its origin, and as referer its origin and "/".
            headers = {"Origin": origin, "Referer": origin + "/"}
            answer = httpx.post(f"{server.gateway_url}/gateway/token", json=body, headers=headers)
            return answer.json()["resultCode"]

        assert tokenize(own_shop) == "Success"
        assert tokenize(server.merchant_url) == "Success"
        assert tokenize("http://localhost:4000") == "ER002"


def test_a_demo_checkout_the_billing_api_refuses_says_what_to_check() -> None:
    with SandboxServer(demo=DEMO) as server:
        headers = {CONTROL_HEADER: server.control_token}
        maintenance = httpx.post(f"{server.gateway_url}/_sandbox/maintenance", json={"on": True}, headers=headers)
        assert maintenance.status_code == 200
        answer = httpx.get(server.merchant_url + "/demo/custom", timeout=10)
    assert answer.status_code == 502
    assert "the billing API refused the demo billing (error 19: Maintenance)" in answer.text
    assert "is up and not in maintenance" in answer.text
