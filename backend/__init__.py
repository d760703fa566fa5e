"""ContactPoint: a national directory of who works with which child."""
