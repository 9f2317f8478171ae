"""The acceptance-suite engine: what one scenario set up and saw, the API situations it provokes, and how its
results are judged against the catalogue."""
