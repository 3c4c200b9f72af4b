"""The rule language's abstract syntax tree: plain frozen dataclasses with source spans.

Nothing here knows about Lark; the compiler and the formatter work on these nodes only.
Spans are excluded from equality so that two parses of differently laid-out text compare
equal when they mean the same thing (the formatter's round-trip test relies on it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from qrules.model.values import Duration, Percent


@dataclass(frozen=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int


NO_SPAN = Span(0, 0, 0, 0)


def _span() -> Span:
    return field(default=NO_SPAN, compare=False, repr=False)


# ---------------------------------------------------------------------------- expressions

LiteralValue = int | float | str | bool | None | dt.date | Duration | Percent


@dataclass(frozen=True)
class Literal:
    value: LiteralValue
    span: Span = _span()


@dataclass(frozen=True)
class ListExpr:
    items: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True)
class Field:
    name: str
    span: Span = _span()


@dataclass(frozen=True)
class Index:
    index: Expr
    span: Span = _span()


@dataclass(frozen=True)
class Path:
    """``root.segment[expr].segment``: a document field, or a field of a bound variable."""

    root: str
    segments: tuple[Field | Index, ...] = ()
    span: Span = _span()

    @property
    def dotted(self) -> str:
        parts = [self.root]
        for segment in self.segments:
            parts.append(f".{segment.name}" if isinstance(segment, Field) else "[…]")
        return "".join(parts)


@dataclass(frozen=True)
class Unary:
    op: str  # "not" | "-"
    operand: Expr
    span: Span = _span()


@dataclass(frozen=True)
class Binary:
    """Logic (and, or, implies), comparison (== != < <= > >=), membership (in, not in, contains),
    and arithmetic (+ - * /)."""

    op: str
    left: Expr
    right: Expr
    span: Span = _span()


@dataclass(frozen=True)
class Matches:
    operand: Expr
    pattern: str
    flags: str = ""
    span: Span = _span()


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True)
class Quantifier:
    """``all|any|none NAME in ITERABLE: BODY``."""

    kind: str
    var: str
    iterable: Expr
    body: Expr
    span: Span = _span()


@dataclass(frozen=True)
class Count:
    """``count(NAME in ITERABLE where CONDITION)``."""

    var: str
    iterable: Expr
    condition: Expr
    span: Span = _span()


@dataclass(frozen=True)
class Conditional:
    """``if CONDITION then A else B``: only the branch the condition picks is computed."""

    condition: Expr
    then: Expr
    otherwise: Expr
    span: Span = _span()


@dataclass(frozen=True)
class Record:
    """``{name: EXPR, "x-key": EXPR}``."""

    items: tuple[tuple[str, Expr], ...]
    span: Span = _span()


Expr = (
    Literal
    | ListExpr
    | Record
    | Path
    | Unary
    | Binary
    | Matches
    | Call
    | Quantifier
    | Count
    | Conditional
)

LOGIC = ("and", "or")


def chain(node: Binary) -> list[Expr]:
    """The operands of a chain of one logical operator: ``a and b and c`` → ``[a, b, c]``.

    The parser nests such a chain to the left, one level per operand; whatever walks the
    tree walks a chain with this loop instead, so that hundreds of conditions joined by
    `and` do not mean hundreds of nested calls.
    """
    operands: list[Expr] = []
    current: Expr = node
    while isinstance(current, Binary) and current.op == node.op:
        operands.append(current.right)
        current = current.left
    operands.append(current)
    return operands[::-1]


def joined(op: str, operands: list[Expr]) -> Expr:
    """The left-nested chain :func:`chain` takes apart, each link spanning its operands."""
    node = operands[0]
    for operand in operands[1:]:
        start, end = node.span, operand.span
        span = Span(start.line, start.column, end.end_line, end.end_column)
        node = Binary(op, node, operand, span)
    return node


# ---------------------------------------------------------------------------- statements

# The clauses of a rule or term in source order, with their spans: what the formatter
# needs to keep the author's order and comments. Not part of a node's meaning.
Layout = tuple[tuple[str, Span], ...]


@dataclass(frozen=True)
class Template:
    """A message or hint: literal text with ``{expr}`` holes."""

    text: str
    parts: tuple[str | Expr, ...]
    span: Span = _span()


@dataclass(frozen=True)
class Let:
    name: str
    value: Expr
    span: Span = _span()


@dataclass(frozen=True)
class Require:
    condition: Expr
    source: str = field(default="", compare=False)
    span: Span = _span()


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: str = "error"
    refs: tuple[str, ...] = ()
    scope: Expr | None = None
    when: tuple[Expr, ...] = ()
    lets: tuple[Let, ...] = ()
    requires: tuple[Require, ...] = ()
    message: Template | None = None
    hint: Template | None = None
    severity_given: bool = False
    layout: Layout = field(default=(), compare=False, repr=False)
    span: Span = _span()


@dataclass(frozen=True)
class Condition:
    """A tier's test against the term's value: ``<= 1.0``, ``in [...]``, ``between a and b``."""

    op: str  # a comparison operator, "in", "not in" or "between"
    operands: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True)
class Tier:
    kind: str  # prefer | accept | reject
    condition: Condition | None = None
    approval: str | None = None
    severity: str | None = None
    reason: str | None = None
    # The reason as a template: with `{value}` or other holes, the finding's whole message.
    message: Template | None = field(default=None, compare=False)
    span: Span = _span()


@dataclass(frozen=True)
class Term:
    id: str
    title: str
    at: Expr  # usually a field path; any value computed from fields will do
    tiers: tuple[Tier, ...]
    severity: str = "error"
    refs: tuple[str, ...] = ()
    scope: Expr | None = None
    when: tuple[Expr, ...] = ()
    hint: Template | None = None
    severity_given: bool = False
    layout: Layout = field(default=(), compare=False, repr=False)
    span: Span = _span()


@dataclass(frozen=True)
class ScopeStatement:
    condition: Expr
    span: Span = _span()


Statement = ScopeStatement | Rule | Term


@dataclass(frozen=True)
class Constant:
    """``let NAME = EXPR`` at the top of a ruleset, or ``param NAME = VALUE "text"``: a
    value its rules may use; a param's value a repository may set otherwise."""

    name: str
    value: Expr
    param: bool = False
    description: str | None = None
    span: Span = _span()


@dataclass(frozen=True)
class Import:
    """``import iso9001`` (a built-in ruleset) or ``import "base.qr"`` (a file)."""

    ruleset: str
    is_path: bool = False
    span: Span = _span()


@dataclass(frozen=True)
class Adjustment:
    """What an importing ruleset changes in an imported rule: ``override ID severity LEVEL``,
    ``disable ID``, or ``replace ID with OWN-ID``; always with the reason."""

    kind: str  # override | disable | replace
    rule: str
    reason: str
    severity: str | None = None
    replacement: str | None = None
    span: Span = _span()


Definition = Constant | Import | Adjustment


@dataclass(frozen=True)
class RulesetFile:
    """One parsed ``.qr`` file; ``statements`` keep source order (scopes included)."""

    name: str
    title: str | None
    version: str | None
    schema: str | None
    statements: tuple[Statement, ...]
    definitions: tuple[Definition, ...] = ()  # between the header and the first statement
    source: str = field(default="<string>", compare=False)
    header_span: Span = _span()
    span: Span = _span()

    @property
    def rules(self) -> tuple[Rule | Term, ...]:
        return tuple(s for s in self.statements if not isinstance(s, ScopeStatement))

    @property
    def constants(self) -> tuple[Constant, ...]:
        return tuple(d for d in self.definitions if isinstance(d, Constant))

    @property
    def imports(self) -> tuple[Import, ...]:
        return tuple(d for d in self.definitions if isinstance(d, Import))

    @property
    def adjustments(self) -> tuple[Adjustment, ...]:
        return tuple(d for d in self.definitions if isinstance(d, Adjustment))
