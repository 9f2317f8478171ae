"""Target selection by configuration: defaults, staging credentials, and one-sentence errors."""

from __future__ import annotations

import pytest

from harness.targets.settings import REAL_GATEWAY_BASE, STAGING_API_BASE, TargetConfigError, resolve_target

STAGING_ENV = {"RP_USER_ID": "qa@example.com", "RP_ACCESS_KEY": "abc123", "RP_AID": "123456"}


def test_the_default_target_is_the_embedded_sandbox() -> None:
    settings = resolve_target(None, {})
    assert settings.name == "sandbox" and settings.can_force_outcomes and settings.skip_reason() is None


def test_rp_target_chooses_staging_with_the_vendor_hosts() -> None:
    settings = resolve_target(None, {"RP_TARGET": "staging", **STAGING_ENV})
    assert (settings.api_base, settings.gateway_base) == (STAGING_API_BASE, REAL_GATEWAY_BASE)
    assert settings.credentials.aid == "123456" and not settings.can_force_outcomes


def test_base_urls_are_overridable_for_a_sandbox_started_elsewhere() -> None:
    env = {**STAGING_ENV, "RP_API_BASE": "http://127.0.0.1:9000/", "RP_GATEWAY_BASE": "http://127.0.0.1:9000"}
    settings = resolve_target("staging", env)
    assert settings.api_base == "http://127.0.0.1:9000" and settings.gateway_base == "http://127.0.0.1:9000"


def test_missing_credentials_skip_with_one_sentence_naming_them() -> None:
    settings = resolve_target("staging", {"RP_USER_ID": "qa@example.com"})
    reason = settings.skip_reason()
    assert "RP_ACCESS_KEY" in reason and "RP_AID" in reason and "RP_USER_ID" not in reason
    assert reason.count(".") == 1 and reason.endswith(".")


@pytest.mark.parametrize(("name", "env", "says"), [
    ("prod", {}, "--target sandbox or --target staging"),
    ("staging", {**STAGING_ENV, "RP_AID": "12345"}, "RP_AID"),
    ("staging", {**STAGING_ENV, "RP_API_BASE": "demo.billing-robo.jp"}, "RP_API_BASE"),
    ("staging", {**STAGING_ENV, "RP_MERCHANT_ORIGIN": "https://shop.example/checkout"}, "without a path"),
])
def test_bad_configuration_names_what_to_fix(name: str, env: dict[str, str], says: str) -> None:
    with pytest.raises(TargetConfigError, match=says.replace(".", r"\.")):
        resolve_target(name, env)
