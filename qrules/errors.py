"""Errors qrules raises when it cannot do its job.

Every error knows where it happened (source, line, column) and, where possible, what the
user should do about it. The CLI prints them as ``file:line:col: error: message``, followed
by the source line with a caret and the hint; never as a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class QrulesError(Exception):
    """Base class: something qrules cannot work with, located in a source file."""

    kind = "error"

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        context: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        self.hint = hint
        self.context = context

    @property
    def location(self) -> str:
        parts = [self.source or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def render(self) -> str:
        """The whole message a person reads: location, message, source line and caret, hint."""
        where = f"{self.location}: " if self.source or self.line else ""  # an option: no place
        lines = [f"{where}{self.kind}: {self.message}"]
        if self.context:
            lines.append(self.context.rstrip("\n"))
        if self.hint:
            lines.append(f"hint: {self.hint}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class RuleSyntaxError(QrulesError):
    """A ruleset file does not follow the grammar."""

    kind = "syntax error"


class RulesetError(QrulesError):
    """A ruleset parses but cannot be used: duplicate ids, unknown functions, bad regexes..."""


class UsageError(QrulesError):
    """A bad option or argument (a sampling lot of 1, an unknown AQL...)."""


def did_you_mean(word: str, choices: Iterable[str], *, list_them: bool = True) -> str | None:
    """A hint naming the closest choice, else (when few) all of them."""
    options = list(choices)
    close = difflib.get_close_matches(word, options, n=1)
    if close:
        return f"did you mean `{close[0]}`?"
    return f"one of: {', '.join(options)}" if list_them and len(options) <= 12 else None


def source_context(text: str, line: int, column: int) -> str:
    """The source line and a caret under ``column`` (both 1-based), for error messages."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    source_line = lines[line - 1].expandtabs(1)
    start = max(0, column - 1 - CONTEXT_WIDTH // 2)  # long lines: the part around the caret
    shown = source_line[start : start + CONTEXT_WIDTH]
    before, after = (
        ("…" if start else ""),
        ("…" if start + CONTEXT_WIDTH < len(source_line) else ""),
    )
    caret = " " * (max(column, 1) - 1 - start + len(before)) + "^"
    return f"  {before}{shown}{after}\n  {caret}"


CONTEXT_WIDTH = 120
