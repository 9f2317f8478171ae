"""Binds features/credit_card_token_api.feature to its steps."""

from pytest_bdd import scenarios

scenarios("credit_card_token_api.feature")
