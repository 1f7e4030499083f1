"""The rating engine: pure functions from domain values to rated lines.

Nothing here does I/O or knows the database or the command line.
"""
