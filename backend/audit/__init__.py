"""Writing and verifying the hash-chained audit log."""
