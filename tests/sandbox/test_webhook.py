"""The credit_status_issue webhook: registered through the control API, sent on card-registration changes."""

from __future__ import annotations

import time
from typing import Any

import httpx

EVENT_FIELDS = {
    "BillingRoboSignaturekey", "org", "id", "event_name", "regist_time", "notification_time", "billing_source_id",
    "event_detail",
}
DETAIL_FIELDS = {
    "billing_id", "billing_code", "payment_number", "payment_code", "payment_status", "credit_status",
    "credit_error_code", "credit_update_time",
}


def register_webhook(calls: Any, account: dict[str, Any], **options: Any) -> dict[str, Any]:
    url = calls.server.merchant_url + "/_merchant/webhooks/credit_status"
    return calls.control("webhooks", {"user_id": account["user_id"], "url": url, "retry_seconds": 0, **options})


def deliveries(calls: Any, account: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """The user's deliveries once there are `count` of them (they are sent in the background)."""
    deadline = time.monotonic() + 10
    while True:
        found = calls.http.get("/_sandbox/webhooks/deliveries", params={"user_id": account["user_id"]}).json()[
            "deliveries"
        ]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def merchant_events(calls: Any, hook: dict[str, Any]) -> list[dict[str, Any]]:
    events = httpx.get(calls.server.merchant_url + "/_merchant/webhooks").json()["events"]
    return [e for e in events if e["payload"]["BillingRoboSignaturekey"] == hook["signature_key"]]


def test_a_completed_registration_is_notified_with_the_documented_payload(
    calls: Any, account: dict[str, Any], billing: dict[str, Any], expect_outcome: Any
) -> None:
    hook = register_webhook(calls, account)
    assert hook["signature_key"].startswith("$2y$10$") and hook["max_attempts"] == 3
    expect_outcome(calls.register(account, billing, calls.token(account)), "SUCCESS")
    (delivery,) = deliveries(calls, account, 1)
    event = delivery["payload"]
    assert set(event) == EVENT_FIELDS and set(event["event_detail"]) == DETAIL_FIELDS
    assert (event["org"], event["event_name"], event["BillingRoboSignaturekey"]) == (
        "BillingRobo_RobotPayment", "credit_status_issue", hook["signature_key"],
    )
    detail = event["event_detail"]
    assert (detail["billing_id"], detail["billing_code"], detail["payment_number"], detail["payment_code"]) == (
        None, billing["billing_code"], str(billing["number"]), billing["code"],
    )
    assert (detail["payment_status"], detail["credit_status"], detail["credit_error_code"]) == ("5", "2", None)
    assert (delivery["attempt"], delivery["status"]) == (1, 200)
    (received,) = merchant_events(calls, hook)
    assert received["payload"] == event


def test_a_declined_card_is_notified_as_an_error_with_its_code(
    calls: Any, account: dict[str, Any], billing: dict[str, Any], expect_outcome: Any
) -> None:
    register_webhook(calls, account)
    expect_outcome(calls.register(account, billing, calls.token(account, cn="4000000000001240")), "G1242G120000")
    (delivery,) = deliveries(calls, account, 1)
    detail = delivery["payload"]["event_detail"]
    assert (detail["payment_status"], detail["credit_status"], detail["credit_error_code"]) == (
        "1", "3", "G1242G120000",
    )


def test_no_webhook_for_a_token_the_payment_system_never_checked(
    calls: Any, account: dict[str, Any], billing: dict[str, Any], expect_outcome: Any
) -> None:
    register_webhook(calls, account)
    expect_outcome(calls.register(account, billing, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY=="), "ER584")
    calls.control("webhooks/send", {"user_id": account["user_id"], "billing_code": billing["billing_code"],
                                    "payment_method_number": billing["number"]})
    # Only the event sent on demand is there.
    assert [d["payload"]["event_detail"]["credit_status"] for d in deliveries(calls, account, 1)] == ["0"]


def test_a_card_payment_method_made_by_bulk_upsert_is_notified(calls: Any, account: dict[str, Any]) -> None:
    register_webhook(calls, account)
    individual = {"name": "経理部", "address1": "山田", "zip_code": "1651111", "pref": "東京都",
                  "city_address": "渋谷区", "email": "k@example.com", "tel": "0312345678"}
    payment = {"code": "CARD-1", "name": "カード", "payment_method": 1}
    body = {"user_id": account["user_id"], "access_key": account["access_key"],
            "billing": [{"code": "C1", "name": "株式会社", "individual": [individual], "payment": [payment]}]}
    assert calls.api("billing/bulk_upsert", body).json()["billing"][0]["error_code"] is None
    (delivery,) = deliveries(calls, account, 1)
    detail = delivery["payload"]["event_detail"]
    assert (detail["billing_code"], detail["payment_code"], detail["payment_status"], detail["credit_status"]) == (
        "C1", "CARD-1", "1", "0",
    )


def test_a_failed_delivery_is_retried_and_each_attempt_recorded(
    calls: Any, account: dict[str, Any], billing: dict[str, Any]
) -> None:
    hook = register_webhook(calls, account, max_attempts=3)
    httpx.post(calls.server.merchant_url + "/_merchant/webhooks/fail", json={"count": 1}).raise_for_status()
    sent = calls.control("webhooks/send", {"user_id": account["user_id"], "billing_code": billing["billing_code"],
                                           "payment_method_code": billing["code"], "credit_status": 3,
                                           "credit_error_code": "G5542G550000"})
    assert [(d["attempt"], d["status"]) for d in sent["deliveries"]] == [(1, 500), (2, 200)]
    assert {d["payload"]["id"] for d in sent["deliveries"]} == {sent["event"]["id"]}
    (received,) = merchant_events(calls, hook)
    assert received["payload"]["event_detail"]["credit_error_code"] == "G5542G550000"


def test_delivery_stops_after_the_last_attempt(calls: Any, account: dict[str, Any], billing: dict[str, Any]) -> None:
    calls.control("webhooks", {"user_id": account["user_id"], "url": "http://127.0.0.1:9/closed",
                               "max_attempts": 2, "retry_seconds": 0})
    sent = calls.control("webhooks/send", {"user_id": account["user_id"], "billing_code": billing["billing_code"],
                                           "payment_method_number": billing["number"]})
    assert [(d["attempt"], d["status"], bool(d["error"])) for d in sent["deliveries"]] == [
        (1, None, True), (2, None, True),
    ]


def test_the_merchant_answers_a_repeated_delivery_once(calls: Any, account: dict[str, Any]) -> None:
    event = {"BillingRoboSignaturekey": f"key-{account['user_id']}", "id": "1", "event_name": "credit_status_issue",
             "event_detail": {}}
    url = calls.server.merchant_url + "/_merchant/webhooks/credit_status"
    first, again = httpx.post(url, json=event), httpx.post(url, json=event)
    assert (first.status_code, first.json()["duplicate"]) == (200, False)
    assert (again.status_code, again.json()["duplicate"]) == (200, True)
    (received,) = merchant_events(calls, {"signature_key": event["BillingRoboSignaturekey"]})
    assert received["deliveries"] == 2


def test_bad_webhook_settings_are_refused_with_a_sentence(calls: Any, account: dict[str, Any]) -> None:
    for body, message in (
        ({"user_id": account["user_id"], "url": "ftp://x"}, "'url' must be an absolute http:// or https:// URL."),
        ({"user_id": account["user_id"], "url": "http://x.test", "max_attempts": 0},
         "'max_attempts' must be an integer from 1 to 10."),
    ):
        response = calls.http.post("/_sandbox/webhooks", json=body)
        assert (response.status_code, response.json()["error"]) == (400, message)
    response = calls.http.post("/_sandbox/webhooks/send", json={"user_id": account["user_id"], "billing_code": "X"})
    assert response.status_code == 400
