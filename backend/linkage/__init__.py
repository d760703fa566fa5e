"""Record linkage: how alike an incoming description and a child's record are, and how
likely that makes them the same child (Fellegi-Sunter). Search uses it; data feeds will.

fields.py    the fields compared and their agreement levels (the SQL comparison functions
             of migration 0008 return these codes)
model.py     m and u per level, match weights, the thresholds of a strong or possible match
em.py        estimating m, u and the match share from comparison patterns (EM)
training.py  `contactpoint linkage train`: samples the directory, runs EM, stores a model
"""
