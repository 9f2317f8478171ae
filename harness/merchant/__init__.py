"""The merchant-verification engine: a merchant's profile, one observed purchase of its page, the checks that
judge it, the script inventory and header baselines, and the approve command."""
