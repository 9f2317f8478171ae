"""CPToken.js, the popup card form and the reference merchant pages: real Chromium, real sandbox."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, Route, expect, sync_playwright

import catalogue
from harness.core.browser import choose_browser, launch_browser
from sandbox.control_access import CONTROL_HEADER
from sandbox.server import MerchantServer, SandboxServer

REAL_GATEWAY = "https://credit.j-payment.co.jp"
TEST_CARD = "4444333322221111"
CARD_FIELDS = ("cn", "ed_year", "ed_month", "fn", "ln", "cvv")
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9+/]{32}==")
# Two years ahead, December: valid whatever day the suite runs.
VALID_YEAR = f"{(date.today().year + 2) % 100:02d}"
VALID_MONTH = "12"
UNKNOWN_AID = "012345"  # well formed, and the sandbox never issues aids below 100000
ISOLATION_PROBE = """() => {
    const frame = document.querySelector('#CARD_INPUT_FORM iframe');
    try {
        const doc = frame.contentDocument;
        if (doc === null) { return 'null'; }
        return 'readable:' + (doc.getElementById('cn') ? 'card form' : 'other');
    } catch (error) {
        return 'threw';
    }
}"""
CALL_TOKEN_CREATE = """(params) => new Promise((resolve) => {
    CPToken.TokenCreate(params, (resultCode, errMsg) => resolve({
        resultCode, errMsg, tkn: document.getElementById('tkn').value,
    }));
})"""


def card_params(aid: str) -> dict[str, str]:
    """Valid CPToken.TokenCreate parameters for the vendor's test card."""
    return {
        "aid": aid,
        "cn": TEST_CARD,
        "ed": VALID_YEAR + VALID_MONTH,
        "fn": "YAMADA",
        "ln": "TARO",
        "md": "10",
    }


def gateway_message(code: str) -> str:
    return catalogue.outcome(code, surface="gateway").message


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture(scope="module")
def browser(pytestconfig: pytest.Config) -> Iterator[Browser]:
    # Honour the harness plugin's --browser-path / --browser-ws when it is loaded.
    path = pytestconfig.getoption("--browser-path", default=None)
    remote = pytestconfig.getoption("--browser-ws", default=None)
    with sync_playwright() as playwright:
        launched = launch_browser(playwright, choose_browser(playwright, path, remote))
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    fresh = browser.new_context()
    fresh.set_default_timeout(10_000)
    yield fresh
    fresh.close()


@dataclass
class Shopper:
    """One browser page on a merchant checkout, with what it alerted and posted to the merchant."""

    page: Page
    alerts: list[str] = field(default_factory=list)
    purchases: list[dict[str, list[str]]] = field(default_factory=list)
    token_requests: list[Request] = field(default_factory=list)
    preflights: list[str] = field(default_factory=list)

    def submitted_fields(self) -> dict[str, list[str]]:
        assert len(self.purchases) == 1, f"expected one purchase POST, saw {len(self.purchases)}"
        return self.purchases[0]

    def token_request_body(self) -> dict[str, Any]:
        assert len(self.token_requests) == 1, f"expected one token request, saw {len(self.token_requests)}"
        return json.loads(self.token_requests[0].post_data or "")


@pytest.fixture
def shopper(context: BrowserContext) -> Shopper:
    page = context.new_page()
    seen = Shopper(page)

    def on_dialog(dialog: Any) -> None:
        seen.alerts.append(dialog.message)
        dialog.accept()

    def on_purchase(route: Route) -> None:
        seen.purchases.append(parse_qs(route.request.post_data or "", keep_blank_values=True))
        route.continue_()

    def on_request(request: Request) -> None:
        if request.url.endswith("/gateway/token"):
            if request.method == "OPTIONS":
                seen.preflights.append(request.url)
            else:
                seen.token_requests.append(request)

    page.on("dialog", on_dialog)
    page.on("request", on_request)
    page.route(re.compile(r".*/checkout/[^/]+/purchase$"), on_purchase)
    return seen


@dataclass(frozen=True)
class Checkout:
    """An account (shop + API user), a billing with one card payment method, and a merchant checkout."""

    account: dict[str, Any]
    billing: dict[str, Any]
    id: str
    popup_url: str
    custom_url: str
    merchant_url: str

    @property
    def aid(self) -> str:
        return self.account["aid"]


def control(sandbox: SandboxServer, path: str, body: dict[str, Any]) -> dict[str, Any]:
    headers = {CONTROL_HEADER: sandbox.control_token}
    answer = httpx.post(f"{sandbox.gateway_url}{path}", json=body, timeout=10, headers=headers)
    assert answer.status_code == 200, f"{path}: HTTP {answer.status_code} {answer.text}"
    return answer.json()


def new_account(
    sandbox: SandboxServer, allowed_origins: list[str], security_code: bool = False, three_d_secure: str = "off"
) -> dict[str, Any]:
    """A fresh account; a seed (pre-3-D-Secure) shop unless three_d_secure says "required"."""
    body = {"allowed_origins": allowed_origins, "security_code": security_code, "three_d_secure": three_d_secure}
    return control(sandbox, "/_sandbox/accounts", body)


def new_checkout(
    sandbox: SandboxServer,
    merchant_url: str | None = None,
    security_code: bool = False,
    allowed_origins: list[str] | None = None,
    checkout_aid: str | None = None,
) -> Checkout:
    merchant = merchant_url or sandbox.merchant_url
    origins = [origin_of(merchant)] if allowed_origins is None else allowed_origins
    account = new_account(sandbox, origins, security_code)
    billing = control(
        sandbox,
        "/_sandbox/billings",
        {"user_id": account["user_id"], "billing_code": f"B{uuid.uuid4().hex[:12]}"},
    )
    answer = httpx.post(
        f"{merchant}/_merchant/checkouts",
        json={
            "user_id": account["user_id"],
            "access_key": account["access_key"],
            "aid": checkout_aid or account["aid"],
            "billing_code": billing["billing_code"],
            "payment_method_number": billing["number"],
            "security_code": security_code,
        },
        timeout=10,
    )
    assert answer.status_code == 200, f"/_merchant/checkouts: HTTP {answer.status_code} {answer.text}"
    created = answer.json()
    return Checkout(
        account=account,
        billing=billing,
        id=created["id"],
        popup_url=urljoin(merchant + "/", created["popup_url"]),
        custom_url=urljoin(merchant + "/", created["custom_url"]),
        merchant_url=merchant,
    )


def received(checkout: Checkout) -> list[dict[str, Any]]:
    answer = httpx.get(f"{checkout.merchant_url}/_merchant/checkouts/{checkout.id}/received", timeout=10)
    assert answer.status_code == 200
    return answer.json()["submissions"]


def register_token(sandbox: SandboxServer, checkout: Checkout, token: str) -> httpx.Response:
    return httpx.post(
        f"{sandbox.gateway_url}/api/v1.0/billing_payment_method/credit_card_token",
        json={
            "user_id": checkout.account["user_id"],
            "access_key": checkout.account["access_key"],
            "billing_code": checkout.billing["billing_code"],
            "billing_payment_method_number": checkout.billing["number"],
            "token": token,
        },
        timeout=10,
    )


def fill_card(
    target: Any,
    cn: str = TEST_CARD,
    ed_year: str = VALID_YEAR,
    ed_month: str = VALID_MONTH,
    fn: str = "YAMADA",
    ln: str = "TARO",
    cvv: str | None = None,
) -> None:
    """Type a card into #cn, #ed_year, ... of a page or a frame locator."""
    for name, value in (("cn", cn), ("ed_year", ed_year), ("ed_month", ed_month), ("fn", fn), ("ln", ln)):
        target.locator(f"#{name}").fill(value)
    if cvv is not None:
        target.locator("#cvv").fill(cvv)


def expect_success(shopper: Shopper, checkout: Checkout) -> str:
    """The result page says Success; the merchant got a token and no card data. Returns the token."""
    expect(shopper.page.locator("#result-code")).to_have_text(re.compile(r"^\s*success\s*$", re.IGNORECASE))
    fields = shopper.submitted_fields()
    for name in CARD_FIELDS:
        assert fields.get(name, [""]) == [""], f"card field {name} reached the merchant"
    token = fields["tkn"][0]
    assert TOKEN_SHAPE.fullmatch(token), f"tkn {token!r} is not a token"
    assert shopper.alerts == []
    submissions = received(checkout)
    assert len(submissions) == 1
    assert submissions[0]["fields"].get("tkn") == token
    return token


def expect_refused(shopper: Shopper, checkout: Checkout, code: str) -> None:
    """The callback got `code` with the catalogue's message: alerted, shown, nothing submitted."""
    message = gateway_message(code)
    error = shopper.page.locator("#error-message")
    expect(error).to_have_text(message)
    expect(error).to_have_attribute("data-result-code", code)
    assert shopper.alerts == [message]
    assert shopper.purchases == []
    assert shopper.page.locator("#tkn").input_value() == ""
    assert received(checkout) == []


# ---------------------------------------------------------------- custom mode (sample 2)


def test_custom_mode_registers_the_card_and_the_merchant_receives_only_the_token(
    sandbox: SandboxServer, shopper: Shopper
) -> None:
    checkout = new_checkout(sandbox)
    shopper.page.goto(checkout.custom_url)
    fill_card(shopper.page)
    shopper.page.click("#purchase")
    expect_success(shopper, checkout)


def test_custom_mode_token_request_is_simple_and_carries_the_passed_parameters(
    sandbox: SandboxServer, shopper: Shopper
) -> None:
    checkout = new_checkout(sandbox)
    shopper.page.goto(checkout.custom_url)
    fill_card(shopper.page)
    shopper.page.click("#purchase")
    expect_success(shopper, checkout)
    request = shopper.token_requests[0]
    assert request.url == f"{sandbox.gateway_url.rstrip('/')}/gateway/token"
    assert request.header_value("content-type") == "text/plain;charset=UTF-8"
    assert shopper.preflights == []
    assert shopper.token_request_body() == {
        "mode": "custom",
        "aid": checkout.aid,
        "cn": TEST_CARD,
        "ed": VALID_YEAR + VALID_MONTH,
        "fn": "YAMADA",
        "ln": "TARO",
        "md": "10",
    }


def test_custom_mode_with_the_security_code_option_sends_cvv(
    sandbox: SandboxServer, shopper: Shopper
) -> None:
    checkout = new_checkout(sandbox, security_code=True)
    shopper.page.goto(checkout.custom_url)
    fill_card(shopper.page, cvv="123")
    shopper.page.click("#purchase")
    expect_success(shopper, checkout)
    assert shopper.token_request_body()["cvv"] == "123"


@pytest.mark.parametrize(
    ("code", "card"),
    [
        pytest.param("ER055", {"cn": "444433332222111"}, id="ER055-cn-15-digits"),
        pytest.param("ER014", {"cn": "4444333322221112"}, id="ER014-luhn"),
        pytest.param("ER015", {"cn": "9999999999999995"}, id="ER015-unsupported-brand"),
        pytest.param("ER056", {"ed_year": VALID_YEAR, "ed_month": "13"}, id="ER056-month-13"),
        pytest.param("ER056", {"ed_year": "20", "ed_month": "01"}, id="ER056-past"),
        pytest.param("ER057", {"fn": ""}, id="ER057-fn-empty"),
        pytest.param("ER057", {"fn": "A" * 51}, id="ER057-fn-51-chars"),
        pytest.param("ER058", {"ln": ""}, id="ER058-ln-empty"),
    ],
)
def test_custom_mode_parameter_rule(
    sandbox: SandboxServer, shopper: Shopper, code: str, card: dict[str, str]
) -> None:
    checkout = new_checkout(sandbox)
    shopper.page.goto(checkout.custom_url)
    fill_card(shopper.page, **card)
    shopper.page.click("#purchase")
    expect_refused(shopper, checkout, code)


def test_custom_mode_security_code_rule(sandbox: SandboxServer, shopper: Shopper) -> None:
    checkout = new_checkout(sandbox, security_code=True)
    shopper.page.goto(checkout.custom_url)
    fill_card(shopper.page, cvv="12")
    shopper.page.click("#purchase")
    expect_refused(shopper, checkout, "ER079")


@pytest.mark.parametrize(
    ("code", "aid"),
    [
        pytest.param("ER050", "12345", id="ER050-aid-5-digits"),
        pytest.param("ER004", UNKNOWN_AID, id="ER004-unknown"),
    ],
)
def test_custom_mode_shop_id_rule(sandbox: SandboxServer, shopper: Shopper, code: str, aid: str) -> None:
    checkout = new_checkout(sandbox, checkout_aid=aid)
    shopper.page.goto(checkout.custom_url)
    fill_card(shopper.page)
    shopper.page.click("#purchase")
    expect_refused(shopper, checkout, code)
    assert shopper.token_request_body()["aid"] == aid


def test_token_create_without_md_is_refused_and_md_is_not_sent(
    sandbox: SandboxServer, shopper: Shopper
) -> None:
    checkout = new_checkout(sandbox)
    shopper.page.goto(checkout.custom_url)
    params = card_params(checkout.aid)
    del params["md"]
    result = shopper.page.evaluate(CALL_TOKEN_CREATE, params)
    assert result == {"resultCode": "ER064", "errMsg": gateway_message("ER064"), "tkn": ""}
    assert "md" not in shopper.token_request_body()
    assert shopper.purchases == []


def test_token_create_leaves_out_parameters_passed_as_undefined(
    sandbox: SandboxServer, shopper: Shopper
) -> None:
    checkout = new_checkout(sandbox)
    shopper.page.goto(checkout.custom_url)
    result = shopper.page.evaluate(
        """(aid) => new Promise((resolve) => CPToken.TokenCreate(
            {aid: aid, cn: undefined, ed: '', md: '10', unknown: 'x'}, (code, msg) => resolve(code)))""",
        checkout.aid,
    )
    assert result == "ER055"
    assert shopper.token_request_body() == {"mode": "custom", "aid": checkout.aid, "ed": "", "md": "10"}


def test_token_create_writes_tkn_whatever_the_form_is_called(
    sandbox: SandboxServer, shopper: Shopper
) -> None:
    checkout = new_checkout(sandbox)
    shopper.page.goto(checkout.custom_url)
    shopper.page.evaluate("() => { document.getElementById('mainform').id = 'order-form'; }")
    params = card_params(checkout.aid)
    result = shopper.page.evaluate(CALL_TOKEN_CREATE, params)
    assert (result["resultCode"], result["errMsg"]) == ("Success", "")
    assert TOKEN_SHAPE.fullmatch(result["tkn"])


def test_token_create_network_failure_gives_er000(
    sandbox: SandboxServer, context: BrowserContext, shopper: Shopper
) -> None:
    checkout = new_checkout(sandbox)
    context.route(re.compile(r".*/gateway/token$"), lambda route: route.abort())
    shopper.page.goto(checkout.custom_url)
    fill_card(shopper.page)
    shopper.page.click("#purchase")
    error = shopper.page.locator("#error-message")
    expect(error).to_have_attribute("data-result-code", "ER000")
    message = error.inner_text()
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", message), f"ER000 message {message!r} is not Japanese"
    assert shopper.alerts == [message]
    assert shopper.purchases == []


@pytest.mark.parametrize("mode", ["custom", "popup"])
def test_page_origin_not_registered_gives_er002(sandbox: SandboxServer, shopper: Shopper, mode: str) -> None:
    checkout = new_checkout(sandbox, allowed_origins=["https://shop.example"])
    if mode == "custom":
        shopper.page.goto(checkout.custom_url)
        fill_card(shopper.page)
        shopper.page.click("#purchase")
    else:
        shopper.page.goto(checkout.popup_url)
        shopper.page.click("#purchase")
        frame = shopper.page.frame_locator("#CARD_INPUT_FORM iframe")
        fill_card(frame)
        frame.locator("#card-submit").click()
    expect_refused(shopper, checkout, "ER002")
    expect(shopper.page.locator("#CARD_INPUT_FORM iframe")).to_have_count(0)


SET_REFERRER_META = """(policy) => {
    const meta = document.createElement('meta');
    meta.name = 'referrer';
    meta.content = policy;
    document.head.appendChild(meta);
}"""


@pytest.mark.parametrize("policy", ["no-referrer", "same-origin"])
@pytest.mark.parametrize("mode", ["custom", "popup"])
def test_a_page_whose_referrer_policy_strips_the_referer_gives_er002(
    sandbox: SandboxServer, shopper: Shopper, mode: str, policy: str
) -> None:
    # The page's origin is registered, but the real gateway checks the referer, which this policy withholds.
    checkout = new_checkout(sandbox)
    shopper.page.goto(checkout.custom_url if mode == "custom" else checkout.popup_url)
    shopper.page.evaluate(SET_REFERRER_META, policy)
    if mode == "custom":
        fill_card(shopper.page)
        shopper.page.click("#purchase")
    else:
        shopper.page.click("#purchase")
        frame = shopper.page.frame_locator("#CARD_INPUT_FORM iframe")
        fill_card(frame)
        frame.locator("#card-submit").click()
    expect_refused(shopper, checkout, "ER002")


def test_the_reference_merchant_pages_keep_the_default_referrer_policy(sandbox: SandboxServer) -> None:
    checkout = new_checkout(sandbox)
    for url in (checkout.custom_url, checkout.popup_url):
        # strict-origin-when-cross-origin sends the page's origin as the referer to the gateway: accepted.
        assert httpx.get(url).headers.get("referrer-policy") == "strict-origin-when-cross-origin"


# ---------------------------------------------------------------- popup mode (sample 1)


def open_card_form(shopper: Shopper, checkout: Checkout) -> Any:
    shopper.page.goto(checkout.popup_url)
    shopper.page.click("#purchase")
    expect(shopper.page.locator("#CARD_INPUT_FORM iframe")).to_have_count(1)
    frame = shopper.page.frame_locator("#CARD_INPUT_FORM iframe")
    expect(frame.locator("#cn")).to_be_visible()
    return frame


def test_popup_mode_registers_the_card(sandbox: SandboxServer, shopper: Shopper) -> None:
    checkout = new_checkout(sandbox)
    frame = open_card_form(shopper, checkout)
    src = shopper.page.locator("#CARD_INPUT_FORM iframe").get_attribute("src")
    assert src == f"{sandbox.gateway_url}/gateway/card_form?aid={checkout.aid}"
    fill_card(frame)
    frame.locator("#card-submit").click()
    expect_success(shopper, checkout)
    assert set(shopper.submitted_fields()) == {"tkn"}
    body = shopper.token_request_body()
    assert body["mode"] == "popup"
    assert body["origin"] == origin_of(sandbox.merchant_url)


def test_popup_card_form_shows_cvv_for_the_security_code_option(
    sandbox: SandboxServer, shopper: Shopper
) -> None:
    checkout = new_checkout(sandbox, security_code=True)
    frame = open_card_form(shopper, checkout)
    fill_card(frame, cvv="12")
    frame.locator("#card-submit").click()
    expect_refused(shopper, checkout, "ER079")


def test_popup_cancel_calls_back_cancel_and_submits_nothing(sandbox: SandboxServer, shopper: Shopper) -> None:
    checkout = new_checkout(sandbox)
    frame = open_card_form(shopper, checkout)
    fill_card(frame)
    frame.locator("#card-cancel").click()
    expect_refused(shopper, checkout, "Cancel")
    expect(shopper.page.locator("#CARD_INPUT_FORM iframe")).to_have_count(0)
    assert shopper.token_requests == []


def test_popup_error_closes_the_form_and_calls_back_the_code(
    sandbox: SandboxServer, shopper: Shopper
) -> None:
    checkout = new_checkout(sandbox)
    frame = open_card_form(shopper, checkout)
    fill_card(frame, cn="4444333322221112")
    frame.locator("#card-submit").click()
    expect_refused(shopper, checkout, "ER014")
    expect(shopper.page.locator("#CARD_INPUT_FORM iframe")).to_have_count(0)


def test_merchant_page_cannot_read_the_card_form(sandbox: SandboxServer, shopper: Shopper) -> None:
    checkout = new_checkout(sandbox)
    frame = open_card_form(shopper, checkout)
    fill_card(frame)
    assert shopper.page.evaluate(ISOLATION_PROBE) in ("null", "threw")
    with pytest.raises(Exception, match="(?i)blocked|cross-origin|denied"):
        shopper.page.evaluate(
            """() => document.querySelector('#CARD_INPUT_FORM iframe')
                .contentWindow.document.getElementById('cn').value"""
        )


def test_popup_ignores_messages_not_from_the_gateway(sandbox: SandboxServer, shopper: Shopper) -> None:
    checkout = new_checkout(sandbox)
    open_card_form(shopper, checkout)
    shopper.page.evaluate(
        """() => window.postMessage({source: 'CPToken', resultCode: 'Success', errMsg: '', token: 'forged'},
                                    window.location.origin)"""
    )
    shopper.page.wait_for_timeout(200)
    expect(shopper.page.locator("#CARD_INPUT_FORM iframe")).to_have_count(1)
    assert shopper.page.locator("#tkn").input_value() == ""
    assert shopper.purchases == []


def test_a_second_card_info_replaces_the_first(sandbox: SandboxServer, shopper: Shopper) -> None:
    checkout = new_checkout(sandbox)
    open_card_form(shopper, checkout)
    shopper.page.evaluate("() => doPurchase()")
    expect(shopper.page.locator("#CARD_INPUT_FORM iframe")).to_have_count(1)
    frame = shopper.page.frame_locator("#CARD_INPUT_FORM iframe")
    fill_card(frame)
    frame.locator("#card-submit").click()
    expect_success(shopper, checkout)


# ---------------------------------------------------------------- tokens: single use, 15 minutes


def issue_token(sandbox: SandboxServer, shopper: Shopper, checkout: Checkout) -> str:
    shopper.page.goto(checkout.custom_url)
    params = card_params(checkout.aid)
    result = shopper.page.evaluate(CALL_TOKEN_CREATE, params)
    assert result["resultCode"] == "Success", result
    return result["tkn"]


def expect_api_error(answer: httpx.Response, code: str) -> None:
    expected = catalogue.outcome(code, surface="api")
    assert answer.status_code == expected.http_status
    assert answer.json() == {"error": {"code": expected.code, "message": expected.message}}


def test_a_token_registers_once_then_er584(sandbox: SandboxServer, shopper: Shopper) -> None:
    checkout = new_checkout(sandbox)
    token = issue_token(sandbox, shopper, checkout)
    first = register_token(sandbox, checkout, token)
    assert (first.status_code, first.json()) == (200, {"error": None})
    expect_api_error(register_token(sandbox, checkout, token), "ER584")


def test_a_token_older_than_15_minutes_gives_er585(sandbox: SandboxServer, shopper: Shopper) -> None:
    checkout = new_checkout(sandbox)
    token = issue_token(sandbox, shopper, checkout)
    control(sandbox, "/_sandbox/clock", {"advance_seconds": 901, "aid": checkout.aid})
    expect_api_error(register_token(sandbox, checkout, token), "ER585")


# ---------------------------------------------------------------- scripts from the real gateway URL


@dataclass
class RealGatewayRoute:
    """Forwards https://credit.j-payment.co.jp/** to the sandbox; remembers what it forwarded."""

    gateway_url: str
    forwarded: list[str] = field(default_factory=list)

    def __call__(self, route: Route) -> None:
        parts = urlsplit(route.request.url)
        target = f"{self.gateway_url}{parts.path}" + (f"?{parts.query}" if parts.query else "")
        self.forwarded.append(route.request.url)
        route.fulfill(response=route.fetch(url=target))


@pytest.fixture(scope="module")
def real_gateway_merchant(sandbox: SandboxServer) -> Iterator[str]:
    with MerchantServer(api_base=sandbox.gateway_url, gateway_base=REAL_GATEWAY) as merchant:
        yield merchant.url


@pytest.mark.parametrize("mode", ["custom", "popup"])
def test_scripts_served_from_the_real_gateway_url_reach_success(
    sandbox: SandboxServer, context: BrowserContext, shopper: Shopper, real_gateway_merchant: str, mode: str
) -> None:
    forward = RealGatewayRoute(sandbox.gateway_url)
    context.route(f"{REAL_GATEWAY}/**", forward)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    failed: list[str] = []
    context.on("requestfailed", lambda request: failed.append(request.url))
    checkout = new_checkout(sandbox, merchant_url=real_gateway_merchant)

    if mode == "custom":
        shopper.page.goto(checkout.custom_url)
        fill_card(shopper.page)
        shopper.page.click("#purchase")
    else:
        shopper.page.goto(checkout.popup_url)
        shopper.page.click("#purchase")
        iframe = shopper.page.locator("#CARD_INPUT_FORM iframe")
        expect(iframe).to_have_attribute("src", f"{REAL_GATEWAY}/gateway/card_form?aid={checkout.aid}")
        frame = shopper.page.frame_locator("#CARD_INPUT_FORM iframe")
        fill_card(frame)
        frame.locator("#card-submit").click()
    expect_success(shopper, checkout)

    scripts = [f"{REAL_GATEWAY}/gateway/js/jquery.js", f"{REAL_GATEWAY}/gateway/js/CPToken.js"]
    assert all(url in forward.forwarded for url in scripts)
    assert f"{REAL_GATEWAY}/gateway/token" in forward.forwarded
    to_real_host = [url for url in requested if url.startswith(REAL_GATEWAY)]
    assert sorted(to_real_host) == sorted(forward.forwarded), "a request to the real host was not routed"
    assert failed == []
    calls = httpx.get(f"{sandbox.gateway_url}/_sandbox/token-calls", params={"aid": checkout.aid}, timeout=10,
                      headers={CONTROL_HEADER: sandbox.control_token})
    assert [(call["mode"], call["result"]) for call in calls.json()["calls"]] == [(mode, "Success")]
