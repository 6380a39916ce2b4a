"""Placeholder; filled by the games work."""

__all__: list[str] = []
