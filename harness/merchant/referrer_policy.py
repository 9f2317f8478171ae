"""The payment page's referrer policy: the gateway refuses (ER002) a request whose Referer does not show the page's
origin, so a policy that strips it breaks every purchase."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.merchant.checks import CheckResult

POLICIES = ("no-referrer", "no-referrer-when-downgrade", "same-origin", "origin", "strict-origin",
            "origin-when-cross-origin", "strict-origin-when-cross-origin", "unsafe-url")
# Policies under which a cross-origin request (page → gateway) carries no Referer at all.
ORIGINLESS = ("no-referrer", "same-origin")
DEFAULT = "strict-origin-when-cross-origin"  # the browsers' default, when nothing sets one

# Read once the page has loaded: <meta name="referrer"> and referrerpolicy attributes of scripts and frames.
READ_POLICIES = """
() => ({
  meta: Array.from(document.querySelectorAll('meta[name="referrer" i]')).map(m => m.getAttribute('content') || ''),
  elements: Array.from(document.querySelectorAll('script[referrerpolicy], iframe[referrerpolicy]'))
    .map(e => [e.tagName.toLowerCase(), e.src || 'inline', e.getAttribute('referrerpolicy') || '']),
})
"""


@dataclass
class ReferrerPolicies:
    """Every place the page sets a referrer policy."""

    header: str | None = None
    meta: list[str] = field(default_factory=list)
    elements: list[tuple[str, str, str]] = field(default_factory=list)

    @classmethod
    def read(cls, headers: dict[str, str] | None, dom: dict[str, Any]) -> ReferrerPolicies:
        return cls(header=(headers or {}).get("referrer-policy"), meta=list(dom.get("meta", [])),
                   elements=[tuple(e) for e in dom.get("elements", [])])

    def effective(self) -> tuple[str, str]:
        """The document's policy and where it came from: the last <meta> with a known token wins over the header,
        whose last known token wins (unknown tokens are ignored, as browsers do)."""
        for content in reversed(self.meta):
            policy = _last_known(content)
            if policy:
                return policy, f'<meta name="referrer" content="{content}">'
        policy = _last_known(self.header or "")
        if policy:
            return policy, f"Referrer-Policy: {self.header}"
        return DEFAULT, "the browser's default (nothing sets a policy)"


def referrer_policy_check(policies: ReferrerPolicies | None, gateway_origin: str, inconclusive: str = "",
                          evidence: Sequence[str] = ()) -> CheckResult:
    result = CheckResult("referrer-policy")
    if policies is None:
        result.error(inconclusive or "the payment page never loaded, so its referrer policy could not be judged: "
                     "check the profile's url and pre_steps.", evidence)
        return result
    policy, source = policies.effective()
    result.evidence.append(f"document referrer policy: {policy} (from {source})")
    result.evidence.extend(f"<{tag} src={src}> referrerpolicy={value}" for tag, src, value in policies.elements)
    if policy in ORIGINLESS:
        result.fail(f"the payment page's referrer policy is {policy} ({source}): its requests to the gateway carry "
                    "no Referer, so the gateway cannot see the page's origin and refuses the token (ER002); use "
                    f"{DEFAULT} (or strict-origin) instead.")
    for tag, src, value in policies.elements:
        if value.strip().lower() in ORIGINLESS and src.startswith(gateway_origin + "/"):
            result.note(f"<{tag} src={src}> has referrerpolicy={value}: the gateway does not see the page's origin "
                        "when loading it; drop the attribute (whether the gateway refuses such a load is not "
                        "documented: inferred).")
    return result


def _last_known(value: str) -> str:
    tokens = [token.strip().lower() for token in value.split(",")]
    known = [token for token in tokens if token in POLICIES]
    return known[-1] if known else ""
