"""POST /gateway/token: every gateway outcome but Success/Cancel (browser only), CORS, scripts, records."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

import catalogue

TOKEN_SHAPE = re.compile(r"[A-Za-z0-9+/]{32}==")
JST = timezone(timedelta(hours=9))
BROWSER_ONLY = {"Success", "Cancel", "ER000"}  # ER000: CPToken.js when the token request fails

Trigger = Callable[[Any, dict[str, Any]], httpx.Response]


def _this_month(months_back: int = 0) -> str:
    now = datetime.now(JST)
    year, month = divmod(now.year * 12 + now.month - 1 - months_back, 12)
    return f"{year % 100:02d}{month + 1:02d}"


def _cvv_shop(calls: Any, account: dict[str, Any]) -> httpx.Response:
    shop = calls.account(security_code=True)
    return calls.token_call(shop)


def _popup_from_elsewhere(calls: Any, account: dict[str, Any]) -> httpx.Response:
    return calls.token_call(account, mode="popup", origin="http://evil.example")


# Each gateway outcome → a list of ways to reach it: several bad inputs for each documented rule.
TRIGGERS: dict[str, list[Trigger]] = {
    "ER050": [
        lambda calls, account: calls.token_call(None),
        lambda calls, account: calls.token_call(None, aid="12345"),
        lambda calls, account: calls.token_call(None, aid="1234567"),
        lambda calls, account: calls.token_call(None, aid="abcdef"),
        lambda calls, account: calls.token_call(None, aid=True),
        lambda calls, account: calls.token_call(None, aid="１２３４５６"),
    ],
    "ER004": [lambda calls, account: calls.token_call(None, aid="012345")],
    "ER002": [
        lambda calls, account: calls.token_call(account, origin_header="http://evil.example"),
        lambda calls, account: calls.token_call(account, mode="popup"),
        _popup_from_elsewhere,
    ],
    "ER055": [
        lambda calls, account: calls.token_call(account, cn=None),
        lambda calls, account: calls.token_call(account, cn="444433332222111"),
        lambda calls, account: calls.token_call(account, cn="4444 3333 2222 1111"),
        lambda calls, account: calls.token_call(account, cn="4" * 10_000),
        lambda calls, account: calls.token_call(account, cn=["4444333322221111"]),
    ],
    "ER014": [
        lambda calls, account: calls.token_call(account, cn=catalogue.outcome("ER014", "gateway").card)
    ],
    "ER015": [
        lambda calls, account: calls.token_call(account, cn=catalogue.outcome("ER015", "gateway").card)
    ],
    "ER056": [
        lambda calls, account: calls.token_call(account, ed=None),
        lambda calls, account: calls.token_call(account, ed="301"),
        lambda calls, account: calls.token_call(account, ed="3013"),
        lambda calls, account: calls.token_call(account, ed="3000"),
        lambda calls, account: calls.token_call(account, ed=_this_month(months_back=1)),
        lambda calls, account: calls.token_call(account, ed=3012),
    ],
    "ER057": [
        lambda calls, account: calls.token_call(account, fn=None),
        lambda calls, account: calls.token_call(account, fn=""),
        lambda calls, account: calls.token_call(account, fn="F" * 51),
        lambda calls, account: calls.token_call(account, fn=7),
    ],
    "ER058": [
        lambda calls, account: calls.token_call(account, ln=None),
        lambda calls, account: calls.token_call(account, ln="L" * 10_000),
    ],
    "ER079": [
        _cvv_shop,
        lambda calls, account: calls.token_call(calls.account(security_code=True), cvv="12"),
        lambda calls, account: calls.token_call(calls.account(security_code=True), cvv="12345"),
        lambda calls, account: calls.token_call(calls.account(security_code=True), cvv="abc"),
    ],
    "ER064": [
        lambda calls, account: calls.token_call(account, md=None),
        lambda calls, account: calls.token_call(account, md="61"),
        lambda calls, account: calls.token_call(account, md=""),
    ],
}
CASES = [
    (entry, index)
    for entry in catalogue.gateway_outcomes()
    if entry.id not in BROWSER_ONLY
    for index in range(len(TRIGGERS.get(entry.id, [None])))
]


@pytest.mark.parametrize(("entry", "index"), CASES, ids=[f"{entry.id}-{index}" for entry, index in CASES])
def test_every_gateway_outcome_is_reachable(
    calls: Any, account: dict[str, Any], entry: catalogue.Outcome, index: int
) -> None:
    if entry.id not in TRIGGERS:
        pytest.fail(
            f"gateway outcome {entry.id} has no trigger in this test: add one here (and to the sandbox)."
        )
    response = TRIGGERS[entry.id][index](calls, account)
    assert response.status_code == 200
    assert response.json() == {"resultCode": entry.id, "errMsg": entry.message}


def test_checks_run_in_the_documented_order(calls: Any, account: dict[str, Any]) -> None:
    everything_wrong = {"cn": "1", "ed": "1", "fn": "", "ln": "", "md": "99"}
    steps = ["ER055", "ER056", "ER057", "ER058", "ER064"]
    fixes = {
        "ER055": ("cn", calls.test_card),
        "ER056": ("ed", calls.valid_expiry),
        "ER057": ("fn", "A"),
        "ER058": ("ln", "B"),
        "ER064": ("md", "10"),
    }
    assert (
        calls.token_call(account, origin_header="http://evil.example", **everything_wrong).json()[
            "resultCode"
        ]
        == "ER002"
    )
    for step in steps:
        assert calls.token_call(account, **everything_wrong).json()["resultCode"] == step
        name, good = fixes[step]
        everything_wrong[name] = good
    assert calls.token_call(account, **everything_wrong).json()["resultCode"] == "Success"


def test_success_gives_a_base64_token_and_cors_headers(calls: Any, account: dict[str, Any]) -> None:
    response = calls.token_call(account)
    answer = response.json()
    assert (answer["resultCode"], answer["errMsg"]) == ("Success", "")
    assert TOKEN_SHAPE.fullmatch(answer["token"])
    assert response.headers["access-control-allow-origin"] == calls.server.merchant_url
    assert response.headers["vary"] == "Origin"


def test_popup_mode_takes_the_origin_field_not_the_header(calls: Any, account: dict[str, Any]) -> None:
    # The card form is on the gateway's origin; the merchant's origin comes in the body.
    response = calls.token_call(
        account, mode="popup", origin_header=calls.server.gateway_url, origin=calls.server.merchant_url
    )
    assert response.json()["resultCode"] == "Success"


def test_this_month_is_a_valid_expiry_until_the_shop_clock_moves_on(
    calls: Any, account: dict[str, Any]
) -> None:
    assert calls.token_call(account, ed=_this_month()).json()["resultCode"] == "Success"
    calls.control("clock", {"advance_seconds": 40 * 24 * 3600, "aid": account["aid"]})
    assert calls.token_call(account, ed=_this_month()).json()["resultCode"] == "ER056"


def test_a_cvv_is_ignored_by_a_shop_without_the_option(calls: Any, account: dict[str, Any]) -> None:
    assert calls.token_call(account, cvv="not digits").json()["resultCode"] == "Success"


@pytest.mark.parametrize("cvv", ["123", "1234", 123])
def test_a_shop_with_the_option_takes_3_or_4_digits(calls: Any, cvv: Any) -> None:
    assert calls.token_call(calls.account(security_code=True), cvv=cvv).json()["resultCode"] == "Success"


def test_md_may_be_left_out_only_for_a_shop_with_md_optional(calls: Any) -> None:
    shop = calls.account(md_optional=True)
    assert calls.token_call(shop, md=None).json()["resultCode"] == "Success"
    assert calls.token_call(shop, md="61").json()["resultCode"] == "ER064"


def test_a_body_that_is_not_json_has_no_aid(calls: Any) -> None:
    response = calls.http.post(
        "/gateway/token", content=b"cn=4444333322221111", headers={"Origin": "http://x.test"}
    )
    assert response.json()["resultCode"] == "ER050"
    assert response.headers["access-control-allow-origin"] == "http://x.test"


def test_a_body_of_9_mb_answers_413(calls: Any) -> None:
    response = calls.http.post("/gateway/token", content=b" " * (9 * 1024 * 1024))
    assert (response.status_code, response.content) == (413, b"")


def test_the_preflight_answers_with_cors_headers(calls: Any) -> None:
    response = calls.http.options(
        "/gateway/token",
        headers={
            "Origin": "http://shop.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "http://shop.example"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert response.headers["access-control-allow-headers"] == "content-type"
    assert response.headers["vary"] == "Origin"


def test_a_primed_code_answers_the_next_token_call_of_that_shop_only(
    calls: Any, account: dict[str, Any]
) -> None:
    other = calls.account()
    calls.control("prime", {"endpoint": "token", "code": "ER079", "user_id": account["user_id"]})
    assert calls.token_call(other).json()["resultCode"] == "Success"
    assert calls.token_call(account).json() == {
        "resultCode": "ER079",
        "errMsg": catalogue.outcome("ER079", "gateway").message,
    }
    assert calls.token_call(account).json()["resultCode"] == "Success"


def test_faults_on_the_token_endpoint(calls: Any, account: dict[str, Any]) -> None:
    calls.control("faults", {"endpoint": "token", "kind": "http500", "aid": account["aid"]})
    failed = calls.token_call(account)
    assert failed.status_code == 500
    assert failed.headers["access-control-allow-origin"] == calls.server.merchant_url
    calls.control("faults", {"endpoint": "token", "kind": "drop", "aid": account["aid"]})
    with pytest.raises(httpx.RemoteProtocolError):
        calls.token_call(account)
    assert calls.token_call(account).json()["resultCode"] == "Success"
    results = [
        call["result"]
        for call in calls.http.get("/_sandbox/token-calls", params={"aid": account["aid"]}).json()["calls"]
    ]
    assert results == ["HTTP500", "DROP", "Success"]


def test_token_calls_record_presence_and_validity_never_values(calls: Any, account: dict[str, Any]) -> None:
    calls.token_call(account, ed="0101", cvv="999", nickname="secret-ish")
    recorded = calls.http.get("/_sandbox/token-calls", params={"aid": account["aid"]}).json()["calls"]
    assert len(recorded) == 1
    call = recorded[0]
    assert (call["mode"], call["aid"], call["origin"], call["result"]) == (
        "custom",
        account["aid"],
        calls.server.merchant_url,
        "ER056",
    )
    assert call["params"]["cn"] == {"present": True, "valid": True}
    assert call["params"]["ed"] == {"present": True, "valid": False}
    assert call["params"]["cvv"] == {"present": True, "valid": True}
    assert call["params"]["nickname"] == {"present": True, "valid": False}
    text = json.dumps(recorded)
    assert calls.test_card not in text and "1111" not in text and "999" not in text and "YAMADA" not in text


def test_the_scripts_are_served(calls: Any) -> None:
    for path in ("/gateway/js/jquery.js", "/gateway/js/CPToken.js"):
        response = calls.http.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("application/javascript")
    assert "jQuery" in calls.http.get("/gateway/js/jquery.js").text
    assert "CPToken" in calls.http.get("/gateway/js/CPToken.js").text


def test_the_card_form_has_a_cvv_input_only_for_shops_with_the_option(
    calls: Any, account: dict[str, Any]
) -> None:
    with_option = calls.account(security_code=True)
    plain = calls.http.get("/gateway/card_form", params={"aid": account["aid"]})
    assert plain.status_code == 200 and plain.headers["content-type"].startswith("text/html")
    assert 'id="cvv"' not in plain.text and 'id="cn"' in plain.text
    assert 'id="cvv"' in calls.http.get("/gateway/card_form", params={"aid": with_option["aid"]}).text
