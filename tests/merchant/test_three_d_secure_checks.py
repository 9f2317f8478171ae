"""The 3-D Secure, referrer-policy and profile rules of the merchant checks, judged on plain data."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.merchant.profile import ProfileError, load_profile
from harness.merchant.referrer_policy import ReferrerPolicies, referrer_policy_check
from harness.merchant.three_d_secure import (
    AuthenticateCall,
    authenticate_parameters,
    no_submission_when_authentication_fails,
    three_d_secure_check,
)

TOKEN = "RyQhC2kDsrNYTS0H/Sc34wb6wXYkX0wd=="
AID = "246810"
GATEWAY = "https://credit.j-payment.co.jp"
GOOD = {"tkn": TOKEN, "aid": AID, "am": 0, "tx": 0, "sf": 0, "em": "holder@shop.example", "pn": "0300000000"}


def call(answered_at: float | None = 2.0, result: str = "Success", **changes: object) -> AuthenticateCall:
    params = {**GOOD, **changes}
    return AuthenticateCall({k: v for k, v in params.items() if v is not None}, 1.0, result, False, answered_at)


def test_a_submission_after_a_successful_authentication_of_the_token_passes() -> None:
    assert three_d_secure_check(True, [call()], TOKEN, [3.0]).status == "pass"


@pytest.mark.parametrize(("calls", "submitted_at", "why"), [
    ([], 3.0, "never called"),
    ([call(tkn="another-token")], 3.0, "another tkn"),
    ([call(result="ER001")], 3.0, "ER001, not Success"),
    ([call(answered_at=4.0)], 3.0, "before authenticate had answered"),
])
def test_a_submission_without_a_successful_authentication_fails_naming_the_merchant_page(
        calls: list[AuthenticateCall], submitted_at: float, why: str) -> None:
    result = three_d_secure_check(True, calls, TOKEN, [submitted_at])
    assert (result.status, result.responsible) == ("fail", "merchant page")
    assert why in result.messages[0]


def test_a_page_that_is_not_a_3ds_page_is_skipped_and_one_that_submitted_nothing_is_inconclusive() -> None:
    assert three_d_secure_check(False, [], TOKEN, [3.0]).status == "skipped"
    assert three_d_secure_check(True, [call()], TOKEN, []).status == "error"


def test_submitting_after_authenticate_failed_fails_and_not_submitting_passes() -> None:
    assert no_submission_when_authentication_fails(True, "ER000", [call(result="HTTP 500")], 1).status == "fail"
    assert no_submission_when_authentication_fails(True, "ER000", [call(result="HTTP 500")], 0).status == "pass"


def test_the_documented_authenticate_parameters_pass_and_iid_alone_passes_too() -> None:
    assert authenticate_parameters(True, [call()], TOKEN, AID).status == "pass"
    assert authenticate_parameters(True, [call(am=None, tx=None, sf=None, iid="goods_1")], TOKEN, AID).status == "pass"
    assert authenticate_parameters(True, [call(am="0", tx="0", sf="0", pn=None)], TOKEN, AID).status == "pass"


@pytest.mark.parametrize(("changes", "named"), [
    ({"am": 100}, "am 100"),
    ({"sf": None}, "no sf"),
    ({"tkn": "old-token"}, "tkn other than"),
    ({"aid": "135790"}, "aid '135790'"),
    ({"em": None, "pn": None}, "neither em nor pn"),
    ({"em": "not-an-email"}, "an em that is not"),
    ({"pn": "03-0000-0000"}, "a pn that is not digits"),
    ({"iid": "goods_1"}, "iid and am, tx, sf"),
])
def test_a_wrong_authenticate_parameter_fails_naming_it(changes: dict[str, object], named: str) -> None:
    result = authenticate_parameters(True, [call(**changes)], TOKEN, AID)
    assert result.status == "fail"
    assert any(named in message for message in result.messages), result.messages


def test_em_and_pn_are_compared_with_the_profiles_when_it_gives_them() -> None:
    assert authenticate_parameters(True, [call()], TOKEN, AID, "holder@shop.example", "0300000000").status == "pass"
    other = authenticate_parameters(True, [call()], TOKEN, AID, "someone@shop.example")
    assert other.status == "fail" and "three_d_secure.email" in other.messages[0]


@pytest.mark.parametrize(("header", "meta", "status"), [
    ("strict-origin-when-cross-origin", [], "pass"),
    (None, [], "pass"),
    ("no-referrer", [], "fail"),
    ("strict-origin-when-cross-origin", ["no-referrer"], "fail"),
    ("no-referrer", ["origin"], "pass"),
    ("same-origin", [], "fail"),
    ("no-referrer, strict-origin", [], "pass"),
    ("strict-origin, same-origin", [], "fail"),
    ("unsafe-url", ["bogus"], "pass"),
])
def test_a_referrer_policy_that_withholds_the_origin_from_the_gateway_fails(header: str | None, meta: list[str],
                                                                           status: str) -> None:
    policies = ReferrerPolicies(header=header, meta=meta)
    assert referrer_policy_check(policies, GATEWAY).status == status


def test_a_gateway_script_with_no_referrer_is_a_finding() -> None:
    policies = ReferrerPolicies(elements=[("script", f"{GATEWAY}/gateway/js/CPToken.js", "no-referrer")])
    assert referrer_policy_check(policies, GATEWAY).status == "finding"


def _profile(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "p.toml"
    path.write_text('name = "x"\nurl = "https://shop.example/checkout"\nmode = "custom"\naid = "246810"\n'
                    f'{extra}\n[success]\nselector = "#ok"\n', encoding="utf-8")
    return path


def test_the_profile_may_declare_3ds_with_em_pn_and_name_its_webhook(tmp_path: Path) -> None:
    profile = load_profile(_profile(tmp_path, '[three_d_secure]\nemail = "a@shop.example"\ntel = "0300000000"\n'
                                              '[webhook]\nurl = "{merchant}/hook"\n'))
    assert (profile.three_d_secure.declared, profile.three_d_secure.tel) == (True, "0300000000")
    assert profile.expand("http://127.0.0.1:9000").webhook_url == "http://127.0.0.1:9000/hook"
    assert load_profile(_profile(tmp_path, "three_d_secure = true")).three_d_secure.declared


def test_profile_mistakes_in_the_new_keys_are_each_named(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as raised:
        load_profile(_profile(tmp_path, '[three_d_secure]\ntel = "03-0000-0000"\nemial = "x"\n'
                                        '[webhook]\nurl = "ftp://x"\n'))
    text = str(raised.value)
    assert "three_d_secure.tel" in text and "'three_d_secure.emial'" in text and "webhook.url" in text
