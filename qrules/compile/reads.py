"""Path reads in generated source (``generate``): a field of the agreement, of a bound
name or of a constant, as ``paths.located`` walks them, and ``exists``. A missing step of a
path with a place in the document raises ``_Absent``; a step the closures would refuse
raises ``_Unsure``. What the generated code names comes from the constants table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from qrules.compile.env import Env, ValueFn
from qrules.compile.paths import ROOT
from qrules.syntax import ast

BOOL, ANY = "bool", "any"  # what an expression's value certainly is
MAX_PATH = 12  # segments of one path read inline

Scope = Mapping[str, tuple[str, bool]]  # a bound name → its Python name, and if it has a place


class Unsupported(Exception):
    """Something the fast verdict does not decide: the rule is always left to the closures."""


@dataclass(frozen=True)
class Code:
    """Statements to run, then an expression for the value: a name, a constant, a keyword,
    or a lookup that cannot fail and reads nothing that changes, so that it may be read
    after what follows it."""

    lines: tuple[str, ...]
    expr: str
    kind: str = ANY


class Table:
    """The constants and fresh names of one generated function."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self.names = 0
        self.fields: dict[str, str] = {}  # the agreement's top-level fields the rules read

    def field(self, key: str) -> str:
        """The name holding ``doc.get(key)``, read once per agreement for all rules."""
        if key not in self.fields:
            self.fields[key] = f"_f{len(self.fields)}"
        return self.fields[key]

    def constant(self, value: Any) -> str:
        self.values.append(value)
        return f"_k{len(self.values) - 1}"

    def temp(self) -> str:
        self.names += 1
        return f"_t{self.names}"


class Reads:
    """What the generator of one rule knows: the constants table, the ruleset's top-level
    definitions; and how it reads paths."""

    def __init__(
        self, table: Table, constants: Mapping[str, ValueFn], daily: frozenset[str]
    ) -> None:
        self.table = table
        self.constants = constants
        self.daily = daily

    def k(self, value: Any) -> str:
        return self.table.constant(value)

    def value(self, node: ast.Expr, scope: Scope) -> Code:
        raise NotImplementedError  # the expression generator's

    def read(self, node: ast.Path, scope: Scope) -> tuple[list[str], str, bool]:
        """Statements reading a path, the name holding its value, and whether the value has a
        place in the document (then a missing step is absent, else unsure)."""
        if len(node.segments) > MAX_PATH:
            raise Unsupported("a long path")
        lines, current, located = self._root(node, scope, absent="_Absent")
        assert current is not None
        known_record = current == "doc"
        for segment in node.segments:
            step = self.table.temp()
            if isinstance(segment, ast.Index):
                key = self.value(segment.index, scope)
                lines += [*key.lines, f"{step} = _step({current}, {key.expr}, {located})"]
            else:
                missing = "_Absent" if located else "_Unsure"
                lines += [] if known_record else [f"if type({current}) is not dict: raise _Unsure"]
                lines += [
                    f"{step} = {current}.get({self.k(segment.name)})",
                    f"if {step} is None: raise {missing}",
                ]
            current, known_record = step, False
        return lines, current, located

    def _root(
        self, node: ast.Path, scope: Scope, absent: str | None
    ) -> tuple[list[str], str | None, bool]:
        """Where a path starts, as `paths.located` decides: a bound name, a constant, the
        whole agreement, or one of its fields (None with ``absent`` None: left to the caller)."""
        if node.root in scope:
            name, located = scope[node.root]
            return [], name, located
        if node.root in self.constants:
            lines, name = self._constant(node.root)
            return lines, name, False
        if node.root == ROOT:
            return [], "doc", True
        if absent is None:
            return [], None, True
        t = self.table.field(node.root)
        return [f"if {t} is None: raise {absent}"], t, True

    def _constant(self, name: str) -> tuple[list[str], str]:
        compute = self.constants[name]
        if name in self.daily:  # asks for today(): computed per agreement
            t = self.table.temp()
            return [f"{t} = _daily({self.k(compute)}, doc, today)"], t
        return [], self.k(compute(Env({}, dt.date.today())))

    def _exists_indexed(self, node: ast.Path, scope: Scope) -> Code:
        """``exists(agreement[k])``: `exists` catches a missing field anywhere in reading the
        path, its index included, as a `try` does here."""
        with self.nested():
            lines, _, _ = self.read(node, scope)
        t = self.table.temp()
        lines = ["try:", *indent([*lines, f"{t} = True"]), "except _Absent:", f"    {t} = False"]
        return Code(tuple(lines), t, BOOL)

    def nested(self) -> AbstractContextManager[None]:
        raise NotImplementedError  # the expression generator's: it counts the nesting

    def exists(self, node: ast.Expr, scope: Scope) -> Code:
        """Whether a path reads a value: a missing step answers false (nested ifs, no
        exception); a step the closures would refuse is unsure."""
        if not isinstance(node, ast.Path) or len(node.segments) > MAX_PATH:
            raise Unsupported("exists")
        if any(isinstance(s, ast.Index) for s in node.segments):
            return self._exists_indexed(node, scope)
        lines, current, located = self._root(node, scope, absent=None)
        if current is None and not node.segments:  # the common `exists(field)`
            return Code((), f"({self.table.field(node.root)} is not None)", BOOL)
        t = self.table.temp()
        out, depth = [*lines, f"{t} = False"], 0
        if current is None:  # the root field itself may be missing
            current = self.table.field(node.root)
            out += [f"if {current} is not None:"]
            depth = 1
        for segment in node.segments:
            assert isinstance(segment, ast.Field)
            pad, step = "    " * depth, self.table.temp()
            out += [
                f"{pad}if type({current}) is not dict: raise _Unsure",
                f"{pad}{step} = {current}.get({self.k(segment.name)})",
            ]
            if located:
                out += [f"{pad}if {step} is not None:"]
                depth += 1
            else:
                out += [f"{pad}if {step} is None: raise _Unsure"]
            current = step
        out += ["    " * depth + f"{t} = True"]
        return Code(tuple(out), t, BOOL)


def indent(lines: list[str] | tuple[str, ...], depth: int = 1) -> list[str]:
    pad = "    " * depth
    return [pad + line for line in lines]
