"""The webhook-handler check: the sandbox delivers a credit_status_issue event to the merchant's own endpoint (the
profile's [webhook] url), then the same event is delivered again, as a retry would."""

from __future__ import annotations

from typing import Any

import httpx

from harness.core.webhook_delivery import delivery_problems, redeliver, redelivery_problems
from harness.merchant.checks import CheckResult
from harness.merchant.run_ids import random_id
from harness.targets.sandbox_control import Account, SandboxControl, SandboxControlError

NO_WEBHOOK = ("the profile names no webhook endpoint: add [webhook] url = \"...\" to verify the merchant's "
              "credit_status_issue handler.")


def verify_webhook_handler(control: SandboxControl, aid: str, url: str) -> CheckResult:
    """Deliver one event for a fresh billing of the shop, redeliver it, and judge both answers."""
    result = CheckResult("webhook-handler")
    account = Account(aid, f"qa-{random_id(12)}@sandbox.example", random_id(24))
    try:
        control.update_shop(aid)  # known to the sandbox even when no purchase of this profile ran before
        control.update_user(account)
        billing = control.create_billing(account, "QA" + random_id(16).upper())
        # One attempt: a handler that refuses is reported at once instead of after the retries.
        hook = control.register_webhook(account, url, max_attempts=1, retry_seconds=1)
        sent = control.send_webhook(account, billing.billing_code, billing.number)
    except SandboxControlError as exc:
        result.error(f"the sandbox could not deliver to {url} ({exc}): check the profile's webhook.url.")
        return result
    deliveries: list[dict[str, Any]] = sent.get("deliveries") or []
    result.evidence.extend(f"delivery {d.get('attempt')} to {d.get('url')}: {d.get('status') or d.get('error')}"
                           for d in deliveries)
    if not deliveries:
        result.error(f"the sandbox made no delivery to {url}, so the handler could not be judged.")
        return result
    for problem in delivery_problems(deliveries):
        result.fail(problem)
    try:
        response = redeliver(url, deliveries[0]["payload"])
    except httpx.HTTPError as exc:
        result.fail(f"the repeated delivery of the same event to {url} got no answer ({type(exc).__name__}): a "
                    "handler must acknowledge a retry of an event it already handled.")
        return result
    result.evidence.append(f"repeated delivery: {response.status_code}")
    for problem in redelivery_problems(response, str(hook.get("signature_key") or "")):
        result.fail(problem)
    return result


def skipped_without_webhook() -> CheckResult:
    result = CheckResult("webhook-handler")
    result.status, result.messages = "skipped", [NO_WEBHOOK]
    return result
