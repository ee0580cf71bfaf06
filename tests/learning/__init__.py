"""Learning-layer tests. A package, so test modules may share names with other layers' tests."""
