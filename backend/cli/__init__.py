"""The `contactpoint` console script."""
