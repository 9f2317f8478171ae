"""The pytest plugin: options, fixtures and hooks of the acceptance harness. Wiring only."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from harness.core.browser import choose_browser
from harness.feature_language import LANGUAGES, chosen_language, in_other_languages
from harness.merchant.checks import TITLES
from harness.merchant.profile import ProfileError, load_profile
from harness.merchant.worker_groups import keep_profiles_together
from harness.reporting import allure_steps
from harness.reporting.allure_steps import example_row
from harness.reporting.coverage import CoverageCollector, record_example_outcomes
from harness.reporting.evidence import scrub_failure_text
from harness.reporting.report_files import finish_allure_results
from harness.reporting.verdict import VerdictCollector
from harness.run_state import COVERAGE, PROFILES, SETTINGS, VERDICT, record_report, run_secrets
from harness.targets import preflight
from harness.targets.settings import TargetConfigError, resolve_target

MARKERS = {
    "forced": "the outcome can only be forced on the sandbox; a staging run leaves it out",
    "critical": "Allure severity critical",
    "popup": "popup mode (CPToken.CardInfo)",
    "custom": "custom mode (CPToken.TokenCreate)",
    "api": "the credit_card_token registration API",
    "e2e": "registration end to end",
    "three_d_secure": "3-D Secure 2.0 (ThreeDSAdapter.authenticate)",
    "webhook": "the credit_status_issue webhook to the merchant's handler",
    "merchant": "checks of a merchant's own checkout page (run once per --merchant-profile)",
    **{check.replace("-", "_"): f"merchant check: {title}" for check, title in TITLES.items()},
}
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
STEPS = Path(__file__).resolve().parents[1] / "steps"
REFERENCE_PROFILES = tuple(EXAMPLES / f"reference-{mode}.toml"
                           for mode in ("custom", "popup", "custom-3ds", "popup-3ds"))

pytest_plugins = ["harness.fixtures"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("rp", "ROBOT PAYMENT acceptance harness")
    group.addoption("--target", default=None,
                    help="sandbox (default: the embedded emulator) or staging (RP_* environment variables).")
    group.addoption("--browser-path", default=None, help="Chromium executable to drive instead of the one found.")
    group.addoption("--browser-ws", default=None, help="ws:// endpoint of a remote Playwright browser server.")
    group.addoption("--browser-arg", action="append", default=[], metavar="FLAG",
                    help="an extra Chromium command-line flag (repeatable), e.g. --browser-arg=--lang=ja.")
    group.addoption("--headed", action="store_true", help="show the browser window.")
    group.addoption("--tracing", default="retain-on-failure", choices=("retain-on-failure", "off"),
                    help="keep a Playwright trace (card data masked) of each failed scenario (default), or none.")
    group.addoption("--merchant-profile", action="append", default=[], metavar="PATH",
                    help="TOML profile of a merchant checkout page to verify (repeatable); only the merchant "
                         "features run. Without it they verify the reference merchant's example profiles.")
    group.addoption("--gateway", default="sandbox", choices=("sandbox", "live"),
                    help="answer the real gateway host from the embedded sandbox (default) or leave it live.")
    group.addoption("--lang", default=None, choices=LANGUAGES,
                    help="language of the merchant features: en (default) or ja (features/ja/); or RP_LANG.")
    group.addoption("--reports-dir", default="reports", help="where coverage and verdict files go (default: reports).")


def pytest_configure(config: pytest.Config) -> None:
    for name, text in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {text}")
    if config.getoption("--merchant-profile") and config.args_source == pytest.Config.ArgsSource.TESTPATHS:
        config.args[:] = [str(STEPS)]  # a profile given without paths means: run the merchant features
    try:
        settings = resolve_target(config.getoption("--target"))
    except TargetConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[SETTINGS] = settings
    browser_path = config.getoption("--browser-path")
    if browser_path and not os.access(browser_path, os.X_OK):
        raise pytest.UsageError(f"--browser-path {browser_path} is not an executable file; "
                                "give the path of a Chromium binary.")
    if not hasattr(config, "workerinput"):  # once per run, before any worker starts
        chosen_language(config)
        try:
            preflight.check_reports_dir(Path(config.getoption("--reports-dir")))
            preflight.check_browser_path(browser_path)
            preflight.check_browser_server(config.getoption("--browser-ws"))
            preflight.check_staging(settings, needs_credentials=not config.getoption("--merchant-profile"))
        except preflight.PreflightError as exc:
            raise pytest.UsageError(str(exc)) from None
    try:
        config.stash[PROFILES] = [load_profile(p) for p in
                                   (config.getoption("--merchant-profile") or REFERENCE_PROFILES)]
    except ProfileError as exc:
        raise pytest.UsageError(f"the merchant profile has mistakes; fix them and run again:\n{exc}") from None
    config.pluginmanager.register(allure_steps, "rp-allure-steps")
    if not hasattr(config, "workerinput"):  # the xdist controller, or a run without xdist
        collector = CoverageCollector()
        config.stash[COVERAGE] = collector
        config.pluginmanager.register(collector, "rp-coverage")
        verdict = VerdictCollector()
        config.stash[VERDICT] = verdict
        config.pluginmanager.register(verdict, "rp-merchant-verdict")


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if hasattr(config, "workerinput") or COVERAGE not in config.stash:
        return
    collector = config.stash[COVERAGE]
    settings = config.stash[SETTINGS]
    reports = Path(config.getoption("--reports-dir"))
    config.stash[VERDICT].write(reports, config.getoption("--gateway"))
    coverage = (collector.write(reports, settings.name, left_out_forced=not settings.can_force_outcomes)
                if collector.exercised else None)
    alluredir = config.getoption("allure_report_dir", None)
    if alluredir:  # also after a run that reached nothing: its failures are what a reviewer needs to see
        profiles = ([p.name for p in config.stash[PROFILES]] if config.getoption("--merchant-profile") else [])
        finish_allure_results(Path(alluredir), settings, config.getoption("--gateway"), profiles, coverage,
                              _browser_description(config), run_secrets(config))


def _browser_description(config: pytest.Config) -> str:
    if config.getoption("--browser-ws"):
        return f"remote: {config.getoption('--browser-ws')}"
    try:
        with sync_playwright() as playwright:
            return choose_browser(playwright, config.getoption("--browser-path")).describe()
    except Exception as exc:  # the report must still be written
        return f"unknown ({type(exc).__name__})"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    report = yield
    if report.failed:  # --showlocals and tracebacks print the frames' variables: mask the run's secrets there
        scrub_failure_text(report, run_secrets(item.config))
    record_report(item, report)
    return report


def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: object, scenario: object) -> None:
    record_example_outcomes(request, example_row(request), set(feature.tags) | set(scenario.tags))


def pytest_bdd_apply_tag(tag: str, function: object) -> bool | None:
    """@merchant scenarios run once per merchant profile: they ask for the rp_merchant_profile fixture."""
    if tag != "merchant":
        return None
    pytest.mark.merchant(function)
    pytest.mark.usefixtures("rp_merchant_profile")(function)
    return True


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "rp_merchant_profile" in metafunc.fixturenames:
        profiles = metafunc.config.stash[PROFILES]
        metafunc.parametrize("rp_merchant_profile", profiles, ids=[p.path.stem for p in profiles], scope="function")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    other_language = in_other_languages(items, chosen_language(config))
    if other_language:
        config.hook.pytest_deselected(items=other_language)
        items[:] = [item for item in items if item not in other_language]
    if config.getoption("--merchant-profile"):  # a merchant's run: only the merchant features
        kept = [item for item in items if item.get_closest_marker("merchant")]
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
    keep_profiles_together(items)
    settings = config.stash[SETTINGS]
    if settings.can_force_outcomes:
        return
    leave_out = pytest.mark.skip(reason=f"left out on {settings.name}: only the sandbox can force this outcome.")
    for item in items:
        if item.get_closest_marker("forced"):
            item.add_marker(leave_out)
