"""Alembic migrations of the store (a package so they ship in the wheel)."""
