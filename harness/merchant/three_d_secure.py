"""3-D Secure on a merchant page: the authenticate calls it made, and the checks that judge them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from harness.merchant.checks import CheckResult

ADAPTER_PATH = "/gateway/js/EMV3DSAdapter.js"
AUTHENTICATE_PATH = "/gateway/3ds/authenticate"
# The magic card whose authentication asks the holder for a one-time password (sandbox/README.md, Magic cards).
CHALLENGE_CARD = "4000000000003220"
CHALLENGE_FRAME = "#EMV3DS-challenge-frame"
WRONG_PASSWORD = "000000"  # the sandbox's password is 123456: any other fails the challenge
EMAIL_MAX = 100
TEL_MAX = 15
IID = re.compile(r"[A-Za-z0-9_-]{1,50}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Quoted from the current specification's sample (public/billing_payment_method/credit_card_token.md).
FIXED_ZERO = "「am」「tx」「sf」 の値はいずれも0固定で設定します。"
TKN_LINE = "tkn: $(\"#tkn\").val(), // トークン作成後にtkn要素に値が入力されます"
EM_LINE = "請求先(部署)に登録されているメールアドレスと同じ値での設定が必須となります。"
PN_LINE = "請求先(部署)に登録されている電話番号と同じ値での設定が必須となります。 ※ハイフンを除いて設定してください"
NOT_3DS = ("not a 3-D Secure page: it loads no EMV3DSAdapter.js and its profile does not say three_d_secure = "
           "true, so its shop verifies with 3-D Secure off (the seed's pre-3-D-Secure shop).")


@dataclass
class AuthenticateCall:
    """One POST of the page's EMV3DSAdapter.js to the gateway's authenticate: what it sent and was answered."""

    params: dict[str, Any]
    sent_at: float
    result_code: str = ""
    challenge: bool = False
    answered_at: float | None = None

    def shown(self) -> str:
        sent = ", ".join(f"{name}={_shown_value(name, value)}" for name, value in self.params.items())
        answer = self.result_code or "no answer"
        return f"authenticate({sent}) answered {answer}{' with a challenge' if self.challenge else ''}"


def is_authenticate(url: str, method: str, gateway_origin: str) -> bool:
    parts = urlsplit(url)
    return method == "POST" and f"{parts.scheme}://{parts.netloc}" == gateway_origin and \
        parts.path == AUTHENTICATE_PATH


def loads_adapter(script_urls: Sequence[str]) -> bool:
    """Whether the page loaded EMV3DSAdapter.js (from wherever: where it came from is judged elsewhere)."""
    return any(urlsplit(url).path.endswith(ADAPTER_PATH) for url in script_urls)


def submitted_without_authentication(calls: Sequence[AuthenticateCall], token: str,
                                     first_submission: float) -> str:
    """"" when a Success authenticate of token was answered before the first submission, else why not."""
    mine = [c for c in calls if str(c.params.get("tkn", "")) == token and token]
    if not calls:
        return "the page never called ThreeDSAdapter.authenticate"
    if not mine:
        return (f"the page's authenticate calls carried another tkn than the token the gateway issued "
                f"({len(calls)} call(s))")
    succeeded = [c for c in mine if c.result_code == "Success"]
    if not succeeded:
        return f"authenticate answered {', '.join(c.result_code or 'nothing' for c in mine)}, not Success"
    if all(c.answered_at is None or c.answered_at > first_submission for c in succeeded):
        return "the submission left before authenticate had answered"
    return ""


def three_d_secure_check(required: bool, calls: Sequence[AuthenticateCall], token: str,
                         submission_times: Sequence[float], inconclusive: str = "",
                         evidence: Sequence[str] = ()) -> CheckResult:
    """On a page whose shop requires 3-D Secure, whatever reached the merchant's submission was authenticated."""
    result = CheckResult("three-d-secure")
    if not required:
        result.status, result.messages = "skipped", [NOT_3DS]
        return result
    result.evidence.extend(call.shown() for call in calls)
    if not submission_times:
        result.error(inconclusive or "nothing was submitted to the merchant, so what it submits could not be "
                     "judged: check the profile's selectors and test card.", evidence)
        return result
    why = submitted_without_authentication(calls, token, min(submission_times))
    if why:
        result.fail(f"the token reached the merchant's submission without a successful 3-D Secure authentication: "
                    f"{why}; call ThreeDSAdapter.authenticate with the new token after the tokenizer's Success and "
                    "submit only from its callback, when resultCode is \"Success\".")
    return result


def no_submission_when_authentication_fails(required: bool, code: str, calls: Sequence[AuthenticateCall],
                                            submissions: int, inconclusive: str = "") -> CheckResult:
    """The page was driven into an authenticate answering code: it must submit nothing."""
    result = CheckResult("three-d-secure")
    if not required:
        result.status, result.messages = "skipped", [NOT_3DS]
        return result
    result.evidence.extend(call.shown() for call in calls)
    if inconclusive or not calls:
        result.error(inconclusive or f"the page never called ThreeDSAdapter.authenticate, so it never had {code} "
                     "to handle: see the purchase's three-d-secure result.")
        return result
    result.evidence.append(f"{submissions} submission(s) after authenticate answered {code}")
    if submissions:
        result.fail(f"the merchant submitted the form although 3-D Secure authentication answered {code} "
                    f"({submissions} submission(s)): the token reached the merchant's submission without a "
                    "successful authentication; submit only when authenticate's resultCode is \"Success\".")
    return result


def authenticate_parameters(required: bool, calls: Sequence[AuthenticateCall], token: str, aid: str,
                            email: str | None = None, tel: str | None = None, inconclusive: str = "",
                            evidence: Sequence[str] = ()) -> CheckResult:
    """tkn the token just issued, aid the profile's, am / tx / sf 0 (or iid), em or pn present and well formed."""
    result = CheckResult("authenticate-parameters")
    if not required:
        result.status, result.messages = "skipped", [NOT_3DS]
        return result
    if not calls:
        result.error(inconclusive or "the page never called ThreeDSAdapter.authenticate, so its parameters could "
                     "not be judged (the three-d-secure check judges the missing call).", evidence)
        return result
    call = calls[-1]
    params = call.params
    result.evidence.append(call.shown())
    for problem in _parameter_problems(params, token, aid, email, tel):
        result.fail(f"ThreeDSAdapter.authenticate was called with {problem}")
    return result


def _parameter_problems(params: dict[str, Any], token: str, aid: str, email: str | None,
                        tel: str | None) -> list[str]:
    problems = []
    tkn = params.get("tkn")
    if not tkn:
        problems.append(f"no tkn: pass the token the tokenizer just put in #tkn ({TKN_LINE}).")
    elif token and str(tkn) != token:
        problems.append(f"a tkn other than the token the gateway just issued: pass $(\"#tkn\").val() ({TKN_LINE}).")
    if str(params.get("aid", "")) != aid:
        problems.append(f"aid {params.get('aid')!r}, not the shop's {aid!r}: pass the shop id (店舗ID).")
    fixed = [name for name in ("am", "tx", "sf") if name in params]
    if "iid" in params:
        if fixed:
            problems.append(f"iid and {', '.join(fixed)} together: pass iid alone (registered goods) or am, tx and "
                            f"sf 0 ({FIXED_ZERO}).")
        if not IID.fullmatch(str(params["iid"])):
            problems.append(f"iid {params['iid']!r}, not 1–50 letters, digits, '_' or '-'.")
    else:
        for name in ("am", "tx", "sf"):
            if name not in params:
                problems.append(f"no {name}: pass {name}: 0 ({FIXED_ZERO}).")
            elif str(params[name]) != "0" or isinstance(params[name], bool):
                problems.append(f"{name} {params[name]!r}, not 0: {FIXED_ZERO}")
    em, pn = params.get("em"), params.get("pn")
    if em in (None, "") and pn in (None, ""):
        problems.append(f"neither em nor pn: pass the billing individual's e-mail as em or phone as pn ({EM_LINE}).")
    if em not in (None, "") and (not isinstance(em, str) or len(em) > EMAIL_MAX or not EMAIL.fullmatch(em)):
        problems.append(f"an em that is not an e-mail address of at most {EMAIL_MAX} characters: {EM_LINE}")
    elif email and em not in (None, "") and em != email:
        problems.append(f"em other than the profile's three_d_secure.email: {EM_LINE}")
    if pn not in (None, "") and not re.fullmatch(rf"[0-9]{{1,{TEL_MAX}}}", str(pn)):
        problems.append(f"a pn that is not digits only (at most {TEL_MAX}): {PN_LINE}")
    elif tel and pn not in (None, "") and str(pn) != tel:
        problems.append(f"pn other than the profile's three_d_secure.tel: {PN_LINE}")
    if email and em in (None, ""):
        problems.append(f"no em although the profile gives three_d_secure.email: {EM_LINE}")
    if tel and pn in (None, ""):
        problems.append(f"no pn although the profile gives three_d_secure.tel: {PN_LINE}")
    return problems


def challenge_failed_handled(required: bool, registered: Sequence[str], shows_success: bool, shown: str,
                             problem: str = "") -> CheckResult:
    """After a failed challenge (authenticate still answers Success: the failure shows when the token is
    registered, ER901), judged on what the customer's page shows once the merchant's registration was answered."""
    result = CheckResult("errors-handled")
    if not required:
        result.status, result.messages = "skipped", [NOT_3DS]
        return result
    if problem:
        result.error(problem)
        return result
    if not registered:
        result.status = "skipped"
        result.messages.append("the merchant's server never registered the token with this run's sandbox, so its "
                               "answer to a failed challenge (ER901) could not be seen; only a merchant whose "
                               "server calls the sandbox's credit_card_token (the reference merchant does) is judged.")
        return result
    result.evidence.append(f"judged: after the holder failed the 3-D Secure challenge, authenticate's callback "
                           f"(Success, as the specification says) and the merchant's registration, which answered "
                           f"{', '.join(registered)}, the page showed {shown!r}")
    if shows_success:
        result.fail(f"after a failed 3-D Secure challenge the merchant's registration answered "
                    f"{', '.join(registered)}, yet the page shows the profile's success: show the registration's "
                    "error to the customer, not a completed purchase.")
    return result


def _shown_value(name: str, value: Any) -> str:
    if name == "tkn" and isinstance(value, str) and len(value) > 8:
        return value[:4] + "…"
    return repr(value)
