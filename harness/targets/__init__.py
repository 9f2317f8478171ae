"""What the suites run against: settings (sandbox or staging), the running target, the billing API client,
the sandbox's control client and the reference merchant's set-up client."""
