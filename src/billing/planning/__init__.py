"""Price setting for full cost recovery: a multi-year price plan (pure: no I/O)."""
