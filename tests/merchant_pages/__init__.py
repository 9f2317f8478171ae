"""Merchant checkout pages, compliant and deliberately broken, for proving that the merchant checks bite."""
