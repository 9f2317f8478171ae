"""Step definitions: glue from Gherkin sentences to page objects and clients."""
