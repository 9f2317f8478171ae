"""Get a real token the way a merchant page does: CPToken.TokenCreate in the browser, on a registered origin."""

from __future__ import annotations

from playwright.sync_api import Page

from harness.core.cards import CardInput

TIMEOUT_MS = 15_000

_TOKEN_CREATE = """
([params, timeoutMs]) => new Promise((resolve) => {
  const timer = setTimeout(() => resolve({resultCode: 'timeout', errMsg: 'no callback within ' + timeoutMs + ' ms'}),
                           timeoutMs);
  CPToken.TokenCreate(params, (resultCode, errMsg) => {
    clearTimeout(timer);
    const tkn = document.getElementById('tkn');
    resolve({resultCode, errMsg, token: tkn ? tkn.value : null});
  });
})
"""


class TokenizeFailed(AssertionError):
    """The gateway did not issue a token; the message carries its resultCode and errMsg."""


def browser_token(page: Page, checkout_page_url: str, aid: str, card: CardInput) -> str:
    """Open a checkout page (it loads CPToken.js) and tokenize a card without submitting the form."""
    page.goto(checkout_page_url)
    params = {"aid": aid, "cn": card.number, "ed": card.expiry, "fn": card.first_name,
              "ln": card.last_name, "md": "10"}
    result = page.evaluate(_TOKEN_CREATE, [params, TIMEOUT_MS])
    if result["resultCode"] != "Success" or not result["token"]:
        raise TokenizeFailed(f"TokenCreate answered {result['resultCode']}: {result['errMsg']}")
    return result["token"]
