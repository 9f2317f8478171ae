"""The core both engines share: cards, origins and routing, browser launch, redaction, the card-data guard,
the submission probe and the one rule it feeds, and the TOML reader with suggestions."""
