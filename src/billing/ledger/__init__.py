"""The centre's ledger: issued documents as balanced vouchers, exported as SIE 4."""
