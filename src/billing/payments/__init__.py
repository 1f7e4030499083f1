"""The customer ledger's pure rules: OCR references, bank payments as values, applying them, open items, ageing, reminders."""
