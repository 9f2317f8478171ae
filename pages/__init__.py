"""Page objects: one class per page a user sees. Selectors and user actions only — no assertions."""
