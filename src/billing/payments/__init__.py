"""Payment references and matching of payments to invoices."""
