"""Pure domain rules (no I/O): identifiers, names, postcodes."""
