"""Binds features/registration_end_to_end.feature to its steps."""

from pytest_bdd import scenarios

scenarios("registration_end_to_end.feature")
