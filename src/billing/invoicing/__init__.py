"""Invoice arithmetic: VAT per rate, rounding and totals. Pure."""
