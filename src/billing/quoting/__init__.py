"""What-if pricing: quotes for prospective agencies and draft price lists,
priced by the same rating engine that invoices."""
