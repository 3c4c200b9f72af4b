"""Lark parse tree → AST, part one: the helpers every node needs (spans, strings, names)
and the definitions between a ruleset's header and its first rule (``let``, ``param``,
``import``, ``override``, ``disable``, ``replace``)."""

from __future__ import annotations

import json
from typing import Any

from lark import Token, Transformer, v_args
from lark.tree import Meta

from qrules.errors import RulesetError, RuleSyntaxError, source_context
from qrules.syntax import ast


def span_of(meta: Meta | Token) -> ast.Span:
    if getattr(meta, "empty", False):
        return ast.NO_SPAN
    return ast.Span(meta.line, meta.column, meta.end_line, meta.end_column)  # type: ignore[arg-type]


def unquote(token: Token, source: str) -> str:
    try:
        value = json.loads(token)
    except json.JSONDecodeError as error:
        raise RuleSyntaxError(
            "invalid escape sequence in a string",
            source=source,
            line=token.line,
            column=(token.column or 1) + error.pos,
            hint='strings allow \\" \\\\ \\n \\t and \\uXXXX; write regular expressions as /.../',
        ) from None
    assert isinstance(value, str)
    return value


def field_name(token: Token) -> str:
    """A field name as the agreement spells it: `x-complaints` is written back-quoted."""
    return str(token)[1:-1] if token.type == "QUOTED_NAME" else str(token)


@v_args(meta=True)
class Definitions(Transformer[Token, Any]):
    """Builds the definition nodes; the expression and statement nodes are ``ToAst``'s."""

    source: str
    text: str

    def _error(self, token: Token, message: str, hint: str) -> RulesetError:
        line, column = token.line or 1, token.column or 1
        return RulesetError(
            message,
            source=self.source,
            line=line,
            column=column,
            hint=hint,
            context=source_context(self.text, line, column),
        )

    def constant(self, meta: Meta, children: list[Any]) -> ast.Constant:
        name, value = children
        return ast.Constant(str(name), value, span=span_of(meta))

    def param(self, meta: Meta, children: list[Any]) -> ast.Constant:
        name, value, *text = children
        description = unquote(text[0], self.source) if text else None
        return ast.Constant(str(name), value, True, description, span_of(meta))

    def import_stmt(self, meta: Meta, children: list[Token]) -> ast.Import:
        (target,) = children
        if target.type == "STRING":
            return ast.Import(unquote(target, self.source), True, span_of(meta))
        return ast.Import(str(target), False, span_of(meta))

    def override(self, meta: Meta, children: list[Any]) -> ast.Adjustment:
        rule, level, reason = children
        severity = str(level.children[0])
        return ast.Adjustment(
            "override", str(rule), self._reason(reason), severity, None, span_of(meta)
        )

    def disable(self, meta: Meta, children: list[Token]) -> ast.Adjustment:
        rule, reason = children
        return ast.Adjustment("disable", str(rule), self._reason(reason), span=span_of(meta))

    def replace(self, meta: Meta, children: list[Token]) -> ast.Adjustment:
        rule, replacement, reason = children
        reason_text = self._reason(reason)
        return ast.Adjustment(
            "replace", str(rule), reason_text, None, str(replacement), span_of(meta)
        )

    def _reason(self, token: Token) -> str:
        text = unquote(token, self.source)
        if not text.strip():
            raise self._error(
                token, "the reason is empty", "say why, for whoever reviews the ruleset"
            )
        return text
