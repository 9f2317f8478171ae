"""`python -m harness.merchant.approve --merchant-profile PATH`: record a payment page's scripts and security headers
so a person can review and approve them as the baselines the merchant checks compare with."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from harness.core.browser import BrowserNotFound, choose_browser, launch_browser
from harness.core.browser_context import open_context
from harness.core.origin_routing import OriginRouting
from harness.merchant import script_inventory, security_headers
from harness.merchant.profile import MerchantProfile, ProfileError, load_profile
from harness.merchant.run import GATEWAY_ORIGIN, needs_reference_merchant, start_run
from harness.targets.runtime import start_merchant_gateway


def baseline_paths(profile: MerchantProfile) -> tuple[Path, Path]:
    """Where the profile's [inventory] says, else beside the profile."""
    scripts = profile.inventory.scripts or profile.path.with_name(f"{profile.path.stem}.scripts.toml")
    headers = profile.inventory.headers or profile.path.with_name(f"{profile.path.stem}.headers.toml")
    return scripts, headers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.merchant.approve", description=__doc__)
    parser.add_argument("--merchant-profile", action="append", required=True, metavar="PATH")
    parser.add_argument("--gateway", choices=("sandbox", "live"), default="sandbox")
    parser.add_argument("--browser-path")
    parser.add_argument("--browser-ws")
    args = parser.parse_args(argv)
    try:
        profiles = [load_profile(path, inventory_must_exist=False) for path in args.merchant_profile]
    except ProfileError as exc:
        print(f"the merchant profile has mistakes; fix them and run again:\n{exc}", file=sys.stderr)
        return 2
    live = args.gateway == "live"
    if live and any(needs_reference_merchant(p) for p in profiles):
        print("the reference merchant's profiles need --gateway sandbox.", file=sys.stderr)
        return 2
    with sync_playwright() as playwright, start_merchant_gateway(live) as gateway:
        try:
            browser = launch_browser(playwright, choose_browser(playwright, args.browser_path, args.browser_ws))
        except (BrowserNotFound, PlaywrightError) as exc:
            print(f"the browser did not start: {str(exc).splitlines()[0]}", file=sys.stderr)
            return 2
        for profile in profiles:
            scripts_path, headers_path = baseline_paths(profile)
            with closing_contexts(browser) as new_context, start_run(profile, new_context, gateway) as run:
                try:
                    run.open()
                    run.page.wait_for_load_state("load")
                except PlaywrightError as exc:
                    print(f"{profile.path}: the page {run.url} did not load ({str(exc).splitlines()[0]}); "
                          "check the profile's url and pre_steps.", file=sys.stderr)
                    return 2
                observed = run.observer.scripts_on(run.page, excluded_origin=GATEWAY_ORIGIN)
                page_headers = run.observer.page_headers(run.url)
                if page_headers is None:
                    print(f"{profile.path}: the page's own document response was not seen (a redirect?); "
                          "give the page's final address as the profile's url.", file=sys.stderr)
                    return 2
                headers = security_headers.snapshot(page_headers)
            script_inventory.write_inventory(observed, scripts_path)
            security_headers.write_baseline(headers, headers_path, page=profile.url)
            print(f"{profile.path}: {len(observed)} scripts → {scripts_path}; headers → {headers_path}")
            if not (profile.inventory.scripts and profile.inventory.headers):
                print(f"  add to {profile.path.name}: [inventory] scripts = \"{scripts_path.name}\" "
                      f"headers = \"{headers_path.name}\"")
        browser.close()
    print("Review every entry; replace each TODO justification with why the script is needed, then commit.")
    return 0


@contextlib.contextmanager
def closing_contexts(browser: Browser) -> Iterator[Callable[[Sequence[OriginRouting]], BrowserContext]]:
    """A context factory whose contexts are closed when the block ends."""
    opened: list[BrowserContext] = []

    def new_context(routes: Sequence[OriginRouting]) -> BrowserContext:
        opened.append(open_context(browser, routes=routes))
        return opened[-1]

    try:
        yield new_context
    finally:
        for context in opened:
            context.close()


if __name__ == "__main__":
    sys.exit(main())
