"""Binds features/custom_mode.feature to its steps."""

from pytest_bdd import scenarios

scenarios("custom_mode.feature")
