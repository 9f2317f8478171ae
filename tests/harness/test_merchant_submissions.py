"""What counts as a submission for the merchant engine: any call to the merchant that carries the issued token."""

from __future__ import annotations

import json
from urllib.parse import quote, quote_plus

from harness.core.submission_probe import SubmissionProbe

GATEWAY = "https://credit.j-payment.co.jp"
TOKEN = "aB3+/x9Zq=="


def probe_with(*messages: dict) -> SubmissionProbe:
    probe = SubmissionProbe(("#cn",))
    for message in messages:
        probe._on_snapshot({}, json.dumps(message))
    return probe


def call(target: str, body: str = "", how: str = "fetch") -> dict:
    return {"call": True, "id": "x", "how": how, "url": "https://shop.example/pay", "method": "POST",
            "target": target, "body": body, "inputs": [{"selector": "#cn", "value": ""}]}


def test_the_token_the_gateway_issued_is_read_from_its_answer_only() -> None:
    probe = probe_with({"answer": True, "resultCode": "Success", "token": TOKEN, "target": f"{GATEWAY}/gateway/token"},
                       {"answer": True, "resultCode": "Success", "token": "elsewhere", "target": "https://x.example/t"})
    assert probe.issued_tokens(GATEWAY) == [TOKEN]
    assert probe.snapshots == [] and len(probe.answers) == 2


def test_a_call_to_the_merchant_carrying_the_token_however_encoded_is_a_submission() -> None:
    carrying = [call("https://shop.example/api", json.dumps({"token": TOKEN})),
                call("https://shop.example/api", "token=" + quote_plus(TOKEN), how="XMLHttpRequest"),
                call("https://shop.example/done?tkn=" + quote(TOKEN, safe=""), how="navigation"),
                call("https://shop.example/beacon", TOKEN, how="navigator.sendBeacon")]
    others = [call("https://shop.example/collect", '{"event": "click"}'),
              call(f"{GATEWAY}/gateway/token", json.dumps({"token": TOKEN}))]
    probe = probe_with(*carrying, *others)
    assert probe.calls_carrying([TOKEN], GATEWAY) == carrying
    assert probe.calls_carrying([], GATEWAY) == []
    assert probe.snapshots == []  # the acceptance suites' form snapshots are untouched
