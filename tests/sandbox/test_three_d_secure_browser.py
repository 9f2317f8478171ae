"""EMV3DSAdapter.js on the reference merchant's 3-D Secure pages: real Chromium, real sandbox."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest
import test_scripts_browser as cptoken_browser_tests
from playwright.sync_api import BrowserContext, expect
from test_scripts_browser import (
    REAL_GATEWAY,
    Checkout,
    RealGatewayRoute,
    Shopper,
    control,
    fill_card,
    origin_of,
    received,
)

import catalogue
from sandbox.control_access import CONTROL_HEADER
from sandbox.server import SandboxServer

# The CPToken browser tests' fixtures: one sandbox and one Chromium per module, a fresh page per test.
sandbox = cptoken_browser_tests.sandbox
browser = cptoken_browser_tests.browser
context = cptoken_browser_tests.context
shopper = cptoken_browser_tests.shopper
real_gateway_merchant = cptoken_browser_tests.real_gateway_merchant

CHALLENGE_CARD = "4000000000003220"
EMAIL = "holder@sandbox.example"
TEL = "03-0000-0000"
CHALLENGE_FRAME = "#EMV3DS_INPUT_FORM iframe"
ISOLATION_PROBE = """() => {
    const frame = document.querySelector('#EMV3DS_INPUT_FORM iframe');
    try {
        const doc = frame.contentDocument;
        return doc === null ? 'null' : 'readable';
    } catch (error) {
        return 'threw';
    }
}"""


def secure_checkout(sandbox: SandboxServer, merchant_url: str | None = None) -> Checkout:
    """A shop with 3-D Secure required, a billing whose individual has EMAIL and TEL, a 3-D Secure checkout."""
    merchant = merchant_url or sandbox.merchant_url
    account = control(
        sandbox, "/_sandbox/accounts", {"allowed_origins": [origin_of(merchant)], "three_d_secure": "required"}
    )
    billing = control(
        sandbox,
        "/_sandbox/billings",
        {"user_id": account["user_id"], "billing_code": f"B{uuid.uuid4().hex[:12]}", "email": EMAIL, "tel": TEL},
    )
    answer = httpx.post(
        f"{merchant}/_merchant/checkouts",
        json={
            "user_id": account["user_id"],
            "access_key": account["access_key"],
            "aid": account["aid"],
            "billing_code": billing["billing_code"],
            "payment_method_number": billing["number"],
            "three_d_secure": True,
            "email": EMAIL,
            "tel": TEL,
        },
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    created = answer.json()
    return Checkout(
        account=account,
        billing=billing,
        id=created["id"],
        popup_url=urljoin(merchant + "/", created["popup_url"]),
        custom_url=urljoin(merchant + "/", created["custom_url"]),
        merchant_url=merchant,
    )


def pay(shopper: Shopper, checkout: Checkout, mode: str, card: str) -> None:
    """Enter the card in the custom page's inputs or the popup's card form, and send it."""
    if mode == "custom":
        shopper.page.goto(checkout.custom_url)
        fill_card(shopper.page, cn=card)
        shopper.page.click("#purchase")
        return
    shopper.page.goto(checkout.popup_url)
    shopper.page.click("#purchase")
    frame = shopper.page.frame_locator("#CARD_INPUT_FORM iframe")
    fill_card(frame, cn=card)
    frame.locator("#card-submit").click()


def challenge_frame(shopper: Shopper) -> Any:
    expect(shopper.page.locator(CHALLENGE_FRAME)).to_have_count(1)
    frame = shopper.page.frame_locator(CHALLENGE_FRAME)
    expect(frame.locator("#otp")).to_be_visible()
    return frame


def shown_result(shopper: Shopper) -> str:
    expect(shopper.page.locator("#result-code")).to_be_visible()
    return shopper.page.locator("#result-code").inner_text().strip()


def registration_requests(sandbox: SandboxServer, checkout: Checkout) -> list[Any]:
    journal = httpx.get(
        f"{sandbox.gateway_url}/_sandbox/journal",
        params={"user_id": checkout.account["user_id"], "endpoint": "credit_card_token"},
        headers={CONTROL_HEADER: sandbox.control_token},
        timeout=10,
    )
    assert journal.status_code == 200, journal.text
    return [entry["request"] for entry in journal.json()["entries"]]


@pytest.mark.parametrize("mode", ["custom", "popup"])
def test_frictionless_registers_with_email_and_tel(sandbox: SandboxServer, shopper: Shopper, mode: str) -> None:
    checkout = secure_checkout(sandbox)
    pay(shopper, checkout, mode, "4444333322221111")
    assert shown_result(shopper) == "Success"
    assert shopper.page.locator(CHALLENGE_FRAME).count() == 0
    card_inputs = {"cn", "ed_year", "ed_month", "fn", "ln"}
    assert set(shopper.submitted_fields()) == ({"tkn"} if mode == "popup" else {"tkn", *card_inputs})
    assert all(value == [""] for name, value in shopper.submitted_fields().items() if name != "tkn")
    (request,) = registration_requests(sandbox, checkout)
    assert (request["email"], request["tel"]) == (EMAIL, "0300000000")
    assert shopper.alerts == []


@pytest.mark.parametrize("mode", ["custom", "popup"])
def test_challenge_passed_registers_the_card(sandbox: SandboxServer, shopper: Shopper, mode: str) -> None:
    checkout = secure_checkout(sandbox)
    pay(shopper, checkout, mode, CHALLENGE_CARD)
    frame = challenge_frame(shopper)
    src = shopper.page.locator(CHALLENGE_FRAME).get_attribute("src") or ""
    assert src.startswith(f"{sandbox.gateway_url}/gateway/3ds/challenge/")
    assert shopper.page.evaluate(ISOLATION_PROBE) in ("null", "threw")
    assert shopper.purchases == []
    frame.locator("#otp").fill("123456")
    frame.locator("#challenge-submit").click()
    assert shown_result(shopper) == "Success"
    assert shopper.alerts == []


def test_challenge_failed_reaches_the_registration_as_er901(sandbox: SandboxServer, shopper: Shopper) -> None:
    checkout = secure_checkout(sandbox)
    pay(shopper, checkout, "custom", CHALLENGE_CARD)
    frame = challenge_frame(shopper)
    frame.locator("#otp").fill("000000")
    frame.locator("#challenge-submit").click()
    # authenticate's Success means only that the call worked: the page submits, the registration refuses.
    assert shown_result(shopper) == "ER901"
    assert received(checkout)[0]["registration"]["body"]["error"]["code"] == "ER901"


@pytest.mark.parametrize("mode", ["custom", "popup"])
def test_challenge_cancelled_calls_back_cancel_and_submits_nothing(
    sandbox: SandboxServer, shopper: Shopper, mode: str
) -> None:
    checkout = secure_checkout(sandbox)
    pay(shopper, checkout, mode, CHALLENGE_CARD)
    challenge_frame(shopper).locator("#challenge-cancel").click()
    message = catalogue.outcome("Cancel", "authenticate").message
    error = shopper.page.locator("#error-message")
    expect(error).to_have_text(message)
    expect(error).to_have_attribute("data-result-code", "Cancel")
    assert shopper.alerts == [message]
    expect(shopper.page.locator(CHALLENGE_FRAME)).to_have_count(0)
    assert shopper.purchases == [] and received(checkout) == []


# Chromium retries a POST whose reused connection closes without an answer: drop a few times over.
@pytest.mark.parametrize(("kind", "count"), [("drop", 3), ("http500", 1)])
def test_a_failed_authenticate_request_gives_er000(
    sandbox: SandboxServer, shopper: Shopper, kind: str, count: int
) -> None:
    checkout = secure_checkout(sandbox)
    fault = {"endpoint": "authenticate", "kind": kind, "count": count, "aid": checkout.aid}
    control(sandbox, "/_sandbox/faults", fault)
    pay(shopper, checkout, "custom", "4444333322221111")
    message = catalogue.outcome("ER000", "authenticate").message
    expect(shopper.page.locator("#error-message")).to_have_attribute("data-result-code", "ER000")
    assert shopper.alerts == [message]
    assert shopper.purchases == [] and received(checkout) == []


def test_the_seed_page_without_authenticate_meets_er900(sandbox: SandboxServer, shopper: Shopper) -> None:
    checkout = secure_checkout(sandbox)
    seed = httpx.post(
        f"{checkout.merchant_url}/_merchant/checkouts",
        json={
            "user_id": checkout.account["user_id"],
            "access_key": checkout.account["access_key"],
            "aid": checkout.aid,
            "billing_code": checkout.billing["billing_code"],
            "payment_method_number": checkout.billing["number"],
        },
        timeout=10,
    ).json()
    shopper.page.goto(urljoin(checkout.merchant_url + "/", seed["custom_url"]))
    fill_card(shopper.page)
    shopper.page.click("#purchase")
    assert shown_result(shopper) == "ER900"


def test_adapter_and_challenge_from_the_real_gateway_url(
    sandbox: SandboxServer, context: BrowserContext, shopper: Shopper, real_gateway_merchant: str
) -> None:
    forward = RealGatewayRoute(sandbox.gateway_url)
    context.route(f"{REAL_GATEWAY}/**", forward)
    checkout = secure_checkout(sandbox, merchant_url=real_gateway_merchant)
    pay(shopper, checkout, "custom", CHALLENGE_CARD)
    frame = challenge_frame(shopper)
    src = shopper.page.locator(CHALLENGE_FRAME).get_attribute("src") or ""
    assert src.startswith(f"{REAL_GATEWAY}/gateway/3ds/challenge/")
    frame.locator("#otp").fill("123456")
    frame.locator("#challenge-submit").click()
    assert shown_result(shopper) == "Success"
    assert f"{REAL_GATEWAY}/gateway/js/EMV3DSAdapter.js" in forward.forwarded
    assert f"{REAL_GATEWAY}/gateway/3ds/authenticate" in forward.forwarded
    assert src in forward.forwarded
