"""Domain operations: each reads or changes the directory for one caller, and audits it."""
