"""Binds features/three_d_secure.feature to its steps."""

from pytest_bdd import scenarios

scenarios("three_d_secure.feature")
