"""Targets the suites run against — the embedded sandbox or the vendor's staging — chosen by configuration only."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

STAGING_API_BASE = "https://demo.billing-robo.jp"
REAL_GATEWAY_BASE = "https://credit.j-payment.co.jp"
TARGET_NAMES = ("sandbox", "staging")


class TargetConfigError(RuntimeError):
    """A configuration mistake the user can fix; the message is one sentence saying how."""


@dataclass(frozen=True)
class Credentials:
    """The API login and the shop the browser tokenizes for."""

    user_id: str
    access_key: str
    aid: str

    def secrets(self) -> tuple[str, ...]:
        """Values that must never appear unmasked in a report."""
        return (self.access_key,)


@dataclass(frozen=True)
class TargetSettings:
    """Everything a run needs to know about where it runs, resolved from options and environment."""

    name: str
    api_base: str
    gateway_base: str
    merchant_origin: str | None = None
    credentials: Credentials | None = None
    missing: tuple[str, ...] = field(default_factory=tuple)

    @property
    def can_force_outcomes(self) -> bool:
        """Only the sandbox has a control API to force maintenance, priming, the clock and limits."""
        return self.name == "sandbox"

    def skip_reason(self) -> str | None:
        """One sentence saying why scenarios needing credentials cannot run, or None when they can."""
        if not self.missing:
            return None
        return f"staging run without {', '.join(self.missing)}: set them in the environment to run this scenario."


def resolve_target(name: str | None, environ: Mapping[str, str] | None = None) -> TargetSettings:
    """Build the target from --target (or RP_TARGET) and the RP_* environment variables."""
    env = os.environ if environ is None else environ
    chosen = (name or env.get("RP_TARGET") or "sandbox").strip().lower()
    if chosen not in TARGET_NAMES:
        raise TargetConfigError(f"unknown target {chosen!r}: use --target sandbox or --target staging.")
    if chosen == "sandbox":
        # The sandbox fills in its own URLs and makes a fresh account per scenario.
        return TargetSettings(name="sandbox", api_base="", gateway_base="")
    api_base = _base_url(env, "RP_API_BASE", STAGING_API_BASE)
    gateway_base = _base_url(env, "RP_GATEWAY_BASE", REAL_GATEWAY_BASE)
    merchant_origin = _base_url(env, "RP_MERCHANT_ORIGIN", None)
    if merchant_origin and urlsplit(merchant_origin).path:
        raise TargetConfigError(f"RP_MERCHANT_ORIGIN must be an origin such as https://shop.example.com, without a "
                                f"path, not {merchant_origin!r}: fix RP_MERCHANT_ORIGIN.")
    needed = ("RP_USER_ID", "RP_ACCESS_KEY", "RP_AID")
    missing = tuple(key for key in needed if not env.get(key, "").strip())
    credentials = None
    if not missing:
        aid = env["RP_AID"].strip()
        if not (aid.isdigit() and len(aid) == 6):
            raise TargetConfigError(f"RP_AID must be the 6-digit shop id (店舗ID), not {aid!r}: fix RP_AID.")
        credentials = Credentials(env["RP_USER_ID"].strip(), env["RP_ACCESS_KEY"].strip(), aid)
    return TargetSettings(
        name="staging",
        api_base=api_base,
        gateway_base=gateway_base,
        merchant_origin=merchant_origin,
        credentials=credentials,
        missing=missing,
    )


def _base_url(env: Mapping[str, str], key: str, default: str | None) -> str | None:
    value = env.get(key, "").strip() or default
    if value is None:
        return None
    if not value.startswith(("http://", "https://")):
        raise TargetConfigError(f"{key} must be an http(s) URL such as https://example.com, not {value!r}: fix {key}.")
    return value.rstrip("/")
