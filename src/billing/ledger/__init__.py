"""The centre's ledger: issued documents as balanced vouchers, exported as an SIE 4I import file."""
