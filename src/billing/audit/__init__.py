"""Invoice audit: checks that issued documents are complete, correct and
traceable. The checks are pure: loaded values in, findings out."""
