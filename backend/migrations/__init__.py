"""Alembic migration history of the directory's schema."""
