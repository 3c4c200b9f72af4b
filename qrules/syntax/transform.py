"""Lark parse tree → AST. Each method builds one node and gives it its source span."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import Any

from lark import Token, v_args
from lark.tree import Meta

from qrules.errors import RuleSyntaxError
from qrules.limits import MAX_LITERAL_DIGITS
from qrules.model.values import Duration, Percent, read_untyped
from qrules.syntax import ast
from qrules.syntax.definitions import Definitions, field_name, span_of, unquote
from qrules.syntax.templates import TemplateParser, split_template


@dataclass(frozen=True)
class Clause:
    """One clause of a rule or term as parsed, before it becomes a field of the node."""

    name: str
    value: Any
    span: ast.Span


@v_args(meta=True)
class ToAst(Definitions):
    """Builds frozen AST nodes. ``parse_hole`` parses the ``{expr}`` holes of messages."""

    def __init__(self, source: str, text: str, parse_hole: TemplateParser) -> None:
        super().__init__()
        self.source = source
        self.text = text
        self.parse_hole = parse_hole

    # ------------------------------------------------------------------ literals
    def number(self, meta: Meta, children: list[Token]) -> ast.Literal:
        return ast.Literal(self._number(children[0]), span_of(meta))

    def percent(self, meta: Meta, children: list[Token]) -> ast.Literal:
        return ast.Literal(Percent(float(self._number(children[0], "%"))), span_of(meta))

    def duration(self, meta: Meta, children: list[Token]) -> ast.Literal:
        amount, unit = children
        return ast.Literal(Duration.of(self._number(amount), unit), span_of(meta))

    def _number(self, token: Token, suffix: str = "") -> int | float:
        """A number as written; refused when it is too long to mean anything (or, past
        4,300 digits, for Python to read) or too large for a float."""
        text = str(token).removesuffix(suffix)
        digits = sum(char.isdigit() for char in text)
        if digits > MAX_LITERAL_DIGITS:
            raise self._error(
                token,
                f"number too long: {digits:,} digits, at most {MAX_LITERAL_DIGITS} are read",
                "write the number with fewer digits",
            )
        value = int(text) if text.isdigit() else float(text)
        if not math.isfinite(value):
            raise self._error(token, f"number too large: {text}", "write a smaller exponent")
        return value

    def date(self, meta: Meta, children: list[Token]) -> ast.Literal:
        token = children[0]
        try:
            value = dt.date.fromisoformat(token)
        except ValueError:
            raise RuleSyntaxError(
                f"{token} is not a valid date",
                source=self.source,
                line=token.line,
                column=token.column,
                hint="dates are written YYYY-MM-DD",
            ) from None
        return ast.Literal(value, span_of(meta))

    def string(self, meta: Meta, children: list[Token]) -> ast.Literal:
        token = children[0]
        text = unquote(token, self.source)
        # Text that reads as a duration, percentage or date is one, as agreement text is;
        # a string written with an escape stays text (the formatter relies on it).
        value = text if "\\" in token else read_untyped(text)
        return ast.Literal(value, span_of(meta))

    def true(self, meta: Meta, children: list[Any]) -> ast.Literal:
        return ast.Literal(True, span_of(meta))

    def false(self, meta: Meta, children: list[Any]) -> ast.Literal:
        return ast.Literal(False, span_of(meta))

    def null(self, meta: Meta, children: list[Any]) -> ast.Literal:
        return ast.Literal(None, span_of(meta))

    def record(self, meta: Meta, children: list[Any]) -> ast.Record:
        items: dict[str, ast.Expr] = {}
        for key, value in children:
            name = unquote(key, self.source) if key.type == "STRING" else field_name(key)
            if name in items:
                raise self._error(key, f"the record has `{name}` twice", "give each key once")
            items[name] = value
        return ast.Record(tuple(items.items()), span_of(meta))

    def record_item(self, meta: Meta, children: list[Any]) -> tuple[Token, ast.Expr]:
        key, value = children
        return key, value

    def conditional(self, meta: Meta, children: list[Any]) -> ast.Conditional:
        condition, then, otherwise = children
        return ast.Conditional(condition, then, otherwise, span_of(meta))

    def implies(self, meta: Meta, children: list[Any]) -> ast.Binary:
        return ast.Binary("implies", children[0], children[1], span_of(meta))

    def list_(self, meta: Meta, children: list[Any]) -> ast.ListExpr:
        return ast.ListExpr(tuple(c for c in children if c is not None), span_of(meta))

    # ------------------------------------------------------------------ paths and calls
    def path(self, meta: Meta, children: list[Any]) -> ast.Path:
        root, *segments = children
        return ast.Path(field_name(root), tuple(segments), span_of(meta))

    def field(self, meta: Meta, children: list[Token]) -> ast.Field:
        return ast.Field(field_name(children[0]), span_of(children[0]))

    def index(self, meta: Meta, children: list[Any]) -> ast.Index:
        return ast.Index(children[0], span_of(meta))

    def call(self, meta: Meta, children: list[Any]) -> ast.Call:
        name, *args = children
        return ast.Call(str(name), tuple(a for a in args if a is not None), span_of(meta))

    def count(self, meta: Meta, children: list[Any]) -> ast.Count:
        var, iterable, condition = children
        return ast.Count(str(var), iterable, condition, span_of(meta))

    def quantifier(self, meta: Meta, children: list[Any]) -> ast.Quantifier:
        kind, var, iterable, body = children
        return ast.Quantifier(str(kind.children[0]), str(var), iterable, body, span_of(meta))

    # ------------------------------------------------------------------ operators
    def or_(self, meta: Meta, children: list[Any]) -> ast.Expr:
        return ast.joined("or", children)

    def and_(self, meta: Meta, children: list[Any]) -> ast.Expr:
        return ast.joined("and", children)

    def not_(self, meta: Meta, children: list[Any]) -> ast.Unary:
        return ast.Unary("not", children[0], span_of(meta))

    def neg(self, meta: Meta, children: list[Any]) -> ast.Unary:
        return ast.Unary("-", children[0], span_of(meta))

    def compare(self, meta: Meta, children: list[Any]) -> ast.Binary:
        left, op, right = children
        return ast.Binary(str(op), left, right, span_of(meta))

    arith = compare

    def in_(self, meta: Meta, children: list[Any]) -> ast.Binary:
        return ast.Binary("in", children[0], children[1], span_of(meta))

    def not_in(self, meta: Meta, children: list[Any]) -> ast.Binary:
        return ast.Binary("not in", children[0], children[1], span_of(meta))

    def contains(self, meta: Meta, children: list[Any]) -> ast.Binary:
        return ast.Binary("contains", children[0], children[1], span_of(meta))

    def matches(self, meta: Meta, children: list[Any]) -> ast.Matches:
        operand, regex = children
        body, _, flags = str(regex)[1:].rpartition("/")
        return ast.Matches(operand, body, flags, span_of(meta))

    # ------------------------------------------------------------------ clauses
    def severity(self, meta: Meta, children: list[Any]) -> Clause:
        return Clause("severity", str(children[0].children[0]), span_of(meta))

    tier_severity = severity

    def refs(self, meta: Meta, children: list[Token]) -> Clause:
        return Clause("refs", tuple(unquote(t, self.source) for t in children), span_of(meta))

    def when(self, meta: Meta, children: list[Any]) -> Clause:
        return Clause("when", children[0], span_of(meta))

    def let(self, meta: Meta, children: list[Any]) -> Clause:
        name, value = children
        return Clause("let", ast.Let(str(name), value, span_of(meta)), span_of(meta))

    def require(self, meta: Meta, children: list[Any]) -> Clause:
        written = self.text[meta.start_pos : meta.end_pos].removeprefix("require").strip()
        require = ast.Require(children[0], " ".join(written.split()), span_of(meta))
        return Clause("require", require, span_of(meta))

    def message(self, meta: Meta, children: list[Token]) -> Clause:
        return Clause("message", self._template(children[0]), span_of(meta))

    def hint(self, meta: Meta, children: list[Token]) -> Clause:
        return Clause("hint", self._template(children[0]), span_of(meta))

    def approval(self, meta: Meta, children: list[Token]) -> Clause:
        return Clause("approval", unquote(children[0], self.source), span_of(meta))

    def _template(self, token: Token) -> ast.Template:
        text = unquote(token, self.source)
        parts = split_template(text, token, self.source, self.parse_hole)
        return ast.Template(text, parts, span_of(token))

    # ------------------------------------------------------------------ statements
    def rule(self, meta: Meta, children: list[Any]) -> ast.Rule:
        rule_id, title, *clauses = children
        fields = _collect(clauses, self.source, str(rule_id), meta)
        return ast.Rule(
            id=str(rule_id), title=unquote(title, self.source), span=span_of(meta), **fields
        )

    def term(self, meta: Meta, children: list[Any]) -> ast.Term:
        term_id, title, at, *rest = children
        tiers = tuple(c for c in rest if isinstance(c, ast.Tier))
        clauses = [c for c in rest if not isinstance(c, ast.Tier)]
        fields = _collect(clauses, self.source, str(term_id), meta)
        fields["layout"] += tuple(("tier", t.span) for t in tiers)
        return ast.Term(
            id=str(term_id),
            title=unquote(title, self.source),
            at=at,
            tiers=tiers,
            span=span_of(meta),
            **fields,
        )

    def tier(self, meta: Meta, children: list[Any]) -> ast.Tier:
        kind = str(children[0].children[0])
        values: dict[str, Any] = {}
        for child in children[1:]:
            if isinstance(child, ast.Condition):
                values["condition"] = child
            elif isinstance(child, Clause):
                values[child.name] = child.value
            else:
                values["reason"] = unquote(child, self.source)
                values["message"] = self._template(child)
        return ast.Tier(kind, span=span_of(meta), **values)

    def compare_condition(self, meta: Meta, children: list[Any]) -> ast.Condition:
        return ast.Condition(str(children[0]), (children[1],), span_of(meta))

    def in_condition(self, meta: Meta, children: list[Any]) -> ast.Condition:
        return ast.Condition("in", (children[0],), span_of(meta))

    def not_in_condition(self, meta: Meta, children: list[Any]) -> ast.Condition:
        return ast.Condition("not in", (children[0],), span_of(meta))

    def between_condition(self, meta: Meta, children: list[Any]) -> ast.Condition:
        return ast.Condition("between", (children[0], children[1]), span_of(meta))

    def scope_stmt(self, meta: Meta, children: list[Any]) -> ast.ScopeStatement:
        return ast.ScopeStatement(children[0], span_of(meta))

    def header(self, meta: Meta, children: list[Any]) -> dict[str, Any]:
        header: dict[str, Any] = {"name": str(children[0]), "title": None}
        header["header_span"] = span_of(meta)
        header |= {"version": None, "schema": None}
        for child in children[1:]:
            if isinstance(child, Token):
                header["title"] = unquote(child, self.source)
            else:
                header.update(child)
        return header

    def version(self, meta: Meta, children: list[Token]) -> dict[str, str]:
        return {"version": unquote(children[0], self.source)}

    def schema(self, meta: Meta, children: list[Token]) -> dict[str, str]:
        return {"schema": unquote(children[0], self.source)}

    def schema_none(self, meta: Meta, children: list[Token]) -> dict[str, str]:
        return {"schema": "none"}

    def start(self, meta: Meta, children: list[Any]) -> ast.RulesetFile:
        header, *rest = children
        definitions = tuple(c for c in rest if isinstance(c, ast.Definition))
        statements = [c for c in rest if not isinstance(c, ast.Definition)]
        return ast.RulesetFile(
            definitions=definitions,
            statements=tuple(_apply_scopes(statements)),
            source=self.source,
            span=span_of(meta),
            **header,
        )


_SINGLE = {"severity", "message", "hint"}
_FIELDS = {"when": "when", "let": "lets", "require": "requires", "refs": "refs"}


def _collect(clauses: list[Clause], source: str, owner: str, meta: Meta) -> dict[str, Any]:
    """Clauses → dataclass fields, plus their layout; a second severity/message/hint is an error."""
    fields: dict[str, Any] = {"layout": tuple((c.name, c.span) for c in clauses)}
    for clause in clauses:
        name, value = clause.name, clause.value
        if name in _SINGLE:
            if name in fields:
                raise RuleSyntaxError(
                    f"{owner} has more than one `{name}`",
                    source=source,
                    line=clause.span.line,
                    column=clause.span.column,
                    hint=f"keep one `{name}` clause",
                )
            fields[name] = value
        else:
            key = _FIELDS[name]
            extra = value if name == "refs" else (value,)
            fields[key] = fields.get(key, ()) + extra
    if "severity" in fields:
        fields["severity_given"] = True
    return fields


def _apply_scopes(statements: list[Any]) -> list[ast.Statement]:
    """Give every rule and term the scope of the last ``scope`` statement above it."""
    scope: ast.Expr | None = None
    result: list[ast.Statement] = []
    for statement in statements:
        if isinstance(statement, ast.ScopeStatement):
            is_reset = statement.condition == ast.Literal(True)
            scope = None if is_reset else statement.condition
            result.append(statement)
        else:
            result.append(_with_scope(statement, scope))
    return result


def _with_scope(statement: ast.Rule | ast.Term, scope: ast.Expr | None) -> ast.Rule | ast.Term:
    return replace(statement, scope=scope)
