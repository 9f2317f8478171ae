"""The reference merchant's server side: checkouts, pages, the purchase that registers, the evidence."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sandbox.server import MerchantServer

REAL_GATEWAY = "https://credit.j-payment.co.jp"


@pytest.fixture(scope="module")
def merchant(sandbox_server: Any) -> Iterator[httpx.Client]:
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


def create_checkout(merchant: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    response = merchant.post("/_merchant/checkouts", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def shown_result(page: httpx.Response) -> tuple[str, str]:
    assert page.status_code == 200
    code = re.search(r'id="result-code">([^<]*)<', page.text)
    message = re.search(r'id="result-message">([^<]*)<', page.text)
    assert code and message, page.text
    return code.group(1), message.group(1)


def test_a_checkout_has_a_page_in_each_mode(
    merchant: httpx.Client, calls: Any, account: dict[str, Any], billing: dict[str, Any]
) -> None:
    checkout = create_checkout(merchant, checkout_body(account, billing, security_code=True, md="10"))
    assert checkout["popup_url"] == f"{calls.server.merchant_url}/checkout/{checkout['id']}/popup"
    for mode in ("popup", "custom"):
        page = merchant.get(checkout[f"{mode}_url"])
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert f'src="{calls.server.gateway_url}/gateway/js/CPToken.js"' in page.text
        assert f'action="/checkout/{checkout["id"]}/purchase"' in page.text
    assert 'id="cvv"' in merchant.get(checkout["custom_url"]).text
    assert 'id="CARD_INPUT_FORM"' in merchant.get(checkout["popup_url"]).text


@pytest.mark.parametrize(("md", "passed"), [("10", 'md: "10"'), ("61", 'md: "61"'), (None, None)])
def test_the_custom_page_passes_the_checkout_md(
    merchant: httpx.Client,
    account: dict[str, Any],
    billing: dict[str, Any],
    md: str | None,
    passed: str | None,
) -> None:
    checkout = create_checkout(merchant, checkout_body(account, billing, md=md))
    page = merchant.get(checkout["custom_url"]).text
    if passed is None:
        assert "md:" not in page
    else:
        assert passed in page


def test_a_purchase_registers_the_token_and_keeps_the_evidence(
    merchant: httpx.Client, calls: Any, account: dict[str, Any], billing: dict[str, Any]
) -> None:
    checkout = create_checkout(merchant, checkout_body(account, billing))
    token = calls.token(account)
    page = merchant.post(f"/checkout/{checkout['id']}/purchase", data={"tkn": token})
    assert shown_result(page) == ("Success", "カードを登録しました")
    received = merchant.get(f"/_merchant/checkouts/{checkout['id']}/received").json()
    assert received == {
        "submissions": [
            {"fields": {"tkn": token}, "registration": {"status": 200, "body": {"error": None}}},
        ]
    }
    again = merchant.post(f"/checkout/{checkout['id']}/purchase", data={"tkn": token})
    assert shown_result(again) == ("ER584", "Credit card payment error.")


def test_every_field_posted_is_evidence(
    merchant: httpx.Client, calls: Any, account: dict[str, Any], billing: dict[str, Any]
) -> None:
    checkout = create_checkout(merchant, checkout_body(account, billing))
    token = calls.token(account)
    merchant.post(
        f"/checkout/{checkout['id']}/purchase",
        content=f"cn={calls.test_card}&ed_year=30&tkn={token.replace('+', '%2B')}&x=1&x=2".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    (submission,) = merchant.get(f"/_merchant/checkouts/{checkout['id']}/received").json()["submissions"]
    assert submission["fields"] == {"cn": calls.test_card, "ed_year": "30", "tkn": token, "x": ["1", "2"]}


def test_a_purchase_without_a_token_registers_nothing(
    merchant: httpx.Client, account: dict[str, Any], billing: dict[str, Any]
) -> None:
    checkout = create_checkout(merchant, checkout_body(account, billing))
    code, _ = shown_result(merchant.post(f"/checkout/{checkout['id']}/purchase", data={"tkn": ""}))
    assert code == "NoToken"
    (submission,) = merchant.get(f"/_merchant/checkouts/{checkout['id']}/received").json()["submissions"]
    assert submission == {"fields": {"tkn": ""}, "registration": None}


def test_a_checkout_by_payment_method_code(
    merchant: httpx.Client, calls: Any, account: dict[str, Any], billing: dict[str, Any]
) -> None:
    body = checkout_body(account, billing, payment_method_number=None, payment_method_code=billing["code"])
    checkout = create_checkout(merchant, body)
    page = merchant.post(f"/checkout/{checkout['id']}/purchase", data={"tkn": calls.token(account)})
    assert shown_result(page)[0] == "Success"


def test_an_api_answer_without_json_is_shown_by_status(
    merchant: httpx.Client, calls: Any, account: dict[str, Any], billing: dict[str, Any]
) -> None:
    checkout = create_checkout(merchant, checkout_body(account, billing))
    calls.control(
        "prime", {"endpoint": "credit_card_token", "code": "HTTP429", "user_id": account["user_id"]}
    )
    page = merchant.post(f"/checkout/{checkout['id']}/purchase", data={"tkn": calls.token(account)})
    assert shown_result(page)[0] == "HTTP429"


@pytest.mark.parametrize(
    "body",
    [
        [],
        {},
        {"user_id": "a@b.example", "access_key": "k", "aid": "123456"},
        {"user_id": "a@b.example", "access_key": "k", "aid": "123456", "billing_code": "B"},
        {
            "user_id": "a@b.example",
            "access_key": "k",
            "aid": "123456",
            "billing_code": "B",
            "payment_method_number": 1,
            "payment_method_code": "C",
        },
        {
            "user_id": "a@b.example",
            "access_key": "k",
            "aid": "123456",
            "billing_code": "B",
            "payment_method_number": "x",
        },
        {
            "user_id": "a@b.example",
            "access_key": "k",
            "aid": "123456",
            "billing_code": "B",
            "payment_method_number": 1,
            "security_code": "yes",
        },
        {
            "user_id": "a@b.example",
            "access_key": "k",
            "aid": "123456",
            "billing_code": "B",
            "payment_method_number": 1,
            "colour": "blue",
        },
    ],
)
def test_a_bad_checkout_body_is_refused_in_one_sentence(merchant: httpx.Client, body: Any) -> None:
    response = merchant.post("/_merchant/checkouts", json=body)
    assert response.status_code == 400
    assert response.json()["error"].endswith(".")


@pytest.mark.parametrize(
    "path", ["/checkout/nope/popup", "/checkout/nope/custom", "/_merchant/checkouts/nope/received"]
)
def test_an_unknown_checkout_is_404(merchant: httpx.Client, path: str) -> None:
    assert merchant.get(path).status_code == 404
    assert merchant.post("/checkout/nope/purchase", data={"tkn": "x"}).status_code == 404


def test_the_merchant_alone_uses_the_gateway_and_api_it_is_given(
    calls: Any, account: dict[str, Any], billing: dict[str, Any]
) -> None:
    with (
        MerchantServer(api_base=calls.server.gateway_url, gateway_base=REAL_GATEWAY) as alone,
        httpx.Client(base_url=alone.url, timeout=20) as client,
    ):
        checkout = create_checkout(client, checkout_body(account, billing))
        assert checkout["custom_url"].startswith(alone.url)
        page = client.get(checkout["custom_url"]).text
        assert f'src="{REAL_GATEWAY}/gateway/js/jquery.js"' in page
        result = client.post(f"/checkout/{checkout['id']}/purchase", data={"tkn": calls.token(account)})
        assert shown_result(result)[0] == "Success"


def test_an_unreachable_api_is_shown_as_a_network_error(
    account: dict[str, Any], billing: dict[str, Any]
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{closed.getsockname()[1]}"
    with (
        MerchantServer(api_base=nowhere, gateway_base=nowhere) as alone,
        httpx.Client(base_url=alone.url, timeout=20) as client,
    ):
        checkout = create_checkout(client, checkout_body(account, billing))
        result = client.post(f"/checkout/{checkout['id']}/purchase", data={"tkn": "QUFB=="})
        assert shown_result(result)[0] == "NetworkError"
        (submission,) = client.get(f"/_merchant/checkouts/{checkout['id']}/received").json()["submissions"]
        assert submission["registration"]["status"] is None
