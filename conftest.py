"""Loads the harness plugin and the step definitions for every test run from this folder."""

pytest_plugins = ["harness.plugin", "steps.billing_steps", "steps.checkout_steps", "steps.api_steps"]
