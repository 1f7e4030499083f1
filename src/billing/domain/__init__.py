"""Plain immutable domain values: no I/O, no ORM."""
