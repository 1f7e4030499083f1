"""The ``billing`` command."""
