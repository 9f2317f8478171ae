"""The harness engine: targets, browser, API client, card-data guard, redaction and reporting glue."""
