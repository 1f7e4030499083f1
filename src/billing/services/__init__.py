"""Use cases: each takes a Session inside the caller's transaction and never commits."""
