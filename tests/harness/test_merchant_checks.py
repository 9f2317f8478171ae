"""Each merchant check passes on compliant observations and fails, naming the fix, on violations."""

from __future__ import annotations

from pathlib import Path

from harness.core.submission_probe import SentRequest
from harness.merchant import checks
from harness.merchant.script_inventory import ScriptRecord

CARD = "4444333322221111"
GATEWAY = "https://credit.j-payment.co.jp"


def request(url: str, body: str | None = None, method: str = "POST") -> SentRequest:
    return SentRequest(url, method, {}, body, "fetch", False)


def leaks(**kwargs: object) -> checks.CheckResult:
    observed = {"requests": [], "gateway_origin": GATEWAY, "console": [], "socket_frames": [], "cookies": [],
                "storage": {}, "urls": [], "cards": (CARD,), "security_codes": ("123",)}
    observed.update(kwargs)
    return checks.no_card_data_leaves(**observed)


def test_inputs_cleared_names_the_input_that_still_held_data() -> None:
    clean = {"how": "submit event", "inputs": [{"selector": "#cn", "value": ""}]}
    dirty = {"how": "form.submit()", "inputs": [{"selector": "#cn", "value": CARD}]}
    assert checks.inputs_cleared([clean]).status == "pass"
    result = checks.inputs_cleared([clean, dirty])
    assert result.status == "fail" and "#cn" in result.messages[0] and CARD not in result.messages[0]
    unseen = checks.inputs_cleared([], inconclusive="the purchase never submitted.", evidence=["page error: x"])
    assert unseen.status == "error" and unseen.responsible != "merchant page"
    assert unseen.messages == ["the purchase never submitted."] and unseen.evidence == ["page error: x"]


def test_card_data_to_the_gateway_is_fine_anywhere_else_it_is_exposed() -> None:
    assert leaks(requests=[request(f"{GATEWAY}/gateway/token", f'{{"cn":"{CARD}"}}')]).status == "pass"
    result = leaks(requests=[request("http://shop.example/collect", f"cn={CARD}")])
    assert result.status == "fail" and "/collect" in " ".join(result.messages)


def test_every_channel_is_searched() -> None:
    assert "console" in " ".join(leaks(console=[f"log: card {CARD}"]).messages)
    assert "localStorage" in " ".join(leaks(storage={"localStorage of http://shop": {"c": CARD}}).messages)
    assert leaks(urls=[f"http://shop/pay?cn={CARD}"]).status == "fail"
    assert leaks(cookies=[{"name": "c", "value": CARD, "domain": "shop"}]).status == "fail"
    assert leaks(socket_frames=[("ws://shop/s", CARD)]).status == "fail"


def test_truncated_card_data_is_a_finding_not_a_failure() -> None:
    result = leaks(storage={"localStorage of http://shop": {"last4": "card ****1111"}})
    assert result.status in ("finding", "pass")
    assert result.status != "fail"


def test_errors_handled_fails_on_a_submission_or_a_silent_page() -> None:
    assert checks.errors_handled("ER055", "m", True, "m", 0).status == "pass"
    assert "submitted" in checks.errors_handled("ER055", "m", True, "m", 1).messages[0]
    assert checks.errors_handled("ER055", "m", False, "", 0).status == "fail"


def test_tokenizer_must_come_from_the_gateway() -> None:
    assert checks.tokenizer_origin([f"{GATEWAY}/gateway/js/CPToken.js"], GATEWAY).status == "pass"
    result = checks.tokenizer_origin(["http://127.0.0.1:9/static/CPToken.js"], GATEWAY)
    assert result.status == "fail" and "http://127.0.0.1:9" in result.messages[0]
    assert checks.tokenizer_origin([], GATEWAY).status == "fail"


def test_inventory_and_headers_are_skipped_without_a_baseline(tmp_path: Path) -> None:
    record = ScriptRecord(url=None, origin="http://shop", sha256="0" * 64, kind="inline", frame_url="http://shop/")
    assert checks.script_inventory_check([record], None, tmp_path / "p.toml").status == "skipped"
    assert checks.security_headers_check({}, None, tmp_path / "p.toml").status == "skipped"


def test_tokencreate_parameters_reports_a_missing_md() -> None:
    params = {name: {"present": True, "valid": True} for name in ("aid", "cn", "ed", "fn", "ln")}
    missing_md = checks.tokencreate_parameters([{"mode": "custom", "params": params}], "custom", False)
    assert missing_md.status == "finding" and "md" in missing_md.messages[0] and "必須" in missing_md.messages[0]
    missing_ln = {**params, "md": {"present": True, "valid": True}, "ln": {"present": False}}
    assert checks.tokencreate_parameters([{"mode": "custom", "params": missing_ln}], "custom", False).status == "fail"
    complete = {**params, "md": {"present": True, "valid": True}}
    assert checks.tokencreate_parameters([{"mode": "custom", "params": complete}], "custom", False).status == "pass"
    assert checks.tokencreate_parameters([], "custom", False).status == "fail"
    never = checks.tokencreate_parameters([], "custom", False, inconclusive="the page threw before the purchase.")
    assert never.status == "error"


def test_an_approved_script_no_longer_on_the_page_is_a_note_not_a_crash(tmp_path: Path) -> None:
    inventory = tmp_path / "p.scripts.toml"
    inventory.write_text('[[script]]\norigin = "http://shop"\nurl = "http://shop/gone.js"\nsha256 = "' + "1" * 64
                         + '"\njustification = "the old widget"\n', encoding="utf-8")
    result = checks.script_inventory_check([], inventory, tmp_path / "p.toml")
    assert result.status == "finding"
    assert "http://shop/gone.js" in result.messages[0]
