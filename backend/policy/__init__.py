"""The one place that decides who may see what of a child, and why not. No I/O here."""
