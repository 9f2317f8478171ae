"""Binds features/merchant_page.feature to its steps (once per merchant profile)."""

from pytest_bdd import scenarios

scenarios("merchant_page.feature")
