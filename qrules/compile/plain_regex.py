"""Patterns Python's `re` may answer for RE2: about twenty times faster a call from Python,
and safe where nothing can backtrack far.

Two conditions. The same answer: the pattern uses only syntax both engines read alike
(literals, escaped metacharacters, \\b \\d \\w, classes of ASCII letters and digits, groups,
alternation, anchors), with no flag but ``i``, and the text is ASCII without a line break
(Python widens \\s to \\x1c-\\x1f, and lets `$` match before a final newline; RE2 does
neither). Whether a match exists is then the same question for both. And bounded work: no
unbounded repetition (``*``, ``+``, ``{n,}``) and none of a group, so that the ways one
start can match are at most :data:`MAX_PATHS` (the product of alternatives and of counted
repetitions), for texts of at most :data:`MAX_TEXT` characters. Anything else stays with
RE2, which is linear whatever the pattern.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

MAX_PATHS = 64  # the ways a pattern may match from one start
MAX_TEXT = 256  # longer texts go to RE2
MEMO_ENTRIES, MEMO_TEXT = 4096, 64  # per pattern: short texts whose RE2 answer is kept

_TOKEN = re.compile(
    r"""
      (?P<atom> [A-Za-z0-9 _\-:/,=#%&@~'"<>;!.]
              | \\[.\-()\[\]{}|^$*+?/\\dw]
              | \[\^?(?:[A-Za-z0-9]-[A-Za-z0-9]|[A-Za-z0-9 _:/,.])+\] )
    | (?P<anchor> [$^] | \\b )
    | (?P<open> \(\?: | \((?!\?) )
    | (?P<close> \) )
    | (?P<bar> \| )
    | (?P<optional> \? )
    | (?P<counted> \{(?P<low>[0-9]{1,3})(?:,(?P<high>[0-9]{1,3}))?\} )
    """,
    re.VERBOSE,
)


def searcher(program: Any, plain: re.Pattern[str] | None) -> Callable[[str], bool]:
    """Whether RE2's ``program`` finds a match in a text: by ``plain`` where it answers the
    same, else by RE2, whose answers are kept for short texts (RE2 costs microseconds a call
    from Python, and agreements repeat their values: country codes, standards). RE2 raises
    UnicodeError on a lone surrogate, as before."""
    seen: dict[str, bool] = {}

    def found(text: str) -> bool:
        if plain is not None and len(text) <= MAX_TEXT and text.isascii() and "\n" not in text:
            return plain.search(text) is not None
        answer = seen.get(text)
        if answer is None:
            answer = program.search(text) is not None
            if len(seen) < MEMO_ENTRIES and len(text) <= MEMO_TEXT:
                seen[text] = answer
        return answer

    return found


def plain_program(pattern: str, flags: str) -> re.Pattern[str] | None:
    """The pattern compiled for Python's `re` when both conditions hold, else None."""
    if flags not in ("", "i") or _paths(pattern) is None:
        return None
    try:
        return re.compile(pattern, re.ASCII | (re.IGNORECASE if flags else 0))
    except re.error:
        return None


def _paths(pattern: str) -> int | None:
    """How many ways the pattern can match from one start, at most; None when it is not
    in the syntax above or has no such bound."""
    groups = [1]  # alternatives of each open group, the whole pattern first
    paths, position, last = 1, 0, ""  # last: what a repetition would apply to
    while position < len(pattern):
        token = _TOKEN.match(pattern, position)
        if token is None:
            return None
        kind, position = str(token.lastgroup), token.end()
        if kind in ("optional", "counted"):
            if last != "atom":
                return None  # a repetition of a group, an anchor or a repetition
            low, high = token.group("low"), token.group("high")
            paths *= 2 if kind == "optional" else int(high or low) - int(low or 0) + 1
        elif kind == "open":
            groups.append(1)
        elif kind == "close":
            if len(groups) == 1:
                return None
            paths *= groups.pop()
        elif kind == "bar":
            groups[-1] += 1
        last = kind
        if paths > MAX_PATHS:
            return None
    return paths * groups[0] if len(groups) == 1 and paths * groups[0] <= MAX_PATHS else None
