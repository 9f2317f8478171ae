"""Keep each merchant profile's scenarios on one xdist worker, so they share its one recorded purchase."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

PROFILE_FIXTURE = "rp_merchant_profile"


def keep_profiles_together(items: Sequence[pytest.Item]) -> None:
    """An xdist_group per profile; honoured with --dist loadgroup (other modes ignore it, and each worker then
    records its own purchase of the profile)."""
    for item in items:
        if not item.config.pluginmanager.hasplugin("xdist"):
            return
        callspec = getattr(item, "callspec", None)
        profile = callspec.params.get(PROFILE_FIXTURE) if callspec is not None else None
        if profile is not None:
            item.add_marker(pytest.mark.xdist_group(f"merchant-{profile.path.stem}"))
