"""Binds features/merchant_page.feature and its Japanese twin features/ja/merchant_page.feature to their steps
(once per merchant profile); --lang (RP_LANG) chooses which of the two runs."""

from pytest_bdd import scenarios

scenarios("merchant_page.feature")
scenarios("ja/merchant_page.feature")
