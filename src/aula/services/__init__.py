"""Use cases: what the web and the CLI ask of Aula, one typed function each (no HTTP here)."""
