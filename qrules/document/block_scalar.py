"""A block scalar of the fast path's subset, from its lines: literal (`|`) or folded (`>`),
clipped (one final line break) or stripped (`-`), its indentation that of its first line.
Anything doubtful (blank lines before the first line, or with more spaces than the
indentation; a folded line more indented than the others; no line at all) is None, and
libyaml reads the text."""

from __future__ import annotations


class BlockScalar:
    """The lines of one block scalar, each without the content's indentation ("" for a
    blank one); ``floor``: the column of its collection, which the content must pass."""

    def __init__(self, header: str, floor: int) -> None:
        self.header = header
        self.floor = floor
        self.indent = -1
        self.lines: list[str] = []

    def take(self, line: str) -> bool | None:
        """Whether the line is the block's (False: the block ended before it)."""
        text = line.lstrip(" ")
        if not text:
            if self.indent < 0 or len(line) > self.indent:
                return None  # blank lines before the first, or spaces that may be content
            self.lines.append("")
            return True
        column = len(line) - len(text)
        if self.indent < 0:
            if column <= self.floor:
                return None  # an empty block scalar
            self.indent = column
        if column < self.indent:
            return False
        self.lines.append(line[self.indent :])
        return True

    def text(self, final_break: bool) -> str | None:
        """The scalar's text; ``final_break``: whether a line break ends its last line."""
        lines = self.lines
        while lines and not lines[-1]:
            lines.pop()
        if not lines:
            return None
        if self.header[0] == "|":
            text = "\n".join(lines)
        elif any(line[:1] == " " for line in lines):
            return None  # folded, with more-indented lines: kept apart by rules of their own
        else:  # folded: a line break is a space, or, after blank lines, a break for each
            text, blanks = lines[0], 0
            for line in lines[1:]:
                if not line:
                    blanks += 1
                    continue
                text += ("\n" * blanks if blanks else " ") + line
                blanks = 0
        return text + "\n" if final_break and self.header[-1:] != "-" else text
