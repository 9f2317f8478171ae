"""Loads the harness plugin for every pytest run from this folder (the suites and the project's tests)."""

pytest_plugins = ["harness.plugin", "harness.reporting.cucumber_json"]
