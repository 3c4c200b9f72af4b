"""Regular expressions of ``matches``, compiled for RE2: linear time whatever the pattern
or the text, so no agreement can make a rule hang. What RE2 cannot run is refused with the
place in the pattern, by the compiler and by lint alike."""

from __future__ import annotations

import re
from typing import Any

from qrules.errors import RulesetError, source_context
from qrules.limits import MAX_REGEX_BYTES, REGEX_PROGRAM_SIZE
from qrules.syntax import ast

REGEX_HINT = "qrules uses RE2 syntax: no backreferences or lookaround"


RE2_LACKS = (
    ("(?<=", "lookbehind"),
    ("(?<!", "lookbehind"),
    ("(?=", "lookahead"),
    ("(?!", "lookahead"),
    ("(?>", "atomic groups"),
    ("(?P=", "backreferences"),
    ("(?(", "conditionals"),
    ("(?#", "comments"),
)


BACKREFERENCE = re.compile(r"\\([1-9]|k)")


class RegexProblem(Exception):
    """Why a pattern cannot be used, and where in it (0 is its first character)."""

    def __init__(self, message: str, offset: int = 0, hint: str = REGEX_HINT) -> None:
        super().__init__(message)
        self.message, self.offset, self.hint = message, offset, hint


def compile_regex(node: ast.Matches, source: str, text: str) -> Any:
    """The one place a rule's regular expression is compiled (the compiler and lint both
    come here): RE2, flags i m s, bounded length and program size; errors located in it."""
    try:
        return regex_program(node.pattern, node.flags)
    except RegexProblem as problem:
        span = node.span
        # The pattern ends the `matches` expression: /pattern/flags.
        start = span.end_column - len(node.flags) - 1 - len(node.pattern)
        line, column = span.end_line or 1, max(start, 1) + problem.offset
        shown = node.pattern if len(node.pattern) <= 60 else node.pattern[:59] + "…"
        raise RulesetError(
            f"invalid regular expression /{shown}/: {problem.message}",
            source=source,
            line=line,
            column=column,
            hint=problem.hint,
            context=source_context(text, line, column),
        ) from None


def regex_program(pattern: str, flags: str) -> Any:
    """``pattern`` compiled by RE2, or :class:`RegexProblem`."""
    if len(pattern) > MAX_REGEX_BYTES:
        raise RegexProblem(
            f"{len(pattern):,} characters long, at most {MAX_REGEX_BYTES:,} are allowed",
            hint="split it into several `matches` joined by `and` or `or`",
        )
    if "x" in flags:
        raise RegexProblem(
            "RE2 has no verbose mode (flag x)",
            len(pattern) + 1 + flags.index("x"),
            "remove the x flag, and the spaces and comments it allowed",
        )
    import re2  # here: most rulesets compile without a regex, and RE2 costs ~10 ms to load

    options = re2.Options()
    options.log_errors = False  # RE2 would print every error to stderr itself
    options.case_sensitive = "i" not in flags
    options.dot_nl = "s" in flags
    prefix = "(?m)" if "m" in flags else ""  # RE2's Options have no multi-line switch
    try:
        program = re2.compile(prefix + pattern, options)
    except re2.error as error:
        raise _re2_problem(error, pattern, prefix) from None
    if program.programsize > REGEX_PROGRAM_SIZE:
        raise _too_complex()
    return program


def _re2_problem(error: Exception, pattern: str, prefix: str) -> RegexProblem:
    reason = error.args[0] if error.args else str(error)
    reason = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    if reason.startswith("pattern too large"):
        return _too_complex()
    offset = _offset(pattern, prefix, reason)
    lacking = _lacking(pattern, offset, reason)
    if lacking:
        return RegexProblem(f"RE2 does not support {lacking}", offset)
    return RegexProblem(reason, offset)


def _offset(pattern: str, prefix: str, reason: str) -> int:
    """Where in the pattern RE2 stopped: it quotes the start of the offending part, which
    may also begin parts it accepts (`(?P` of `(?P<name>` and of `(?P=name)`)."""
    fragment = reason.partition(": ")[2]
    if not fragment:
        return 0
    found = [m.start() - len(prefix) for m in re.finditer(re.escape(fragment), prefix + pattern)]
    found = [offset for offset in found if offset >= 0] or [0]
    return next((o for o in found if _lacking(pattern, o, reason)), found[0])


def _lacking(pattern: str, offset: int, reason: str) -> str | None:
    """The Perl or Python feature RE2 lacks that the error stopped at, if it is one."""
    for start, feature in RE2_LACKS:
        if pattern.startswith(start, offset):
            return feature
    if BACKREFERENCE.match(pattern, offset):
        return "backreferences"
    if reason.startswith("bad repetition operator") and reason.endswith("+"):
        return "possessive repetition"
    return None


def _too_complex() -> RegexProblem:
    return RegexProblem(
        f"too complex: RE2 compiles it to more than {REGEX_PROGRAM_SIZE:,} instructions",
        hint="use fewer or smaller repetitions",
    )
