"""The checks that judge the one recorded purchase of a profile; what could not be observed is inconclusive."""

from __future__ import annotations

from collections.abc import Sequence

from harness.merchant import checks, three_d_secure
from harness.merchant.checks import CheckResult
from harness.merchant.profile import MerchantProfile
from harness.merchant.purchase import PurchaseRecord
from harness.merchant.referrer_policy import referrer_policy_check
from harness.merchant.run import GATEWAY_ORIGIN, MerchantRun

NOT_LOADED = ("the payment page never loaded, so this could not be judged: check the profile's url and "
              "pre_steps.")


def inputs_cleared(record: PurchaseRecord, secrets: Sequence[str] = ()) -> CheckResult:
    return checks.inputs_cleared(record.submissions, secrets, record.problem, record.evidence())


def no_card_data_leaves(record: PurchaseRecord, profile: MerchantProfile) -> CheckResult:
    """Judges whatever left, even when the purchase stopped early; with nothing found it is inconclusive then."""
    cards = profile.cards
    result = checks.no_card_data_leaves(record.requests, GATEWAY_ORIGIN, record.console, record.socket_frames,
                                        record.cookies, record.storage, record.urls, (cards.number,),
                                        (cards.security_code,))
    if record.problem and result.status in ("pass", "finding"):
        result.error(record.problem, record.evidence())
    return result


def tokenizer_origin(record: PurchaseRecord) -> CheckResult:
    if not record.tokenizer_sources and record.problem:
        result = CheckResult("tokenizer-origin")
        result.error(record.problem, record.evidence())
        return result
    return checks.tokenizer_origin(record.tokenizer_sources, GATEWAY_ORIGIN)


def script_inventory(record: PurchaseRecord, profile: MerchantProfile) -> CheckResult:
    if not record.loaded:
        result = CheckResult("script-inventory")
        result.error(record.problem or NOT_LOADED, record.evidence())
        return result
    return checks.script_inventory_check(record.scripts, profile.inventory.scripts, profile.path)


def security_headers(record: PurchaseRecord, profile: MerchantProfile) -> CheckResult:
    if not record.loaded and record.problem:
        result = CheckResult("security-headers")
        result.error(record.problem, record.evidence())
        return result
    return checks.security_headers_check(record.headers, profile.inventory.headers, profile.path)


def tokencreate_parameters(record: PurchaseRecord, profile: MerchantProfile) -> CheckResult | None:
    """None when the run has no sandbox to record the tokenizer's parameters."""
    if record.token_calls is None:
        return None
    return checks.tokencreate_parameters(record.token_calls, profile.mode, record.security_code_asked,
                                         record.problem, record.evidence())


def errors_handled(run: MerchantRun, code: str, message: str) -> CheckResult:
    """The run that drove the page into code: inconclusive when the page never got that answer to handle."""
    if run.problem or (code != "Cancel" and not run.observer.gateway_answers):
        result = CheckResult("errors-handled")
        errors = [f"the page threw: {error}" for error in run.observer.page_errors]
        result.error(run.problem or f"the page never asked the gateway, so it never had {code} to handle: check "
                     "the profile's selectors and card inputs.", errors)
        return result
    submitted = max(len(run.submissions()), len(run.page_snapshots()), len(run.token_submissions()))
    return checks.errors_handled(code, message, run.shows_failure(), run.failure_text(), submitted)


def three_d_secure_submission(record: PurchaseRecord) -> CheckResult:
    return three_d_secure.three_d_secure_check(record.three_d_secure, record.authenticate_calls, record.token,
                                               record.submission_times, record.problem, record.evidence())


def authenticate_parameters(record: PurchaseRecord, profile: MerchantProfile) -> CheckResult:
    declared = profile.three_d_secure
    return three_d_secure.authenticate_parameters(record.three_d_secure, record.authenticate_calls, record.token,
                                                  profile.aid, declared.email, declared.tel, record.problem,
                                                  record.evidence())


def referrer_policy(record: PurchaseRecord) -> CheckResult:
    return referrer_policy_check(record.referrer, GATEWAY_ORIGIN, record.problem, record.evidence())


def three_d_secure_outcome(run: MerchantRun, outcome: str, cancel_message: str) -> CheckResult:
    """The run driven into a 3-D Secure outcome: authentication failing (no submission: three-d-secure), the
    holder cancelling (errors handled, as any non-Success), or failing the challenge (what the page shows once the
    merchant's registration answered)."""
    submitted = max(len(run.submissions()), len(run.page_snapshots()), len(run.token_submissions()))
    calls = run.authenticate_calls()
    if outcome == "authentication fails":
        return three_d_secure.no_submission_when_authentication_fails(run.three_d_secure, "ER000", calls, submitted,
                                                                       run.problem)
    if outcome == "holder cancelled":
        if run.problem or not calls:
            result = CheckResult("errors-handled")
            result.error(run.problem or "the page never called ThreeDSAdapter.authenticate, so it never had Cancel "
                         "to handle.")
            return result
        result = checks.errors_handled("Cancel", cancel_message, run.shows_failure(), run.failure_text(), submitted)
        result.evidence.insert(0, "judged: the holder pressed キャンセル in the 3-D Secure challenge; authenticate's "
                               "callback answered Cancel")
        return result
    registered = run.registrations() if not run.problem else []
    shown = (run.failure_text() or run.visible_text())[:300]
    return three_d_secure.challenge_failed_handled(run.three_d_secure, registered, run.shows_success(), shown,
                                                   run.problem)
