"""Mistakes in a run's configuration end before any test, in one sentence; failures never print the run's secrets."""

from __future__ import annotations

import socket
from pathlib import Path
from types import SimpleNamespace

import pytest

from harness.reporting.evidence import scrub_failure_text
from harness.targets import preflight
from harness.targets.settings import resolve_target

NOWHERE = "http://127.0.0.1:9"


def one_sentence(message: str) -> bool:
    return message.endswith(".") and "\n" not in message and "Traceback" not in message


def test_staging_without_its_variables_names_them() -> None:
    settings = resolve_target("staging", {"RP_API_BASE": NOWHERE})
    with pytest.raises(preflight.PreflightError) as caught:
        preflight.check_staging(settings, needs_credentials=True)
    assert "RP_USER_ID, RP_ACCESS_KEY, RP_AID" in str(caught.value) and one_sentence(str(caught.value))


def test_a_merchant_only_staging_run_needs_no_credentials_but_an_unreachable_api_is_named() -> None:
    settings = resolve_target("staging", {"RP_API_BASE": NOWHERE})
    with pytest.raises(preflight.PreflightError) as caught:
        preflight.check_staging(settings, needs_credentials=False)
    assert f"the billing API at {NOWHERE} did not answer" in str(caught.value) and one_sentence(str(caught.value))


def test_the_sandbox_target_needs_no_check() -> None:
    preflight.check_staging(resolve_target("sandbox", {}), needs_credentials=True)


def test_a_browser_server_that_does_not_answer_is_named() -> None:
    with pytest.raises(preflight.PreflightError) as caught:
        preflight.check_browser_server("ws://127.0.0.1:9/playwright")
    assert "no browser server answers at ws://127.0.0.1:9/playwright" in str(caught.value)
    with pytest.raises(preflight.PreflightError, match="must be a ws:// or wss:// address"):
        preflight.check_browser_server("http://127.0.0.1:9")


def test_a_listening_browser_server_passes() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        preflight.check_browser_server(f"ws://127.0.0.1:{server.getsockname()[1]}/")


def test_a_browser_path_that_is_not_chromium_is_refused(tmp_path: Path) -> None:
    with pytest.raises(preflight.PreflightError) as caught:
        preflight.check_browser_path("/bin/true")
    assert "is not Chromium" in str(caught.value) and one_sentence(str(caught.value))
    fake = tmp_path / "chrome"
    fake.write_text("#!/bin/sh\necho 'Chromium 156.0.0.0'\n")
    fake.chmod(0o755)
    preflight.check_browser_path(str(fake))


def test_an_unwritable_reports_dir_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(preflight.PreflightError) as caught:
        preflight.check_reports_dir(blocker / "reports")
    assert "cannot be written" in str(caught.value) and one_sentence(str(caught.value))
    preflight.check_reports_dir(tmp_path / "new" / "reports")
    assert (tmp_path / "new" / "reports").is_dir()


def test_a_failure_report_never_shows_the_runs_secrets() -> None:
    key = "AK" + "x7" * 12
    report = SimpleNamespace(longrepr=f"client = BillingApiClient(user_id='qa@x.jp', secret={key!r})\n"
                                      f"E   card 4444333322221111 was typed")
    scrub_failure_text(report, (key,))
    assert key not in str(report.longrepr) and "4444333322221111" not in str(report.longrepr)
    untouched = SimpleNamespace(longrepr="assert 1 == 2")
    scrub_failure_text(untouched, (key,))
    assert untouched.longrepr == "assert 1 == 2"
