"""3-D Secure 2.0 as a scenario sees it: the magic cards and passwords, what the page sent to authenticate and
what the gateway answered, and a token authenticated in the browser for the API situations."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page

from harness.core.cards import CardInput
from harness.core.origins import origin_of
from harness.core.submission_probe import SubmissionProbe

AUTHENTICATE_PATH = "/gateway/3ds/authenticate"
CHALLENGE_PATH = "/gateway/3ds/challenge/"
CHALLENGE_CARD = "4000000000003220"  # the sandbox's card whose issuer always asks for a one-time password
REFUSED_CARD = "4000000000003063"  # the sandbox's card the issuer refuses without a challenge
# The one-time passwords of the sandbox's challenge, by the words an English or a Japanese feature uses.
PASSWORDS = {"right": "123456", "wrong": "000000", "正しい": "123456", "誤った": "000000"}
TIMEOUT_MS = 15_000
# Parameters of ThreeDSAdapter.authenticate that carry the holder's or the token's values: shown by length only.
_HIDDEN = {"tkn": "token", "em": "email", "pn": "tel"}

_TOKEN_AND_AUTHENTICATE = """
([tokenParams, authParams, timeoutMs]) => new Promise((resolve) => {
  const timer = setTimeout(() => resolve({step: 'timeout', resultCode: 'timeout',
                                          errMsg: 'no callback within ' + timeoutMs + ' ms'}), timeoutMs);
  CPToken.TokenCreate(tokenParams, (resultCode, errMsg) => {
    const tkn = document.getElementById('tkn').value;
    if (resultCode !== 'Success') { clearTimeout(timer); resolve({step: 'TokenCreate', resultCode, errMsg}); return; }
    ThreeDSAdapter.authenticate(Object.assign({tkn}, authParams), (code, message) => {
      clearTimeout(timer);
      resolve({step: 'authenticate', resultCode: code, errMsg: message, token: tkn});
    });
  });
})
"""


def password_named(word: str) -> str:
    """The sandbox's right or wrong one-time password, from a feature's word for it."""
    if word not in PASSWORDS:
        raise ValueError(f"the challenge is answered with the right or the wrong password, not {word!r}")
    return PASSWORDS[word]


@dataclass(frozen=True)
class AuthenticationSeen:
    """What the browser sent to 3-D Secure and what came back, parameters already redacted."""

    parameters: list[dict[str, Any]]
    answers: list[str]  # resultCodes of the authenticate and challenge answers, in order
    challenged: bool

    @property
    def result(self) -> str | None:
        """The last answer the page's callback got from the gateway (None when no answer arrived)."""
        return self.answers[-1] if self.answers else None

    def evidence(self) -> dict[str, Any]:
        return {"authenticate parameters": self.parameters, "gateway answers": self.answers,
                "challenge shown": self.challenged}

    def problems(self, expected: str, challenged: bool | None = None) -> list[str]:
        """Every way the authentication differs from the expected result (and challenge, when given)."""
        found = []
        if not self.parameters:
            found.append("the page never called ThreeDSAdapter.authenticate")
        elif self.result != expected:
            found.append(f"the 3-D Secure answer was {self.result!r}, expected {expected!r}")
        if challenged is not None and self.challenged != challenged:
            found.append("the issuer's challenge was shown" if self.challenged else "no challenge was shown")
        return found


def authentication_seen(probe: SubmissionProbe, gateway_origin: str) -> AuthenticationSeen:
    """The page's authenticate calls and the gateway's answers to them and to the challenge, from the probe."""

    def at_gateway(address: str, path: str) -> bool:
        return origin_of(address) == gateway_origin and urlsplit(address).path.startswith(path)

    parameters = [shown_parameters(call.get("body") or "") for call in probe.calls
                  if at_gateway(call.get("target") or "", AUTHENTICATE_PATH)]
    answers = [answer["resultCode"] for answer in probe.answers
               if at_gateway(answer.get("target") or "", AUTHENTICATE_PATH)
               or at_gateway(answer.get("target") or "", CHALLENGE_PATH)]
    challenged = any(request.url.startswith(gateway_origin) and urlsplit(request.url).path.startswith(CHALLENGE_PATH)
                     for request in probe.requests)
    return AuthenticationSeen(parameters, answers, challenged)


def shown_parameters(body: str) -> dict[str, Any]:
    """The authenticate call's JSON parameters with the token, em and pn shown by their length only."""
    try:
        params = json.loads(body)
    except ValueError:
        return {"unreadable body": f"<{len(body)} characters>"}
    if not isinstance(params, dict):
        return {"unexpected body": f"<JSON {type(params).__name__}>"}
    return {name: f"<{_HIDDEN[name]} of {len(str(value))} characters>" if name in _HIDDEN and value else value
            for name, value in params.items()}


class AuthenticateFailed(AssertionError):
    """The browser got no authenticated token; the message carries the step and the gateway's answer."""


def authenticated_token(page: Page, checkout_page_url: str, aid: str, card: CardInput,
                        contact: dict[str, str]) -> str:
    """Open a 3-D Secure checkout page, tokenize the card and authenticate the token with the given em / pn,
    without submitting the form (a frictionless or refused flow; a challenge is not answered)."""
    page.goto(checkout_page_url)
    token_params = {"aid": aid, "cn": card.number, "ed": card.expiry, "fn": card.first_name,
                    "ln": card.last_name, "md": "10"}
    auth_params: dict[str, Any] = {"aid": aid, "am": 0, "tx": 0, "sf": 0, **contact}
    result = page.evaluate(_TOKEN_AND_AUTHENTICATE, [token_params, auth_params, TIMEOUT_MS])
    if result["resultCode"] != "Success" or not result.get("token"):
        raise AuthenticateFailed(f"{result['step']} answered {result['resultCode']}: {result['errMsg']}")
    return result["token"]


def contact_of(em: str | None, pn: str | None) -> dict[str, str]:
    """em / pn as the page passes them: absent ones left out."""
    return {name: value for name, value in (("em", em), ("pn", pn)) if value is not None}

