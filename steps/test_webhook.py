"""Binds features/webhook.feature to its steps."""

from pytest_bdd import scenarios

scenarios("webhook.feature")
