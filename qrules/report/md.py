"""Markdown text helpers shared by the memo and the coverage matrix.

All text that comes from agreements or rulesets goes through ``escape`` or ``code``, so a
`|` in a reason cannot break a table and a `*` cannot start emphasis.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")


@functools.lru_cache(maxsize=4096)  # a batch repeats its clauses and rule titles thousands of times
def escape(text: str) -> str:
    """User text for inline Markdown: special characters escaped, line breaks as spaces."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def code(text: str, *, in_table: bool = False) -> str:
    """A code span long enough for the backticks inside it; pipes escaped inside tables."""
    text = " ".join(str(text).split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    span = f"{fence}{padded}{fence}"
    return span.replace("|", "\\|") if in_table else span


def table(header: Iterable[str], rows: Iterable[Iterable[str]], numeric: int = 0) -> list[str]:
    """A table; the last ``numeric`` columns are right-aligned counts."""
    header = list(header)
    align = [" --- |"] * (len(header) - numeric) + [" ---: |"] * numeric
    lines = ["| " + " | ".join(header) + " |", "|" + "".join(align)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")
