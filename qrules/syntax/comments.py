"""The ``#`` comments of a ruleset's text, found outside strings, back-quoted names and
regular expressions, for the formatter to keep."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Comment:
    line: int
    text: str
    standalone: bool  # alone on its line (else it trails code)
    after_blank: bool = False  # a blank line stands before it: paragraphs of comments stay


def scan_comments(text: str) -> list[Comment]:
    """Every ``#`` comment outside strings and regular expressions."""
    comments: list[Comment] = []
    lines = text.split("\n")  # as Lark counts lines: U+0085 or U+2028 in a string is no break
    for number, line in enumerate(lines, start=1):
        column = _comment_start(line)
        if column is not None:
            after_blank = number > 1 and not lines[number - 2].strip()
            standalone = not line[:column].strip()
            comments.append(Comment(number, line[column:].rstrip(), standalone, after_blank))
    return comments


def _comment_start(line: str) -> int | None:
    i, previous_word = 0, ""
    while i < len(line):
        char = line[i]
        if char == "#":
            return i
        if char in '"`' or (char == "/" and previous_word == "matches"):
            i = _skip_literal(line, i, char)
            previous_word = ""
            continue
        if char.isalpha():
            end = i
            while end < len(line) and (line[end].isalnum() or line[end] in "_.-"):
                end += 1
            previous_word, i = line[i:end], end
            continue
        if not char.isspace():
            previous_word = ""
        i += 1
    return None


def _skip_literal(line: str, start: int, quote: str) -> int:
    i = start + 1
    while i < len(line) and line[i] != quote:
        i += 2 if line[i] == "\\" else 1
    return i + 1
