"""Binds features/popup_mode.feature to its steps."""

from pytest_bdd import scenarios

scenarios("popup_mode.feature")
