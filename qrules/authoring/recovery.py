"""Every syntax and compile error of one ruleset file in one run, not only the first.

Lark stops at the first error. After each one the broken part is blanked out (its lines
kept, so later lines keep their numbers) and the file is read again: for a syntax error the
clause it stands in, from its keyword (``require``, ``message``, a tier...) to the next one,
or the whole statement where the error is in the statement's own first line; for a compile
error the statement. An error that only follows from the blanking (a term left without
tiers) is not reported: the whole statement is blanked instead. Each error keeps its line,
column and caret in the text as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from qrules.errors import QrulesError, source_context

MAX_ERRORS = 50
# Statements start at the left margin; clauses are indented by convention but need not be.
STATEMENT = re.compile(r"(rule|term|scope|let|param|import|override|disable|replace)\b")
CLAUSE = re.compile(
    r"\s*(severity|ref|when|let|require|message|hint|prefer|accept|reject|version|schema)\b"
)


CONTINUED = re.compile(r"\s*(and|or|not|#)\b|\s*#")  # a line that carries on a condition


@dataclass
class Recovery:
    """What ``all_errors`` found: the errors, what could be loaded once the broken parts
    were blanked (None if nothing could), and the statements that lost a part (1-based
    first and end lines), whose remaining checks would only repeat the errors."""

    errors: list[QrulesError]
    loaded: Any = None
    touched: list[tuple[int, int]] = field(default_factory=list)

    def touches(self, line: int) -> bool:
        return any(first <= line < end for first, end in self.touched)


@dataclass(frozen=True)
class _Region:
    first: int  # 0-based line indexes, end exclusive
    end: int
    clause: bool


def all_errors(text: str, source: str, load: Callable[[str], Any]) -> Recovery:
    """The errors ``load`` (parse and compile one text) raises, one after the other, as
    the broken parts are blanked out."""
    lines = text.split("\n")
    found = Recovery([])
    last: _Region | None = None
    while len(found.errors) < MAX_ERRORS:
        try:
            found.loaded = load("\n".join(lines))
            return found
        except QrulesError as error:
            line = (error.line or 0) - 1
            if last is not None and last.clause and _follows_from(lines, line, last):
                region = _statement(lines, last.first)
            else:
                found.errors.append(_as_written(error, text))
                region = _region(lines, line, error.column or 1, error.kind == "syntax error")
            if region is None or not any(lines[region.first : region.end]):
                return found
            statement = _statement(lines, region.first) or region
            found.touched.append((statement.first + 1, statement.end + 1))
            lines[region.first : region.end] = [""] * (region.end - region.first)
            last = region
    return found


def _as_written(error: QrulesError, text: str) -> QrulesError:
    if error.line:
        error.context = source_context(text, error.line, error.column or 1) or None
    return error


def _follows_from(lines: list[str], line: int, blanked: _Region) -> bool:
    """Whether an error only follows from blanking a clause: it stands where the statement
    after it begins (a term left without tiers), or at the end of the file."""
    if line >= len(lines) - 1 and not any(lines[blanked.end :]):
        return True
    return line == blanked.end and STATEMENT.match(lines[line]) is not None


def _region(lines: list[str], line: int, column: int, syntax: bool) -> _Region | None:
    """The part of the file to blank after an error at ``line``."""
    if not 0 <= line < len(lines):
        return None
    start = _start(lines, line, lambda text: STATEMENT.match(text) is not None)
    if start is None:
        return None  # in the header: nothing to resynchronise on
    if not syntax or start == line:
        return _statement(lines, start)
    if column - 1 == len(lines[line]) - len(lines[line].lstrip()):
        clause: int | None = line  # the line's first word is wrong: a misspelt keyword
    else:
        clause = _start(lines, line, lambda text: bool(CLAUSE.match(text) or STATEMENT.match(text)))
    if clause is None or clause == start:
        return _statement(lines, start)
    return _Region(clause, _clause_end(lines, clause), clause=True)


def _statement(lines: list[str], line: int) -> _Region | None:
    start = _start(lines, line, lambda text: STATEMENT.match(text) is not None)
    if start is None:
        return None
    return _Region(start, _next(lines, start, clause_too=False), clause=False)


def _start(lines: list[str], line: int, starts: Callable[[str], bool]) -> int | None:
    for index in range(line, -1, -1):
        if starts(lines[index]):
            return index
    return None


def _clause_end(lines: list[str], line: int) -> int:
    """The next line that starts a statement, a clause, or anything at the clause's own
    indentation (a misspelt keyword); deeper lines continue the clause."""
    indent = _indent(lines[line])
    for index in range(line + 1, len(lines)):
        text = lines[index]
        if STATEMENT.match(text) or CLAUSE.match(text):
            return index
        if text.strip() and _indent(text) <= indent and not CONTINUED.match(text):
            return index
    return len(lines)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _next(lines: list[str], line: int, *, clause_too: bool) -> int:
    """The next line after ``line`` that starts a statement (or a clause)."""
    for index in range(line + 1, len(lines)):
        text = lines[index]
        if STATEMENT.match(text) or (clause_too and CLAUSE.match(text)):
            return index
    return len(lines)


def file_errors(error: QrulesError) -> list[QrulesError]:
    """All errors of the ruleset file one error is in (``check`` refusing a ruleset shows
    them together); just that error when the file cannot be read again or disagrees."""
    from pathlib import Path

    from qrules.ruleset import compile_text, read_ruleset_text

    path = Path(error.source or "")
    if not error.line or path.suffix != ".qr" or not path.is_file():
        return [error]
    try:
        text = read_ruleset_text(path)
    except QrulesError:
        return [error]
    found = all_errors(text, error.source or "", lambda t: compile_text(t, str(path), path.parent))
    same = [(e.line, e.column, e.message) for e in found.errors]
    return found.errors if (error.line, error.column, error.message) in same else [error]
