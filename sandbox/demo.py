"""The demo shop and API user `python -m sandbox` seeds, and the demo checkouts the merchant's `/` offers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from sandbox import field_formats
from sandbox.state import SandboxState

# Fixed, documented values (sandbox/README.md): a developer can paste them into a local shop.
# aid 999999: the sandbox hands out random aids from 100000 and never one already in use.
DEMO_AID = "999999"
DEMO_USER_ID = "demo@sandbox.example"
DEMO_ACCESS_KEY = "DemoAccessKey0123456789"


@dataclass(frozen=True)
class DemoAccount:
    """The demo shop (aid, the origins it accepts) and its billing API user."""

    aid: str = DEMO_AID
    user_id: str = DEMO_USER_ID
    access_key: str = DEMO_ACCESS_KEY
    # Origins besides the reference merchant's, e.g. a developer's own shop at http://localhost:3000.
    extra_origins: tuple[str, ...] = field(default_factory=tuple)

    def problem(self) -> str | None:
        """One sentence naming the bad value, or None."""
        if not (len(self.aid) == 6 and self.aid.isascii() and self.aid.isdigit()):
            return f"--demo-aid {self.aid!r} is not a shop id; give exactly 6 digits."
        if not field_formats.is_user_id(self.user_id):
            return f"--demo-user-id {self.user_id!r} is not an e-mail address; give one such as {DEMO_USER_ID}."
        if not field_formats.is_access_key(self.access_key):
            return f"--demo-access-key {self.access_key!r} is not 1 to 100 ASCII letters and digits; give one."
        for origin in self.extra_origins:
            if not field_formats.is_origin(origin):
                return f"--demo-origin {origin!r} is not an origin; give one such as http://localhost:3000."
        return None


@dataclass(frozen=True)
class DemoCheckout:
    """One entry of the merchant's demo list: `/demo/<slug>` makes a checkout and opens `/checkout/<id>/<page>`."""

    slug: str
    page: str
    title: str
    description: str
    # Added to the POST /_merchant/checkouts body, e.g. {"md": None}.
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


# The merchant's `/` lists these in this order; a new checkout page is one more line here.
DEMO_CHECKOUTS: tuple[DemoCheckout, ...] = (
    DemoCheckout(
        "popup",
        "popup",
        "ポップアップ方式 (CPToken.CardInfo)",
        "The gateway's card form opens in a frame; the shop only ever sees the token.",
    ),
    DemoCheckout(
        "custom",
        "custom",
        "カスタマイズ方式 (CPToken.TokenCreate)",
        "The shop's own card inputs; they are cleared before the form is submitted.",
    ),
)


def demo_checkout(slug: str) -> DemoCheckout | None:
    return next((checkout for checkout in DEMO_CHECKOUTS if checkout.slug == slug), None)


def seed_demo(state: SandboxState, demo: DemoAccount, merchant_url: str) -> None:
    """Create (or bring back to the documented values) the demo shop and user; other accounts are untouched."""
    origins = list(dict.fromkeys([merchant_url.rstrip("/"), *(o.rstrip("/") for o in demo.extra_origins)]))
    state.upsert_shop(demo.aid, allowed_origins=origins, security_code=False, md_optional=False)
    # The demo pages are the seed's (no ThreeDSAdapter.authenticate): a pre-3-D-Secure shop.
    state.set_three_d_secure(demo.aid, "off")
    state.upsert_user(demo.user_id, demo.access_key, demo.aid, ip_allow_list=[])
