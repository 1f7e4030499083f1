"""Reports for people and for other tools: tables, CSV, JSON, HTML."""
