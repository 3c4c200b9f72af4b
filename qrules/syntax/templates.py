"""A message's or hint's text → its literal parts and ``{expr}`` holes."""

from __future__ import annotations

from collections.abc import Callable

from lark import Token

from qrules.errors import RuleSyntaxError
from qrules.syntax import ast

TemplateParser = Callable[[str, int, int], ast.Expr]


def split_template(
    text: str, token: Token, source: str, parse_hole: TemplateParser
) -> tuple[str | ast.Expr, ...]:
    """``"n={plan.n}, {{literal}}"`` → ``("n=", <Path plan.n>, ", {literal}")``."""
    parts: list[str | ast.Expr] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in "{}" and text[i : i + 2] == char * 2:
            literal.append(char)
            i += 2
        elif char == "{":
            end = text.find("}", i)
            column = (token.column or 1) + 1 + i
            if end < 0:
                raise RuleSyntaxError(
                    "unclosed `{` in a message",
                    source=source,
                    line=token.line,
                    column=column,
                    hint="close the hole with `}`, or write `{{` for a literal brace",
                )
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(parse_hole(text[i + 1 : end], token.line or 1, column + 1))
            i = end + 1
        elif char == "}":
            raise RuleSyntaxError(
                "a `}` without its `{` in a message",
                source=source,
                line=token.line,
                column=(token.column or 1) + 1 + i,
                hint="write `}}` for a literal brace",
            )
        else:
            literal.append(char)
            i += 1
    if literal:
        parts.append("".join(literal))
    return tuple(parts)
