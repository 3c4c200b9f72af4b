"""What the formatter prints as one unit: a header line, a statement's first line or a
clause, with the comments before it and after it on its lines; a clause that is a chain of
`and`s or `or`s wrapped one operand per line when it is too long or its comments trailed
several lines."""

from __future__ import annotations

from dataclasses import dataclass, field

from qrules.syntax.comments import Comment

INDENT = "  "
WIDTH = 100  # a clause longer than this is wrapped at its top-level `and`s or `or`s


@dataclass
class Element:
    """One printed unit (a header, a statement's first line, a clause) and its comments.

    ``parts`` is a clause that may be wrapped: a chain of ``and``/``or`` one part per
    operand, each with the source line it starts on. It is wrapped when one line would be
    longer than ``WIDTH``, or to keep comments that trailed different lines on their lines.
    """

    start: int
    end: int
    leading: list[Comment] = field(default_factory=list)
    trailing: list[Comment] = field(default_factory=list)
    parts: list[tuple[str, int]] = field(default_factory=list)

    def lines(self, indent: str, text: str) -> list[str]:
        """The element's comments and its own lines; comment paragraphs keep their gaps."""
        lines: list[str] = []
        for comment in self.leading:
            if comment.after_blank and lines:
                lines.append("")
            lines.append(indent + comment.text)
        if self.leading and self.leading[-1].line < self.start - 1:
            lines.append("")  # the comments were set apart from the element
        return lines + self._own(indent, text)

    def _own(self, indent: str, text: str) -> list[str]:
        wrap = len(indent + text) > WIDTH or len({c.line for c in self.trailing}) > 1
        if not self.parts or not wrap:
            return [indent + text + "".join(f"  {c.text}" for c in self.trailing)]
        own = [
            indent + (INDENT if index else "") + part for index, (part, _) in enumerate(self.parts)
        ]
        for comment in self.trailing:  # on the line of the operand it trailed
            at = max(
                (i for i, (_, line) in enumerate(self.parts) if line <= comment.line), default=0
            )
            own[at] += f"  {comment.text}"
        return own
