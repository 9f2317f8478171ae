"""The reference merchant's 3-D Secure checkouts: the current spec's samples and what the server sends."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

EMAIL = "holder@sandbox.example"


@pytest.fixture(scope="module")
def merchant(sandbox_server: Any) -> Any:
    with httpx.Client(base_url=sandbox_server.merchant_url, timeout=20) as client:
        yield client


def checkout_body(account: dict[str, Any], billing: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "user_id": account["user_id"],
        "access_key": account["access_key"],
        "aid": account["aid"],
        "billing_code": billing["billing_code"],
        "payment_method_number": billing["number"],
        **extra,
    }


@pytest.mark.parametrize("mode", ["popup", "custom"])
def test_a_three_d_secure_checkout_serves_the_current_samples(
    merchant: httpx.Client, calls: Any, account: dict[str, Any], billing: dict[str, Any], mode: str
) -> None:
    body = checkout_body(account, billing, three_d_secure=True, email=EMAIL, tel="03-0000-0000")
    checkout = merchant.post("/_merchant/checkouts", json=body).json()
    page = merchant.get(checkout[f"{mode}_url"]).text
    assert f'src="{calls.server.gateway_url}/gateway/js/EMV3DSAdapter.js"' in page
    assert '<div id="EMV3DS_INPUT_FORM"></div>' in page
    assert "ThreeDSAdapter.authenticate({" in page and "}, execAuth)" in page
    assert "am: 0," in page and "tx: 0," in page and 'sf: 0,\n                    em: "holder@sandbox.example"' in page
    assert 'pn: "0300000000"' in page
    assert ('id="CARD_INPUT_FORM"' in page) == (mode == "popup")


def test_the_seed_checkout_keeps_the_seed_pages(
    merchant: httpx.Client, account: dict[str, Any], billing: dict[str, Any]
) -> None:
    checkout = merchant.post("/_merchant/checkouts", json=checkout_body(account, billing)).json()
    for mode in ("popup", "custom"):
        page = merchant.get(checkout[f"{mode}_url"]).text
        assert "EMV3DSAdapter" not in page and "execAuth" not in page


def test_a_contact_left_out_is_not_passed(
    merchant: httpx.Client, account: dict[str, Any], billing: dict[str, Any]
) -> None:
    body = checkout_body(account, billing, three_d_secure=True, email=EMAIL, md=None)
    page = merchant.get(merchant.post("/_merchant/checkouts", json=body).json()["custom_url"]).text
    assert "em:" in page and "pn:" not in page and "md:" not in page


def test_the_purchase_sends_email_and_tel_to_credit_card_token(
    merchant: httpx.Client, calls: Any, account: dict[str, Any]
) -> None:
    billing = calls.billing_with_contact(account)
    body = checkout_body(account, billing, three_d_secure=True, email=EMAIL, tel="03-0000-0000")
    checkout = merchant.post("/_merchant/checkouts", json=body).json()
    merchant.post(f"/checkout/{checkout['id']}/purchase", data={"tkn": calls.token(account)})
    journal = calls.http.get(
        "/_sandbox/journal", params={"user_id": account["user_id"], "endpoint": "credit_card_token"}
    ).json()
    (entry,) = journal["entries"]
    assert (entry["request"]["email"], entry["request"]["tel"]) == (EMAIL, "0300000000")
    assert entry["response"] == {"error": None}


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ({"three_d_secure": "yes"}, "'three_d_secure' must be true or false."),
        ({"three_d_secure": True}, "needs the billing individual's 'email' or 'tel'"),
        ({"three_d_secure": True, "email": 5}, "'email' must be"),
        ({"three_d_secure": True, "tel": "1" * 101}, "'tel' must be"),
    ],
)
def test_a_bad_three_d_secure_checkout_is_refused_in_one_sentence(
    merchant: httpx.Client, account: dict[str, Any], billing: dict[str, Any], extra: dict[str, Any], says: str
) -> None:
    response = merchant.post("/_merchant/checkouts", json=checkout_body(account, billing, **extra))
    assert response.status_code == 400
    assert says in response.json()["error"]
