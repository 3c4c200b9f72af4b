"""Expressions → Python source for the fast verdict (``verdict``), the way jinja2 compiles
templates: once per rulebook, run on the plain document data.

The source decides only what is certain. Each expression becomes statements that compute
it in the closures' order, with the closures' operators behind every inline fast case; a
read of a field the agreement lacks raises ``_Absent``, and anything the closures would
answer with care (a value of an unexpected type, an error, a step budget running out)
raises ``_Unsure``. Security: rule text never enters the source. Names, strings, numbers,
patterns and functions reach it through the constants table; every identifier in the
source is one made here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from qrules.compile.env import ValueFn
from qrules.compile.operators import BINARY_OPERATORS, negate
from qrules.compile.plain_regex import plain_program, searcher
from qrules.compile.reads import ANY, BOOL, Code, Reads, Scope, Table, Unsupported, indent
from qrules.compile.regex import regex_program
from qrules.model.values import Duration
from qrules.stdlib.core import FUNCTIONS
from qrules.syntax import ast

MAX_NESTING = 8  # quantifiers, ifs and tiers inside one another; deeper is left to closures


# The inline fast cases and the fallbacks behind them (the closures' own operators).
COMPARE = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
ARITHMETIC = {"+": "+", "-": "-", "*": "*"}


def _checked_bool(apply: Callable[[Any, Any], Any]) -> Callable[[Any, Any], bool]:
    """An operator whose answer must be true or false, as the closures' `boolean` wants."""

    def run(left: Any, right: Any) -> bool:
        result = apply(left, right)
        if type(result) is not bool:
            raise TypeError("not a boolean")
        return result

    return run


FALLBACKS: dict[str, Callable[[Any, Any], Any]] = {
    op: _checked_bool(BINARY_OPERATORS[op]) if op in (*COMPARE, "in", "not in", "contains") else f
    for op, f in BINARY_OPERATORS.items()
}


class Generator(Reads):
    """Compiles the expressions of one rule or term; ``scope`` maps a bound name to its
    Python name and whether its value has a place in the document."""

    def __init__(
        self, table: Table, constants: Mapping[str, ValueFn], daily: frozenset[str]
    ) -> None:
        super().__init__(table, constants, daily)
        self.nesting = 0
        self.steps = False  # whether the rule visits list elements (needs the counter)
        self.looping: frozenset[str] = frozenset()  # the elements of the loops around
        self.kept: list[str] = []  # names of values kept across a loop's elements

    # ------------------------------------------------------------------ values
    def value(self, node: ast.Expr, scope: Scope) -> Code:
        if self.looping and _worth_keeping(node) and _invariant(node, self.looping):
            return self._kept(node, scope)
        return self._computed(node, scope)

    def _kept(self, node: ast.Expr, scope: Scope) -> Code:
        """A value inside a loop that no element changes (`effective + 365 days` for each
        certificate): computed the first time the closures would compute it, then kept.
        Nothing it reads changes, and it visits no list, so only the repeats are saved."""
        code, kept = self._computed(node, scope), self.table.temp()
        self.kept.append(kept)
        lines = (f"if {kept} is _UNSET:", *indent([*code.lines, f"{kept} = {code.expr}"]))
        return Code(lines, kept, code.kind)

    def _computed(self, node: ast.Expr, scope: Scope) -> Code:
        method: Callable[[Any, Scope], Code] | None
        method = getattr(self, f"_value_{type(node).__name__.lower()}", None)
        if method is None:
            raise Unsupported(type(node).__name__)
        code: Code = method(node, scope)
        return code

    def boolean(self, node: ast.Expr, scope: Scope) -> Code:
        """A value that must be true or false (else the closures raise)."""
        code = self.value(node, scope)
        if code.kind == BOOL:
            return code
        return Code(
            (*code.lines, f"if type({code.expr}) is not bool: raise _Unsure"), code.expr, BOOL
        )

    def names(self, codes: list[Code]) -> tuple[list[str], list[str]]:
        """Run several values in order, each kept in a name."""
        lines: list[str] = []
        for code in codes:
            lines += code.lines
        return lines, [code.expr for code in codes]

    def _value_literal(self, node: ast.Literal, scope: Scope) -> Code:
        value = node.value
        if value is None or isinstance(value, bool):
            return Code((), str(value), BOOL if isinstance(value, bool) else ANY)
        return Code((), self.k(value))

    def _value_listexpr(self, node: ast.ListExpr, scope: Scope) -> Code:
        lines, names = self.names([self.value(item, scope) for item in node.items])
        t = self.table.temp()
        return Code((*lines, f"{t} = [{', '.join(names)}]"), t)

    def _value_record(self, node: ast.Record, scope: Scope) -> Code:
        lines, names = self.names([self.value(item, scope) for _, item in node.items])
        keys = [self.k(key) for key, _ in node.items]
        t = self.table.temp()
        pairs = ", ".join(f"{key}: {name}" for key, name in zip(keys, names, strict=True))
        return Code((*lines, f"{t} = {{{pairs}}}"), t)

    def _value_conditional(self, node: ast.Conditional, scope: Scope) -> Code:
        test = self.boolean(node.condition, scope)
        with self.nested():
            then, otherwise = self.value(node.then, scope), self.value(node.otherwise, scope)
        t = self.table.temp()
        kind = BOOL if then.kind == otherwise.kind == BOOL else ANY
        return Code(
            (
                *test.lines,
                f"if {test.expr}:",
                *indent([*then.lines, f"{t} = {then.expr}"]),
                "else:",
                *indent([*otherwise.lines, f"{t} = {otherwise.expr}"]),
            ),
            t,
            kind,
        )

    def _value_path(self, node: ast.Path, scope: Scope) -> Code:
        lines, name, _ = self.read(node, scope)
        return Code(tuple(lines), name)

    def _value_unary(self, node: ast.Unary, scope: Scope) -> Code:
        t = self.table.temp()
        if node.op == "not":
            operand = self.boolean(node.operand, scope)
            return Code((*operand.lines, f"{t} = not {operand.expr}"), t, BOOL)
        operand = self.value(node.operand, scope)
        x, negative = operand.expr, self.k(negate)
        return Code((*operand.lines, f"{t} = -{x} if type({x}) in _NUM else {negative}({x})"), t)

    def _value_binary(self, node: ast.Binary, scope: Scope) -> Code:
        if node.op in ast.LOGIC:
            return self._logic(node, scope)
        if node.op == "implies":
            return self._implies(node, scope)
        return self.binary(node.op, self.value(node.left, scope), node.right, scope)

    def binary(self, op: str, left: Code, written: ast.Expr, scope: Scope) -> Code:
        """``left OP written``, the right operand compiled here (a list of strings for `in`
        becomes a set)."""
        if op in ("in", "not in") and isinstance(written, ast.ListExpr):
            texts = [i.value for i in written.items if isinstance(i, ast.Literal)]
            strings = [t for t in texts if type(t) is str]
            if len(strings) == len(written.items):
                return self._among(op, left, strings)
        return self.operator(op, left, self.value(written, scope), written)

    def operator(self, op: str, left: Code, right: Code, written: ast.Expr | None) -> Code:
        """``left OP right``: inline for numbers, strings and dates, else the closures' own."""
        lines, (a, b) = self.names([left, right])
        fallback, t = self.k(FALLBACKS[op]), self.table.temp()
        duration = written.value if isinstance(written, ast.Literal) else None
        if isinstance(duration, Duration):
            inline = self._duration(op, a, duration)
            if inline is not None:
                line = f"{t} = {inline} else {fallback}({a}, {b})"
                return Code((*lines, line), t, BOOL if op in COMPARE else ANY)
        if op in ("==", "!=") and left.kind == right.kind == BOOL:
            return Code((*lines, f"{t} = {a} {op} {b}"), t, BOOL)  # true and false alike
        if op in COMPARE:
            same = _same_kind(a, b, written, op in ("==", "!="))
            line = f"{t} = {a} {COMPARE[op]} {b} if {same} else {fallback}({a}, {b})"
            return Code((*lines, line), t, BOOL)
        if op in ARITHMETIC:
            numbers = f"type({a}) in _NUM and type({b}) in _NUM"
            line = f"{t} = {a} {ARITHMETIC[op]} {b} if {numbers} else {fallback}({a}, {b})"
            return Code((*lines, line), t)
        kind = BOOL if op in ("in", "not in", "contains") else ANY
        return Code((*lines, f"{t} = {fallback}({a}, {b})"), t, kind)

    def _duration(self, op: str, a: str, duration: Duration) -> str | None:
        """A written duration: compared with a duration as the closures do (`holds`), added
        to a date as `Duration.add_to` adds one counted in days."""
        if op in COMPARE:
            return f"{a}.holds({self.k(op)}, {self.k(duration)}) if type({a}) is _Duration"
        by_calendar = duration.unit in ("months", "years") and float(duration.amount).is_integer()
        if op not in ("+", "-") or duration.business or by_calendar:
            return None
        try:
            step = dt.timedelta(days=(duration if op == "+" else -duration).days)
        except (OverflowError, ValueError):
            return None
        return f"{a} + {self.k(step)} if type({a}) is _date"

    def _among(self, op: str, left: Code, texts: list[str]) -> Code:
        """``x in ["a", "b"]``: a set lookup for a string, the closures' rule otherwise."""
        x, t = left.expr, self.table.temp()
        found, items = self.k(frozenset(texts)), self.k(list(texts))
        fallback, test = self.k(FALLBACKS[op]), "in" if op == "in" else "not in"
        line = f"{t} = {x} {test} {found} if type({x}) is str else {fallback}({x}, {items})"
        return Code((*left.lines, line), t, BOOL)

    def _logic(self, node: ast.Binary, scope: Scope) -> Code:
        """A chain of `and` (or `or`): each operand only while the chain is undecided."""
        operands = ast.chain(node)
        first = self.boolean(operands[0], scope)
        t = self.table.temp()
        lines = [*first.lines, f"{t} = {first.expr}"]
        test = f"if {t}:" if node.op == "and" else f"if not {t}:"
        for operand in operands[1:]:
            code = self.boolean(operand, scope)
            lines += [test, *indent([*code.lines, f"{t} = {code.expr}"])]
        return Code(tuple(lines), t, BOOL)

    def _implies(self, node: ast.Binary, scope: Scope) -> Code:
        left, right = self.boolean(node.left, scope), self.boolean(node.right, scope)
        t = self.table.temp()
        lines = (
            *left.lines,
            f"if {left.expr}:",
            *indent([*right.lines, f"{t} = {right.expr}"]),
            "else:",
            f"    {t} = True",
        )
        return Code(lines, t, BOOL)

    def _value_matches(self, node: ast.Matches, scope: Scope) -> Code:
        operand = self.value(node.operand, scope)
        x, t = operand.expr, self.table.temp()
        program = regex_program(node.pattern, node.flags)
        found = self.k(searcher(program, plain_program(node.pattern, node.flags)))
        lines = (*operand.lines, f"if type({x}) is not str: raise _Unsure", f"{t} = {found}({x})")
        return Code(lines, t, BOOL)

    def _value_call(self, node: ast.Call, scope: Scope) -> Code:
        if node.name == "exists":
            return self.exists(node.args[0], scope)
        if node.name == "today":
            return Code((), "today")
        function = FUNCTIONS[node.name].call
        lines, names = self.names([self.value(arg, scope) for arg in node.args])
        f, t = self.k(function), self.table.temp()
        if node.name == "len" and len(names) == 1:
            (x,) = names
            return Code((*lines, f"{t} = len({x}) if type({x}) is list else {f}({x})"), t)
        return Code((*lines, f"{t} = {f}({', '.join(names)})"), t)

    def _value_quantifier(self, node: ast.Quantifier, scope: Scope) -> Code:
        items, listed, var, inner = self.loop(node.var, node.iterable, scope)
        with self.nested(), self.element(node.var):
            body = self.value(node.body, inner)
        t, b = self.table.temp(), body.expr
        stop = "True" if node.kind == "all" else "False"  # the answer until an element decides
        decided = f"if {b} is not {stop}:" if node.kind == "all" else f"if {b} is not False:"
        check = [] if body.kind == BOOL else [f"    if type({b}) is not bool: raise _Unsure"]
        lines = (
            *items,
            f"{t} = {stop}",
            f"for {var} in {listed}:",
            *indent([*body.lines, decided, *check, f"    {t} = not {t}", "    break"]),
        )
        if node.kind == "none":
            return Code((*lines, f"{t} = not {t}"), t, BOOL)
        return Code(lines, t, BOOL)

    def _value_count(self, node: ast.Count, scope: Scope) -> Code:
        items, listed, var, inner = self.loop(node.var, node.iterable, scope)
        with self.nested(), self.element(node.var):
            body = self.boolean(node.condition, inner)
        t = self.table.temp()
        lines = (
            *items,
            f"{t} = 0",
            f"for {var} in {listed}:",
            *indent([*body.lines, f"if {body.expr}: {t} += 1"]),
        )
        return Code(lines, t)

    def loop(
        self, name: str, iterable: ast.Expr, scope: Scope
    ) -> tuple[list[str], str, str, Scope]:
        """The list a quantifier visits, counted against the step budget, and the scope of
        its body."""
        if name in scope:
            raise Unsupported("a name bound twice")  # the closures' bindings are dynamic
        if isinstance(iterable, ast.Path):
            lines, items, located = self.read(iterable, scope)
        else:
            code = self.value(iterable, scope)
            lines, items, located = list(code.lines), code.expr, False
        lines += [
            f"if type({items}) is not list: raise _Unsure",
            f"_s += len({items})",
            "if _s > _MAX: raise _Unsure",
        ]
        self.steps = True
        var = self.table.temp()
        return lines, items, var, {**scope, name: (var, located)}

    # ------------------------------------------------------------------ nesting
    @contextmanager
    def nested(self) -> Iterator[None]:
        """One level deeper (quantifiers, ifs, indexed `exists`); past MAX_NESTING, the
        closures decide (Python limits how deeply blocks nest)."""
        self.nesting += 1
        try:
            if self.nesting > MAX_NESTING:
                raise Unsupported("nested too deeply")
            yield
        finally:
            self.nesting -= 1

    @contextmanager
    def element(self, name: str) -> Iterator[None]:
        outer = self.looping
        self.looping = outer | {name}
        try:
            yield
        finally:
            self.looping = outer


def _worth_keeping(node: ast.Expr) -> bool:
    """Arithmetic and function calls: what costs more than checking a kept name."""
    if isinstance(node, ast.Binary):
        return node.op in ("+", "-", "*", "/")
    return isinstance(node, ast.Call) and node.name not in ("exists", "today")


def _invariant(node: ast.Expr, elements: frozenset[str]) -> bool:
    """Whether ``node`` reads no loop element and visits no list (its steps count each time)."""
    stack: list[object] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, (ast.Quantifier, ast.Count)):
            return False
        if isinstance(item, ast.Path) and item.root in elements:
            return False
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            for field in dataclasses.fields(item):
                child = getattr(item, field.name)
                stack.extend(child if isinstance(child, tuple) else (child,))
    return True


def _same_kind(a: str, b: str, written: ast.Expr | None, equality: bool) -> str:
    """The test under which Python's own comparison is the language's: two numbers, or two
    strings or dates (or, for == and !=, booleans) of one type."""
    literal = written.value if isinstance(written, ast.Literal) else None
    if isinstance(literal, str):
        return f"type({a}) is str"
    if isinstance(literal, (int, float)) and not isinstance(literal, bool):
        return f"type({a}) in _NUM"
    if isinstance(literal, bool) and equality:
        return f"type({a}) is bool"
    alike = "_ALIKE" if equality else "_ORDERED"
    return f"(type({a}) is type({b}) in {alike} or type({a}) in _NUM and type({b}) in _NUM)"
