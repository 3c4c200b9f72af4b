"""Expressions → Python closures ``fn(env) -> value``, once per ruleset.

Reading a document field appends its path to ``env.trace``, so that a failing check can
blame the most specific field it read; reading a field the document lacks raises
:class:`MissingField`, so a missing field is never a silent pass. ``exists(path)`` is the
one place that catches it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from qrules.compile.env import CheckFn, Env, Located, MissingField, ValueFn
from qrules.compile.operators import BINARY_OPERATORS, boolean, negate
from qrules.compile.paths import Paths
from qrules.compile.plain_regex import plain_program, searcher
from qrules.compile.regex import compile_regex
from qrules.errors import did_you_mean
from qrules.model.paths import DocPath
from qrules.model.values import show, type_name
from qrules.stdlib.core import FUNCTIONS, EvalError
from qrules.syntax import ast

SPECIAL_FUNCTIONS = {"exists": (1, 1), "today": (0, 0)}


class Compiler(Paths):
    """Compiles the expressions of one ruleset file; errors point into that file."""

    # ------------------------------------------------------------------ values
    def value(self, node: ast.Expr, bound: frozenset[str]) -> ValueFn:
        method: Callable[[Any, frozenset[str]], ValueFn]
        method = getattr(self, f"_value_{type(node).__name__.lower()}")
        return method(node, bound)

    def _value_literal(self, node: ast.Literal, bound: frozenset[str]) -> ValueFn:
        constant = node.value
        return lambda env: constant

    def _value_listexpr(self, node: ast.ListExpr, bound: frozenset[str]) -> ValueFn:
        items = [self.value(item, bound) for item in node.items]
        return lambda env: [item(env) for item in items]

    def _value_record(self, node: ast.Record, bound: frozenset[str]) -> ValueFn:
        items = [(key, self.value(item, bound)) for key, item in node.items]
        return lambda env: {key: item(env) for key, item in items}

    def _value_conditional(self, node: ast.Conditional, bound: frozenset[str]) -> ValueFn:
        condition = self.value(node.condition, bound)
        then, otherwise = self.value(node.then, bound), self.value(node.otherwise, bound)
        return lambda env: then(env) if boolean(condition(env), "if") else otherwise(env)

    def _value_path(self, node: ast.Path, bound: frozenset[str]) -> ValueFn:
        locate = self.located(node, bound)
        return lambda env: locate(env)[0]

    def _value_unary(self, node: ast.Unary, bound: frozenset[str]) -> ValueFn:
        operand = self.value(node.operand, bound)
        if node.op == "not":
            return lambda env: not boolean(operand(env), "not")
        return lambda env: negate(operand(env))

    def _value_binary(self, node: ast.Binary, bound: frozenset[str]) -> ValueFn:
        if node.op in ast.LOGIC:
            return self._logic(node, bound)
        left, right = self.value(node.left, bound), self.value(node.right, bound)
        if node.op == "implies":
            return lambda env: not boolean(left(env), "implies") or boolean(right(env), "implies")
        apply = BINARY_OPERATORS[node.op]
        return lambda env: apply(left(env), right(env))

    def _logic(self, node: ast.Binary, bound: frozenset[str]) -> ValueFn:
        operands = [self.value(operand, bound) for operand in ast.chain(node)]
        op = node.op
        if op == "and":
            return lambda env: all(boolean(operand(env), op) for operand in operands)
        return lambda env: any(boolean(operand(env), op) for operand in operands)

    def _value_matches(self, node: ast.Matches, bound: frozenset[str]) -> ValueFn:
        found = searcher(self.regex(node), plain_program(node.pattern, node.flags))
        operand = self.value(node.operand, bound)

        def matches(env: Env) -> bool:
            text = operand(env)
            if not isinstance(text, str):
                raise EvalError(f"`matches` needs a string, got {type_name(text)} {show(text)}")
            try:
                return found(text)
            except UnicodeError:  # a lone surrogate, from a JSON \ud800 escape
                raise EvalError("`matches` cannot read text that is not valid Unicode") from None

        return matches

    def regex(self, node: ast.Matches) -> Any:
        return compile_regex(node, self.source, self.text)

    def _value_call(self, node: ast.Call, bound: frozenset[str]) -> ValueFn:
        self._check_arity(node)
        if node.name == "exists":
            return self._exists(node.args[0], bound)
        if node.name == "today":
            return lambda env: env.today
        function, name = FUNCTIONS[node.name].call, node.name
        args = [self.value(arg, bound) for arg in node.args]

        def call(env: Env) -> Any:
            values = [arg(env) for arg in args]
            try:
                return function(*values)
            except (TypeError, ValueError, ArithmeticError) as error:
                # A function met values it has no answer for: a finding, not a crash.
                shown = ", ".join(show(v) for v in values)
                raise EvalError(f"{name}({shown}) cannot be computed: {error}") from None

        return call

    def _check_arity(self, node: ast.Call) -> None:
        if node.name in SPECIAL_FUNCTIONS:
            low, high = SPECIAL_FUNCTIONS[node.name]
        elif node.name in FUNCTIONS:
            low, high = FUNCTIONS[node.name].min_args, FUNCTIONS[node.name].max_args
        else:
            known = sorted([*FUNCTIONS, *SPECIAL_FUNCTIONS])
            hint = did_you_mean(node.name, known, list_them=False)
            hint = hint or f"known functions: {', '.join(known)}"
            raise self.error(f"unknown function `{node.name}`", node.span, hint)
        if not low <= len(node.args) <= high:
            wanted = str(low) if low == high else f"{low} to {high}"
            raise self.error(
                f"`{node.name}` takes {wanted} argument{'s' if high != 1 else ''}, "
                f"given {len(node.args)}",
                node.span,
            )

    def _exists(self, node: ast.Expr, bound: frozenset[str]) -> ValueFn:
        if not isinstance(node, ast.Path):
            raise self.error(
                "`exists` takes a field path, such as exists(audits.notice)", node.span
            )
        if (node.root in bound or node.root in self.constants) and not node.segments:
            # A bound name always has a value (the element, or what the `let` computed).
            raise self.error(
                f"`exists({node.root})` is always true: `{node.root}` is a name the rule "
                "binds, not a field of the agreement",
                node.span,
                hint=f"exists takes a field path such as exists({node.root}.revision)",
            )
        locate = self.located(node, bound)

        def exists(env: Env) -> bool:
            try:
                locate(env)
            except MissingField as missing:
                env.trace.append(missing.parent)  # blame the nearest existing parent
                return False
            return True

        return exists

    def _value_quantifier(self, node: ast.Quantifier, bound: frozenset[str]) -> ValueFn:
        elements = self.elements(node.iterable, bound)
        body = self.value(node.body, bound | {node.var})
        var = node.var

        def holds(env: Env, element: Located) -> bool:
            env.bindings[var] = element
            return boolean(body(env), node.kind)

        if node.kind == "all":
            return lambda env: all(holds(env, e) for e in elements(env))
        if node.kind == "any":
            return lambda env: any(holds(env, e) for e in elements(env))
        return lambda env: not any(holds(env, e) for e in elements(env))

    def _value_count(self, node: ast.Count, bound: frozenset[str]) -> ValueFn:
        elements = self.elements(node.iterable, bound)
        condition = self.value(node.condition, bound | {node.var})

        def count(env: Env) -> int:
            total = 0
            for element in elements(env):
                env.bindings[node.var] = element
                total += boolean(condition(env), "count ... where")
            return total

        return count

    # ------------------------------------------------------------------ checks (with blame)
    def check(self, node: ast.Expr, bound: frozenset[str]) -> CheckFn:
        """``fn(env)`` → None when the condition holds, else the document path to blame."""
        if isinstance(node, ast.Binary) and node.op in ast.LOGIC:
            checks = [self.check(operand, bound) for operand in ast.chain(node)]
            if node.op == "and":
                return lambda env: _first_failure(checks, env)
            return lambda env: _all_fail(checks, env)
        if isinstance(node, ast.Quantifier):
            return self._check_quantifier(node, bound)
        if isinstance(node, ast.Conditional) or (
            isinstance(node, ast.Binary) and node.op == "implies"
        ):
            return self._check_branches(node, bound)
        value = self.value(node, bound)

        def check(env: Env) -> DocPath | None:
            mark = len(env.trace)
            if boolean(value(env), "require"):
                return None
            return env.first_read_since(mark) or ()

        return check

    def _check_branches(self, node: ast.Conditional | ast.Binary, bound: frozenset[str]) -> CheckFn:
        """An `if` fails where the branch it picks fails; `A implies B` where B fails
        once A holds (when A does not hold, it holds)."""
        if isinstance(node, ast.Binary):
            where, condition, then = "implies", node.left, self.check(node.right, bound)
            otherwise: CheckFn = lambda env: None  # noqa: E731
        else:
            where, condition = "if", node.condition
            then, otherwise = self.check(node.then, bound), self.check(node.otherwise, bound)
        test = self.value(condition, bound)
        return lambda env: then(env) if boolean(test(env), where) else otherwise(env)

    def _check_quantifier(self, node: ast.Quantifier, bound: frozenset[str]) -> CheckFn:
        elements = self.elements(node.iterable, bound)
        inner = bound | {node.var}
        body_check, body_value = self.check(node.body, inner), self.value(node.body, inner)

        def check(env: Env) -> DocPath | None:
            mark = len(env.trace)
            for element in elements(env):
                env.bindings[node.var] = element
                if node.kind == "all":
                    blame = body_check(env)
                    if blame is not None:
                        return _within(blame, element[1])
                elif node.kind == "none":
                    start = len(env.trace)
                    if boolean(body_value(env), "none"):
                        return _within(env.first_read_since(start) or (), element[1])
                elif node.kind == "any" and boolean(body_value(env), "any"):
                    return None
            if node.kind == "any":
                return env.first_read_since(mark) or ()
            return None

        return check

    def each_failure(
        self, node: ast.Expr, bound: frozenset[str]
    ) -> Callable[[Env], Iterator[DocPath]]:
        """A top-level ``all`` reports every failing element; anything else fails at most once."""
        if isinstance(node, ast.Quantifier) and node.kind == "all":
            elements = self.elements(node.iterable, bound)
            body = self.check(node.body, bound | {node.var})

            def failures(env: Env) -> Iterator[DocPath]:
                for element in elements(env):
                    env.bindings[node.var] = element
                    blame = body(env)
                    if blame is not None:
                        yield _within(blame, element[1])

            return failures
        check = self.check(node, bound)

        def failure(env: Env) -> Iterator[DocPath]:
            blame = check(env)
            if blame is not None:
                yield blame

        return failure

    # ------------------------------------------------------------------ templates
    def template(self, node: ast.Template, bound: frozenset[str]) -> Callable[[Env], str]:
        parts: list[str | ValueFn] = [
            p if isinstance(p, str) else self.value(p, bound) for p in node.parts
        ]

        def render(env: Env) -> str:
            return "".join(p if isinstance(p, str) else _show_safely(p, env) for p in parts)

        return render


MISSING_HOLE, UNKNOWN_HOLE = "(missing)", "(?)"  # what a message shows for a hole it cannot fill


def _show_safely(value: ValueFn, env: Env) -> str:
    try:
        return show(value(env))
    except MissingField:
        return MISSING_HOLE
    except (EvalError, KeyError):
        return UNKNOWN_HOLE


def _within(blame: DocPath, element: DocPath | None) -> DocPath:
    """A failing element is blamed inside itself: a place elsewhere (say, another list the
    body searched) would not say which element failed."""
    if element is None or blame[: len(element)] == element:
        return blame or element or ()
    return element


def _first_failure(checks: list[CheckFn], env: Env) -> DocPath | None:
    for check in checks:
        blame = check(env)
        if blame is not None:
            return blame
    return None


def _all_fail(checks: list[CheckFn], env: Env) -> DocPath | None:
    """When no operand of an `or` holds, blame the most specific place (the first of equals)."""
    worst: DocPath | None = None
    for check in checks:
        blame = check(env)
        if blame is None:
            return None
        if worst is None or len(blame) > len(worst):
            worst = blame
    return worst
