"""Data feeds: source extracts read, checked, matched to children and loaded (SPEC 7)."""
