"""Demo data: a reproducible, realistic directory for trying ContactPoint and benchmarking it."""
