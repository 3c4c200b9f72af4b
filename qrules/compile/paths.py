"""Paths → where a value comes from: a document field (recorded in ``env.trace``, so a
failing check can blame it), a bound name, a ruleset's top-level definition, or the whole
agreement (``agreement``); the items of a list, each with its own place. The base of the
expression compiler, which owns every other kind of expression."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator

from qrules.compile.env import Env, Located, ValueFn
from qrules.compile.operators import step_into
from qrules.errors import RulesetError, source_context
from qrules.model.paths import dotted
from qrules.model.values import type_name
from qrules.stdlib.core import EvalError
from qrules.syntax import ast

ROOT = "agreement"  # the whole agreement, for `agreement[key]`

RESERVED = {"and", "or", "not", "in", "contains", "matches", "where", "true", "false", "null"}

DASHED = re.compile(r"(-[A-Za-z0-9_]+)+")


class Paths:
    """What the compiler of one ruleset file knows (its text, the schema's top-level fields,
    the file's definitions), and how it compiles paths; errors point into that file."""

    def __init__(self, source: str, text: str, roots: frozenset[str] | None) -> None:
        self.source = source
        self.text = text
        self.roots = roots  # top-level fields the schema knows; None when there is no schema
        self.constants: dict[str, ValueFn] = {}  # the ruleset's top-level lets and params
        self.defining: str | None = None  # the top-level let being compiled, if any
        self.daily: set[str] = set()  # constants that ask for today(): computed per check

    def error(self, message: str, span: ast.Span, hint: str | None = None) -> RulesetError:
        return RulesetError(
            message,
            source=self.source,
            line=span.line or None,
            column=span.column or None,
            hint=hint,
            context=source_context(self.text, span.line, span.column) if span.line else None,
        )

    def value(self, node: ast.Expr, bound: frozenset[str]) -> ValueFn:
        raise NotImplementedError  # the expression compiler's

    # ------------------------------------------------------------------ paths
    def located(self, node: ast.Path, bound: frozenset[str]) -> Callable[[Env], Located]:
        """A path's value with the document path it was read from (None for computed values)."""
        if node.root in RESERVED:
            raise self.error(f"`{node.root}` is a keyword and cannot start a field path", node.span)
        root, is_bound = node.root, node.root in bound
        constant = None if is_bound else self.constants.get(root)
        if not is_bound and constant is None:
            self._check_root(node)
        steps: list[str | ValueFn] = [
            s.name if isinstance(s, ast.Field) else self.value(s.index, bound)
            for s in node.segments
        ]
        whole = root == ROOT and not is_bound and constant is None

        def start(env: Env) -> Located:
            if is_bound:
                return env.bindings[root]
            if constant is not None:
                return constant(env), None
            return (env.document, ()) if whole else step_into(env.document, (), root)

        def locate(env: Env) -> Located:
            value, path = start(env)
            for step in steps:
                key = step if isinstance(step, str) else step(env)
                value, path = step_into(value, path, key)
            if path is not None:
                env.trace.append(path)
            return value, path

        return locate

    def _check_root(self, node: ast.Path) -> None:
        if self.defining is not None:
            raise self.error(
                f"`let {self.defining}` reads `{node.dotted}`: a top-level `let` is a value "
                "every rule shares, it cannot read the agreement",
                node.span,
                hint="read agreement fields in a rule's own `let`, below its `rule` line",
            )
        if node.root == ROOT:
            return
        if self.roots is None or node.root in self.roots or node.root.startswith(("x_", "x-")):
            return
        # `== treu`: a misspelt true, false or null reads as a name
        candidates = [*sorted(self.roots), "true", "false", "null"]
        close = difflib.get_close_matches(node.root, candidates, n=1)
        hint = f"did you mean `{close[0]}`?" if close else "bind it with `let` first"
        dashed = self._dashed_name(node)
        if dashed:
            hint = f"a name with `-` is written in back-quotes: `{dashed}`"
        raise self.error(
            f"undefined name `{node.root}`: not a field of the agreement schema nor a `let`",
            node.span,
            hint,
        )

    def _dashed_name(self, node: ast.Path) -> str | None:
        """``x-complaints`` when the path was written ``x-complaints...`` (a subtraction)."""
        span = node.span
        if not span.line or node.segments:
            return None
        rest = self.text.splitlines()[span.end_line - 1][span.end_column - 1 :]
        match = DASHED.match(rest)
        return node.root + match.group() if match else None

    def elements(self, node: ast.Expr, bound: frozenset[str]) -> Callable[[Env], Iterator[Located]]:
        """The items of a list, each with its own document path when it has one."""
        if isinstance(node, ast.Path):
            locate = self.located(node, bound)
        else:
            compute = self.value(node, bound)

            def locate(env: Env) -> Located:
                return compute(env), None

        def elements(env: Env) -> Iterator[Located]:
            items, path = locate(env)
            if not isinstance(items, list):
                where = f"{dotted(path)} " if path else ""
                raise EvalError(f"{where}is a {type_name(items)}, not a list")
            env.visit(len(items))
            for i, item in enumerate(items):
                yield item, (None if path is None else (*path, i))

        return elements
