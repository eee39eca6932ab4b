"""Translation hook for user-facing text. A placeholder until the real catalogue lands:
``_`` returns its argument, so wrapping strings now costs nothing and marks them for
extraction later."""

from __future__ import annotations


def _(text: str) -> str:
    """The translation of ``text`` (for now: ``text`` itself)."""
    return text
