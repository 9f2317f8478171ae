"""The merchant pages server itself: every variant served as designed, headers, and what it records."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator

import httpx
import pytest

from tests.merchant_pages.server import (
    AID,
    FOREIGN_CPTOKEN_PATH,
    GATEWAY,
    GATEWAY_CPTOKEN,
    GATEWAY_JQUERY,
    SECURITY_HEADERS,
    VARIANTS,
    WIDGET_PATH,
    received,
    render_page,
    serve_merchant_pages,
)

CARD = "4444333322221111"


@pytest.fixture(scope="module")
def pages() -> Iterator[str]:
    with serve_merchant_pages() as base:
        yield base


@pytest.fixture(scope="module")
def http(pages: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=pages, timeout=10, trust_env=False) as client:
        yield client


def _form(html: str) -> str:
    found = re.search(r"<form .*?</form>", html, re.DOTALL)
    assert found, html
    return found.group()


def _inline_script(html: str) -> str:
    found = re.search(r'<script type="text/javascript">(.*?)</script>', html, re.DOTALL)
    assert found, html
    return found.group(1)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_variant_is_a_checkout_page_like_the_vendors_samples(http: httpx.Client, name: str) -> None:
    variant = VARIANTS[name]
    page = http.get(f"/{name}/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert f'<script type="text/javascript" src="{GATEWAY_JQUERY}"></script>' in html
    tokenizer = FOREIGN_CPTOKEN_PATH if name == "foreign-tokenizer" else GATEWAY_CPTOKEN
    assert f'<script type="text/javascript" src="{tokenizer}"></script>' in html
    form = _form(html)
    assert f'<form id="{variant.form_id}" action="/{name}/purchase" method="post">' in form
    assert 'id="tkn"' in form and 'id="purchase"' in form
    assert 'id="error-message"' in html and "window.alert(errMsg)" in html
    assert f'aid: "{AID}"' in html
    if variant.mode == "custom":
        assert all(f'id="{field}"' in form for field in ("cn", "ed_year", "ed_month", "fn", "ln"))
        assert "CPToken.TokenCreate" in html
    else:
        assert 'id="CARD_INPUT_FORM"' in form and 'id="cn"' not in html
        assert "CPToken.CardInfo" in html


def test_the_other_form_page_submits_a_form_that_is_not_mainform(http: httpx.Client) -> None:
    html = http.get("/compliant-custom-otherform/").text
    assert 'id="mainform"' not in html and '$("#checkout-form").submit();' in html


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_page_sends_the_security_headers_unless_its_defect_drops_one(http: httpx.Client, name: str) -> None:
    headers = http.get(f"/{name}/").headers
    for header, value in SECURITY_HEADERS.items():
        if name == "dropped-header" and header == "Content-Security-Policy":
            assert header not in headers
        else:
            assert headers.get(header) == value, header


def test_the_policy_lets_the_page_use_the_gateway_and_nothing_else_foreign() -> None:
    policy = dict(d.strip().split(" ", 1) for d in SECURITY_HEADERS["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == f"'self' 'unsafe-inline' {GATEWAY}"
    assert policy["connect-src"] == f"'self' {GATEWAY}"
    assert policy["frame-src"] == GATEWAY
    assert policy["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("name", sorted(n for n, v in VARIANTS.items() if not v.compliant))
def test_a_broken_page_differs_from_its_twin_by_its_defect_alone(name: str) -> None:
    variant = VARIANTS[name]
    twin = VARIANTS[variant.twin]
    assert twin.compliant and twin.mode == variant.mode
    # Indentation aside: moving statements out of a branch re-indents them without changing them.
    mine = [line.strip() for line in render_page(variant).replace(f"/{name}/", f"/{twin.name}/").splitlines()]
    theirs = [line.strip() for line in render_page(twin).splitlines()]
    changed = [line for line in difflib.unified_diff(theirs, mine, lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    if name == "dropped-header":
        assert changed == [] and variant.dropped_headers == ("content-security-policy",)
    elif name == "webhook-not-idempotent":  # the page is its twin's; the handler behind it is not
        assert changed == [] and (variant.webhook, twin.webhook) == ("not-idempotent", "")
    else:
        assert 1 <= len(changed) <= 3, changed


@pytest.mark.parametrize("name", ["unapproved-script", "dropped-header"])
def test_pages_judged_against_the_twins_baselines_run_the_twins_inline_script(name: str) -> None:
    # Their profiles point at compliant-custom's approved inventory, where inline scripts count by hash.
    assert _inline_script(render_page(VARIANTS[name])) == _inline_script(render_page(VARIANTS["compliant-custom"]))


@pytest.mark.parametrize(("name", "wanted"), [
    ("not-cleared", '$("#ed_year").val("");'),
    ("analytics-leak", 'fetch("/collect"'),
    ("beacon-leak", 'navigator.sendBeacon("/beacon"'),
    ("storage-leak", "localStorage.setItem("),
    ("console-leak", "console.log("),
    ("url-leak", 'history.replaceState(null, "", "?cn="'),
    ("cleared-after-submit", "window.setTimeout(clearCardInputs, 0);"),
])
def test_the_defect_is_in_the_page(name: str, wanted: str) -> None:
    script = _inline_script(render_page(VARIANTS[name]))
    assert wanted in script
    if name == "not-cleared":
        assert '$("#cn").val("");' not in script


def test_the_md_missing_page_leaves_out_md_only() -> None:
    assert 'md: "10"' in render_page(VARIANTS["compliant-custom"])
    broken = render_page(VARIANTS["md-missing"])
    assert "md:" not in broken and 'ln: $("#ln").val()' in broken


def test_the_page_that_ignores_errors_submits_outside_the_success_branch() -> None:
    script = _inline_script(render_page(VARIANTS["submits-on-error"]))
    callback = script[script.index("function execPurchase"):script.index("function clearCardInputs")]
    assert "} else {" not in callback and '$("#mainform").submit();' in callback


def test_collect_and_beacon_record_what_they_were_sent(pages: str, http: httpx.Client) -> None:
    referer = f"{pages}/analytics-leak/"
    body = json.dumps({"cn": CARD})
    assert http.post("/collect", content=body, headers={"referer": referer}).status_code == 204
    assert http.post("/beacon", content="beacon-body", headers={"content-type": "text/plain"}).status_code == 204
    seen = received(pages)
    assert {"body": body, "content_type": "", "referer": referer} in seen["collect"]
    assert any(entry["body"] == "beacon-body" and entry["content_type"] == "text/plain" for entry in seen["beacon"])


def test_a_purchase_is_recorded_and_only_a_token_gets_a_result(pages: str, http: httpx.Client) -> None:
    with_token = http.post("/compliant-popup/purchase", data={"tkn": "abc=="})
    assert with_token.status_code == 200 and '<p id="result-code">Received</p>' in with_token.text
    without = http.post("/submits-on-error/purchase", data={"cn": "", "tkn": ""})
    assert without.status_code == 200 and "result-code" not in without.text
    purchases = received(pages)["purchases"]
    assert {"variant": "compliant-popup", "fields": {"tkn": "abc=="}, "referer": ""} in purchases
    assert {"variant": "submits-on-error", "fields": {"cn": "", "tkn": ""}, "referer": ""} in purchases


def test_unknown_pages_are_not_found(http: httpx.Client) -> None:
    assert http.get("/no-such-variant/").status_code == 404
    assert http.post("/no-such-variant/purchase", data={"tkn": "x"}).status_code == 404


def test_the_foreign_tokenizer_is_the_gateways_script_pinned_to_the_gateway(pages: str, http: httpx.Client) -> None:
    script = http.get(FOREIGN_CPTOKEN_PATH)
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert f'var gatewayOrigin = "{GATEWAY}";' in script.text and "window.CPToken = {" in script.text
    assert "findGatewayOrigin();" not in script.text
    assert http.get(WIDGET_PATH).status_code == 200
    assert {FOREIGN_CPTOKEN_PATH, WIDGET_PATH} <= {entry["path"] for entry in received(pages)["static"]}
