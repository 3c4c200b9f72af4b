"""A ruleset's top-level ``let``s and ``param``s → the values its rules, terms, messages and
hints may use. Each may use the ones above it and none reads the agreement, so each is
computed once, when the ruleset compiles (one that asks for ``today()`` is computed per
check). A ``param``'s default is a literal value; a repository may set another of the same
type (``.qrules.yaml`` ``params:``, ``--param NAME=VALUE``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from qrules.compile.env import Env, ValueFn
from qrules.compile.expressions import Compiler
from qrules.compile.paths import RESERVED, ROOT
from qrules.errors import UsageError
from qrules.model.values import show, type_name
from qrules.stdlib.core import EvalError
from qrules.syntax import ast


@dataclass(frozen=True)
class ParamValue:
    """A repository's value for a ``param``, and where it was given (for its errors)."""

    name: str
    value: Any
    source: str  # "--param", or the configuration file
    line: int | None = None
    column: int | None = None
    context: str | None = None

    def error(self, message: str, hint: str | None = None) -> UsageError:
        return UsageError(
            message,
            source=self.source,
            line=self.line,
            column=self.column,
            hint=hint,
            context=self.context,
        )


def compile_constants(
    compiler: Compiler, definitions: tuple[ast.Constant, ...], params: Mapping[str, ParamValue]
) -> None:
    """Give ``compiler`` each definition's value, in order (errors located in the file)."""
    for node in definitions:
        _check_name(compiler, node)
        if node.param:
            value = _param_value(compiler, node, params.get(node.name))
            compiler.constants[node.name] = _constant(value)
        else:
            compiler.constants[node.name] = _let_value(compiler, node)


def _check_name(compiler: Compiler, node: ast.Constant) -> None:
    kind = "param" if node.param else "let"
    problem, hint = None, "give it another name, such as an upper-case one"
    if node.name in compiler.constants:
        problem = f"`{node.name}` is defined twice at the top of the ruleset"
        hint = "remove one of them, or give one another name"
    elif node.name in RESERVED or node.name == ROOT:
        problem = f"`{node.name}` is a keyword, not a name for a {kind}"
    elif compiler.roots is not None and node.name in compiler.roots:
        problem = f"`{kind} {node.name}` would hide the agreement field `{node.name}`"
    if problem:
        raise compiler.error(problem, node.span, hint)


def _let_value(compiler: Compiler, node: ast.Constant) -> ValueFn:
    compiler.defining = node.name
    try:
        compute = compiler.value(node.value, frozenset())
    finally:
        compiler.defining = None
    try:
        value = compute(Env({}, dt.date.today()))
    except EvalError as error:
        raise compiler.error(f"`let {node.name}` cannot be computed: {error}", node.span) from None
    if _asks_for_today(node.value):
        compiler.daily.add(node.name)
        return compute
    return _constant(value)


def _param_value(compiler: Compiler, node: ast.Constant, given: ParamValue | None) -> Any:
    default = literal_value(node.value)
    if default is NOT_LITERAL:
        raise compiler.error(
            f"the default of `param {node.name}` must be a value written out, "
            'such as 180 days, 95% or "text"',
            node.value.span or node.span,
            hint="compute derived values with a top-level `let`",
        )
    if given is None:
        return default
    if type_name(given.value) != type_name(default):
        raise given.error(
            f"param {node.name} is a {type_name(default)} ({show(default)}); "
            f"{show(given.value)} is a {type_name(given.value)}",
            hint=f"give a {type_name(default)}, such as {show(default)}",
        )
    return given.value


NOT_LITERAL = object()


def literal_value(node: ast.Expr) -> Any:
    """The value a literal (or a list of literals, or a negated number) writes out;
    NOT_LITERAL for anything computed."""
    if isinstance(node, ast.Literal):
        return node.value
    if isinstance(node, ast.ListExpr):
        items = [literal_value(item) for item in node.items]
        return NOT_LITERAL if any(i is NOT_LITERAL for i in items) else items
    if isinstance(node, ast.Unary) and node.op == "-":
        inner = literal_value(node.operand)
        numeric = isinstance(inner, (int, float)) and not isinstance(inner, bool)
        return -inner if numeric else NOT_LITERAL
    return NOT_LITERAL


def _constant(value: Any) -> ValueFn:
    return lambda env: value


def _asks_for_today(node: Any) -> bool:
    return any(isinstance(n, ast.Call) and n.name == "today" for n in _nodes(node))


def _nodes(node: Any) -> Iterator[Any]:
    """Every AST node below ``node`` (constants are small; recursion depth is bounded by
    the parser's nesting limit)."""
    yield node
    if not dataclasses.is_dataclass(node):
        return
    for item in dataclasses.fields(node):
        child = getattr(node, item.name)
        for part in child if isinstance(child, tuple) else (child,):
            if dataclasses.is_dataclass(part):
                yield from _nodes(part)
