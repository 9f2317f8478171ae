"""The situations the registration-API scenarios put the target in, by the words the features use."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from harness.core.cards import VENDOR_TEST_CARD, CardInput
from harness.suites.scenario_context import ScenarioContext
from harness.suites.three_d_secure import REFUSED_CARD
from harness.targets.billing_api import BILLING_EMAIL, BILLING_TEL, CREDIT_CARD_TOKEN, ApiExchange

TOKEN_LIFETIME_SECONDS = 15 * 60
NINE_MB = 9 * 1024 * 1024
NEVER_ISSUED_TOKEN = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQQ=="
OTHER_EMAIL = "someone.else@example.com"  # well-formed, but not the billing individual's
OTHER_TEL = "0399999999"

Situation = Callable[[ScenarioContext], ApiExchange]
_SITUATIONS: dict[str, Situation] = {}
_PATTERNS: list[tuple[re.Pattern[str], Callable[..., ApiExchange]]] = []


def situation(words: str) -> Callable[[Situation], Situation]:
    def register(func: Situation) -> Situation:
        _SITUATIONS[words] = func
        return func
    return register


def situation_pattern(pattern: str) -> Callable[[Callable[..., ApiExchange]], Callable[..., ApiExchange]]:
    def register(func: Callable[..., ApiExchange]) -> Callable[..., ApiExchange]:
        _PATTERNS.append((re.compile(pattern), func))
        return func
    return register


def provoke(words: str, ctx: ScenarioContext) -> ApiExchange:
    """Put the target in the named situation and call credit_card_token; the exchange is the evidence."""
    if words in _SITUATIONS:
        return _SITUATIONS[words](ctx)
    for pattern, func in _PATTERNS:
        match = pattern.fullmatch(words)
        if match:
            return func(ctx, *match.groups())
    raise LookupError(f"no situation called {words!r}; known: {', '.join(known_situations())}")


def known_situations() -> list[str]:
    return sorted(_SITUATIONS) + [p.pattern for p, _ in _PATTERNS]


def _register(ctx: ScenarioContext, **overrides: object) -> ApiExchange:
    body: dict[str, object] = {"billing_code": ctx.billing.code,
                               "billing_payment_method_number": ctx.billing.payment_number}
    body.update(overrides)
    return ctx.api.credit_card_token(**{k: v for k, v in body.items() if v is not _DROP})


_DROP = object()


@situation("a fresh token for the vendor test card")
def _fresh(ctx: ScenarioContext) -> ApiExchange:
    return _register(ctx, token=ctx.fresh_token())


@situation("an unknown billing code")
def _unknown_billing(ctx: ScenarioContext) -> ApiExchange:
    return _register(ctx, billing_code="NO-SUCH-BILLING", token=NEVER_ISSUED_TOKEN)


@situation("a billing code longer than 20 characters")
def _long_billing(ctx: ScenarioContext) -> ApiExchange:
    return _register(ctx, billing_code="B" * 21, token=NEVER_ISSUED_TOKEN)


@situation("a billing code that is not a string")
def _billing_not_string(ctx: ScenarioContext) -> ApiExchange:
    return _register(ctx, billing_code=["not", "a", "string"], token=NEVER_ISSUED_TOKEN)


@situation("an unknown payment method number")
def _unknown_number(ctx: ScenarioContext) -> ApiExchange:
    return _register(ctx, billing_payment_method_number=ctx.billing.payment_number + 987654, token=NEVER_ISSUED_TOKEN)


@situation("a payment method number of 19 digits")
def _long_number(ctx: ScenarioContext) -> ApiExchange:
    return _register(ctx, billing_payment_method_number="1" * 19, token=NEVER_ISSUED_TOKEN)


@situation("an unknown payment method code")
def _unknown_code(ctx: ScenarioContext) -> ApiExchange:
    return _register(ctx, billing_payment_method_number=_DROP, billing_payment_method_code="NO-SUCH-CODE",
                     token=NEVER_ISSUED_TOKEN)


@situation("both the payment method number and code")
def _both(ctx: ScenarioContext) -> ApiExchange:
    return _register(ctx, billing_payment_method_code=ctx.billing.payment_code, token=NEVER_ISSUED_TOKEN)


@situation("no token")
def _no_token(ctx: ScenarioContext) -> ApiExchange:
    return _register(ctx)


@situation("a token with characters outside Base64")
def _bad_token(ctx: ScenarioContext) -> ApiExchange:
    return _register(ctx, token="not a token!")


@situation("a token that is not a string")
def _token_not_string(ctx: ScenarioContext) -> ApiExchange:
    return _register(ctx, token=12345)


@situation("an unknown user_id")
def _unknown_user(ctx: ScenarioContext) -> ApiExchange:
    body = {"user_id": "nobody@sandbox.example", "access_key": ctx.api.access_key,
            "billing_code": ctx.billing.code, "token": NEVER_ISSUED_TOKEN}
    return ctx.api.call(CREDIT_CARD_TOKEN, body)


@situation("a body that is not JSON")
def _not_json(ctx: ScenarioContext) -> ApiExchange:
    return ctx.api.post_raw(CREDIT_CARD_TOKEN, b"user_id=someone&token=x", "user_id=someone&token=x",
                            content_type="application/x-www-form-urlencoded")


@situation("a JSON array instead of an object")
def _json_array(ctx: ScenarioContext) -> ApiExchange:
    return ctx.api.call(CREDIT_CARD_TOKEN, [ctx.api.credentials()])


@situation("a wrong access_key")
def _wrong_key(ctx: ScenarioContext) -> ApiExchange:
    body = {"user_id": ctx.api.user_id, "access_key": "WrongKey0000", "billing_code": ctx.billing.code,
            "token": NEVER_ISSUED_TOKEN}
    return ctx.api.call(CREDIT_CARD_TOKEN, body)


@situation("an access_key of 10000 characters")
def _huge_key(ctx: ScenarioContext) -> ApiExchange:
    body = {"user_id": ctx.api.user_id, "access_key": "K" * 10_000, "billing_code": ctx.billing.code,
            "token": NEVER_ISSUED_TOKEN}
    return ctx.api.call(CREDIT_CARD_TOKEN, body)


@situation("a path that does not exist")
def _unknown_path(ctx: ScenarioContext) -> ApiExchange:
    return ctx.api.call("billing_payment_method/no_such_endpoint", ctx.api.credentials())


@situation("a body of 9 MB")
def _huge_body(ctx: ScenarioContext) -> ApiExchange:
    padding = "x" * NINE_MB
    content = json.dumps({**ctx.api.credentials(), "padding": padding}).encode()
    return ctx.api.post_raw(CREDIT_CARD_TOKEN, content, f"<JSON body of {len(content):,} bytes>")


@situation("a well-formed token the gateway never issued")
def _never_issued(ctx: ScenarioContext) -> ApiExchange:
    return _register(ctx, token=NEVER_ISSUED_TOKEN)


@situation("a token that was already used")
def _reused(ctx: ScenarioContext) -> ApiExchange:
    token = ctx.fresh_token()
    first = _register(ctx, token=token)
    ctx.exchanges.append(first)
    assert first.status == 200 and first.error is None, (
        f"the first use of the token did not register (HTTP {first.status}, {first.error_code!r}), "
        "so a second use would not test reuse")
    return _register(ctx, token=token)


@situation("a card number sent together with the token")
def _card_with_token(ctx: ScenarioContext) -> ApiExchange:
    return _register(ctx, token=ctx.fresh_token(), cn=VENDOR_TEST_CARD)


@situation("a token issued more than 15 minutes ago")
def _expired(ctx: ScenarioContext) -> ApiExchange:
    token = ctx.fresh_token()
    ctx.target.control.advance_clock(TOKEN_LIFETIME_SECONDS + 1, ctx.account)
    return _register(ctx, token=token)


@situation_pattern(r"a token for the magic card (\d{16})")
def _magic(ctx: ScenarioContext, card: str) -> ApiExchange:
    return _register(ctx, token=ctx.fresh_token(CardInput(number=card)))


@situation("a source address outside the IP allow-list")
def _outside_allow_list(ctx: ScenarioContext) -> ApiExchange:
    ctx.target.control.update_user(ctx.account, ip_allow_list=["192.0.2.10"])  # TEST-NET-1, never loopback
    return _register(ctx, token=NEVER_ISSUED_TOKEN)


@situation("the service in maintenance")
def _maintenance(ctx: ScenarioContext) -> ApiExchange:
    ctx.target.control.maintenance(True, ctx.account)
    return _register(ctx, token=NEVER_ISSUED_TOKEN)


@situation("more requests than the rate limit allows")
def _rate_limited(ctx: ScenarioContext) -> ApiExchange:
    limit = 3
    ctx.target.control.rate_limit(limit, 300, ctx.account)
    for _ in range(limit):
        within = _register(ctx, token=NEVER_ISSUED_TOKEN)
        ctx.exchanges.append(within)
        assert within.status != 429, f"HTTP 429 before the limit of {limit} requests was reached"
    return _register(ctx, token=NEVER_ISSUED_TOKEN)


@situation_pattern(r"a primed code (\w+)")
def _primed(ctx: ScenarioContext, code: str) -> ApiExchange:
    ctx.target.control.prime("credit_card_token", code, account=ctx.account)
    return _register(ctx, token=NEVER_ISSUED_TOKEN)


@situation("an email other than the billing's")
def _other_email(ctx: ScenarioContext) -> ApiExchange:
    return _register(ctx, token=NEVER_ISSUED_TOKEN, email=OTHER_EMAIL)


@situation("an email that is not an email address")
def _malformed_email(ctx: ScenarioContext) -> ApiExchange:
    return _register(ctx, token=NEVER_ISSUED_TOKEN, email="qa.example.com")


@situation("a tel other than the billing's")
def _other_tel(ctx: ScenarioContext) -> ApiExchange:
    return _register(ctx, token=NEVER_ISSUED_TOKEN, tel=OTHER_TEL)


@situation("the billing's tel with hyphens")
def _tel_with_hyphens(ctx: ScenarioContext) -> ApiExchange:
    return _register(ctx, token=NEVER_ISSUED_TOKEN, tel=f"{BILLING_TEL[:2]}-{BILLING_TEL[2:6]}-{BILLING_TEL[6:]}")


@situation("a token never authenticated, on a shop requiring 3-D Secure")
def _never_authenticated(ctx: ScenarioContext) -> ApiExchange:
    ctx.target.control.require_three_d_secure(ctx.account)
    return _register(ctx, token=ctx.fresh_token(), email=BILLING_EMAIL, tel=BILLING_TEL)


@situation(f"a token 3-D Secure refused (magic card {REFUSED_CARD}), on a shop requiring 3-D Secure")
def _refused(ctx: ScenarioContext) -> ApiExchange:
    ctx.target.control.require_three_d_secure(ctx.account)
    token = ctx.authenticated_token(CardInput(number=REFUSED_CARD))
    return _register(ctx, token=token, email=BILLING_EMAIL, tel=BILLING_TEL)


@situation("a token authenticated with an em other than the billing's email")
def _other_em(ctx: ScenarioContext) -> ApiExchange:
    ctx.target.control.require_three_d_secure(ctx.account)
    return _register(ctx, token=ctx.authenticated_token(em=OTHER_EMAIL))


@situation("a token authenticated with a pn other than the billing's tel")
def _other_pn(ctx: ScenarioContext) -> ApiExchange:
    ctx.target.control.require_three_d_secure(ctx.account)
    return _register(ctx, token=ctx.authenticated_token(pn=OTHER_TEL))
