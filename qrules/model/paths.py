"""Paths into a document: ``("scope", "products", 2, "revision")``, written
``scope.products[2].revision`` in messages and reports."""

from __future__ import annotations

DocPath = tuple[str | int, ...]
Location = tuple[int, int]  # 1-based line and column


def dotted(path: DocPath) -> str:
    """``("scope", "products", 2, "revision")`` → ``scope.products[2].revision``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
