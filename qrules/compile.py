"""AST → Python closures, once per ruleset; static checks that need no document.

Every expression becomes ``fn(env) -> value``. Reading a document field appends its path to
``env.trace``, so that a failing check can blame the most specific field it read; reading a
field the document lacks raises :class:`MissingField`, so a missing field is never a silent
pass. ``exists(path)`` is the one place that catches it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import re2

from qrules.errors import RulesetError, source_context
from qrules.limits import MAX_EVALUATION_STEPS, MAX_REGEX_BYTES, REGEX_PROGRAM_SIZE
from qrules.stdlib.core import FUNCTIONS, EvalError
from qrules.syntax import ast
from qrules.values import Duration, Percent, show, type_name

DocPath = tuple[str | int, ...]
Located = tuple[Any, DocPath | None]
ValueFn = Callable[["Env"], Any]
CheckFn = Callable[["Env"], "DocPath | None"]

RESERVED = {"and", "or", "not", "in", "contains", "matches", "where", "true", "false", "null"}
SPECIAL_FUNCTIONS = {"exists": (1, 1), "today": (0, 0)}


class MissingField(Exception):
    """A rule read a field the agreement does not have (or has as null)."""

    def __init__(self, path: DocPath, parent: DocPath) -> None:
        super().__init__(dotted(path))
        self.path = path
        self.parent = parent


@dataclass
class Env:
    """What one evaluation sees: the document, bound names, the fields read so far."""

    document: Any
    today: dt.date
    bindings: dict[str, Located] = field(default_factory=dict)
    trace: list[DocPath] = field(default_factory=list)
    steps: int = 0  # list elements visited: nested quantifiers multiply them

    def visit(self, count: int) -> None:
        """Count elements about to be visited. Every loop is over a finite list, but nested
        quantifiers over long lists multiply: a budget keeps each evaluation bounded."""
        self.steps += count
        if self.steps > MAX_EVALUATION_STEPS:
            raise EvalError(
                f"evaluation stopped after {MAX_EVALUATION_STEPS:,} list elements: "
                "quantifiers nest over lists too long to check"
            )

    def first_read_since(self, mark: int) -> DocPath | None:
        return self.trace[mark] if len(self.trace) > mark else None


def dotted(path: DocPath) -> str:
    """``("scope", "products", 2, "revision")`` → ``scope.products[2].revision``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class Compiler:
    """Compiles the expressions of one ruleset file; errors point into that file."""

    def __init__(self, source: str, text: str, roots: frozenset[str] | None) -> None:
        self.source = source
        self.text = text
        self.roots = roots  # top-level fields the schema knows; None when there is no schema

    def error(self, message: str, span: ast.Span, hint: str | None = None) -> RulesetError:
        return RulesetError(
            message,
            source=self.source,
            line=span.line or None,
            column=span.column or None,
            hint=hint,
            context=source_context(self.text, span.line, span.column) if span.line else None,
        )

    # ------------------------------------------------------------------ values
    def value(self, node: ast.Expr, bound: frozenset[str]) -> ValueFn:
        method = getattr(self, f"_value_{type(node).__name__.lower()}")
        return method(node, bound)

    def _value_literal(self, node: ast.Literal, bound: frozenset[str]) -> ValueFn:
        constant = node.value
        return lambda env: constant

    def _value_listexpr(self, node: ast.ListExpr, bound: frozenset[str]) -> ValueFn:
        items = [self.value(item, bound) for item in node.items]
        return lambda env: [item(env) for item in items]

    def _value_path(self, node: ast.Path, bound: frozenset[str]) -> ValueFn:
        locate = self.located(node, bound)
        return lambda env: locate(env)[0]

    def _value_unary(self, node: ast.Unary, bound: frozenset[str]) -> ValueFn:
        operand = self.value(node.operand, bound)
        if node.op == "not":
            return lambda env: not _boolean(operand(env), "not")
        return lambda env: _negate(operand(env))

    def _value_binary(self, node: ast.Binary, bound: frozenset[str]) -> ValueFn:
        if node.op in ast.LOGIC:
            return self._logic(node, bound)
        left, right = self.value(node.left, bound), self.value(node.right, bound)
        apply = BINARY_OPERATORS[node.op]
        return lambda env: apply(left(env), right(env))

    def _logic(self, node: ast.Binary, bound: frozenset[str]) -> ValueFn:
        operands = [self.value(operand, bound) for operand in ast.chain(node)]
        op = node.op
        if op == "and":
            return lambda env: all(_boolean(operand(env), op) for operand in operands)
        return lambda env: any(_boolean(operand(env), op) for operand in operands)

    def _value_matches(self, node: ast.Matches, bound: frozenset[str]) -> ValueFn:
        pattern = self.regex(node)
        operand = self.value(node.operand, bound)

        def matches(env: Env) -> bool:
            text = operand(env)
            if not isinstance(text, str):
                raise EvalError(f"`matches` needs a string, got {type_name(text)} {show(text)}")
            try:
                return pattern.search(text) is not None
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
            close = difflib.get_close_matches(node.name, known, n=1)
            hint = (
                f"did you mean `{close[0]}`?" if close else f"known functions: {', '.join(known)}"
            )
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
        if node.root in bound and not node.segments:
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
            return _boolean(body(env), node.kind)

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
                total += _boolean(condition(env), "count ... where")
            return total

        return count

    # ------------------------------------------------------------------ paths
    def located(self, node: ast.Path, bound: frozenset[str]) -> Callable[[Env], Located]:
        """A path's value with the document path it was read from (None for computed values)."""
        if node.root in RESERVED:
            raise self.error(f"`{node.root}` is a keyword and cannot start a field path", node.span)
        if node.root not in bound:
            self._check_root(node)
        steps: list[str | ValueFn] = [
            s.name if isinstance(s, ast.Field) else self.value(s.index, bound)
            for s in node.segments
        ]
        root, is_bound = node.root, node.root in bound

        def locate(env: Env) -> Located:
            value, path = env.bindings[root] if is_bound else _step(env.document, (), root)
            for step in steps:
                key = step if isinstance(step, str) else step(env)
                value, path = _step(value, path, key)
            if path is not None:
                env.trace.append(path)
            return value, path

        return locate

    def _check_root(self, node: ast.Path) -> None:
        if self.roots is None or node.root in self.roots or node.root.startswith("x_"):
            return
        close = difflib.get_close_matches(node.root, sorted(self.roots), n=1)
        hint = f"did you mean `{close[0]}`?" if close else "bind it with `let` first"
        raise self.error(
            f"undefined name `{node.root}`: not a field of the agreement schema nor a `let`",
            node.span,
            hint,
        )

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
        value = self.value(node, bound)

        def check(env: Env) -> DocPath | None:
            mark = len(env.trace)
            if _boolean(value(env), "require"):
                return None
            return env.first_read_since(mark) or ()

        return check

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
                    if _boolean(body_value(env), "none"):
                        return _within(env.first_read_since(start) or (), element[1])
                elif node.kind == "any" and _boolean(body_value(env), "any"):
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


def _step(value: Any, path: DocPath | None, key: Any) -> Located:
    """One step down a path: a record field or a list index."""
    if isinstance(value, dict):
        if not isinstance(key, str):
            raise EvalError(f"a record is indexed by field names, not {type_name(key)}")
        item = value.get(key)
        child = None if path is None else (*path, key)
        if item is None:
            if path is None:
                raise EvalError(f"the record has no field `{key}`")
            raise MissingField(child or (key,), path)
        return item, child
    if isinstance(value, list):
        if isinstance(key, bool) or not isinstance(key, int):
            raise EvalError(f"a list is indexed by whole numbers, not {type_name(key)}")
        if not -len(value) <= key < len(value):
            if path is None:
                raise EvalError(f"index {key} is outside a list of {len(value)}")
            raise MissingField((*path, key), path)
        index = key % len(value)
        return value[index], (None if path is None else (*path, index))
    where = dotted(path) if path else "the value"
    raise EvalError(f"{where} is a {type_name(value)} {show(value)}, it has no `{key}`")


def _boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise EvalError(f"`{where}` needs true or false, got {type_name(value)} {show(value)}")
    return value


def _negate(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, Duration, Percent)):
        raise EvalError(f"cannot negate {type_name(value)} {show(value)}")
    return -value


ORDERED = (int, float, str, dt.date, Duration, Percent)


def _comparable(left: Any, right: Any, op: str) -> None:
    kinds = type_name(left), type_name(right)
    if kinds[0] != kinds[1] and "null" not in kinds:
        raise EvalError(
            f"cannot compare {kinds[0]} {show(left)} with {kinds[1]} {show(right)} using {op}"
        )
    if op not in ("==", "!=") and (
        "null" in kinds or isinstance(left, bool) or not isinstance(left, ORDERED)
    ):
        raise EvalError(f"{op} needs numbers, strings, dates, durations or percentages")


def _comparison(op: str, compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def apply(left: Any, right: Any) -> bool:
        _comparable(left, right, op)
        return compare(left, right)

    return apply


def _membership(left: Any, right: Any) -> bool:
    if isinstance(right, str) and isinstance(left, str):
        return left in right
    if not isinstance(right, list):
        raise EvalError(f"`in` needs a list on its right, got {type_name(right)} {show(right)}")
    return any(type_name(item) == type_name(left) and item == left for item in right)


def _contains(left: Any, right: Any) -> bool:
    return _membership(right, left)


def _arithmetic(op: str, apply: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def compute(left: Any, right: Any) -> Any:
        if isinstance(left, bool) or isinstance(right, bool):
            raise EvalError(f"cannot use {op} on true/false")
        if op == "/" and right == 0:
            raise EvalError("division by zero")
        try:
            result = _calendar(op, left, right)
            if result is NotImplemented:
                result = apply(left, right)
        except TypeError:
            result = NotImplemented
        except (ValueError, ArithmeticError) as error:  # dates beyond year 9999, overflow
            message = f"{show(left)} {op} {show(right)} cannot be computed: {error}"
            raise EvalError(message) from None
        if result is NotImplemented:
            raise EvalError(
                f"cannot compute {type_name(left)} {show(left)} {op} "
                f"{type_name(right)} {show(right)}"
            )
        return result

    return compute


def _calendar(op: str, left: Any, right: Any) -> Any:
    """Date arithmetic, which Python's operators do not do the calendar's way."""
    if isinstance(left, dt.date) and isinstance(right, Duration) and op in "+-":
        return right.add_to(left) if op == "+" else (-right).add_to(left)
    if isinstance(left, dt.date) and isinstance(right, dt.date) and op == "-":
        return Duration((left - right).days, "days")
    return NotImplemented


BINARY_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "==": _comparison("==", operator.eq),
    "!=": _comparison("!=", operator.ne),
    "<": _comparison("<", operator.lt),
    "<=": _comparison("<=", operator.le),
    ">": _comparison(">", operator.gt),
    ">=": _comparison(">=", operator.ge),
    "in": _membership,
    "not in": lambda left, right: not _membership(left, right),
    "contains": _contains,
    "+": _arithmetic("+", operator.add),
    "-": _arithmetic("-", operator.sub),
    "*": _arithmetic("*", operator.mul),
    "/": _arithmetic("/", operator.truediv),
}


# ---------------------------------------------------------------------------- regular expressions
# RE2 matches in time linear in the text, whatever the pattern: a rule cannot hang a check
# (Python's `re` backtracks: /^(a+)+$/ against 40 a's and a `!` runs for hours). The price
# is RE2's syntax, without backreferences and lookaround, which these errors explain.

REGEX_HINT = "qrules uses RE2 syntax: no backreferences or lookaround"
RE2_LACKS = (
    ("(?<=", "lookbehind"),
    ("(?<!", "lookbehind"),
    ("(?=", "lookahead"),
    ("(?!", "lookahead"),
    ("(?>", "atomic groups"),
    ("(?P=", "backreferences"),
    ("(?(", "conditionals"),
    ("(?#", "comments"),
)
BACKREFERENCE = re.compile(r"\\([1-9]|k)")


class RegexProblem(Exception):
    """Why a pattern cannot be used, and where in it (0 is its first character)."""

    def __init__(self, message: str, offset: int = 0, hint: str = REGEX_HINT) -> None:
        super().__init__(message)
        self.message, self.offset, self.hint = message, offset, hint


def compile_regex(node: ast.Matches, source: str, text: str) -> Any:
    """The one place a rule's regular expression is compiled (the compiler and lint both
    come here): RE2, flags i m s, bounded length and program size; errors located in it."""
    try:
        return regex_program(node.pattern, node.flags)
    except RegexProblem as problem:
        span = node.span
        # The pattern ends the `matches` expression: /pattern/flags.
        start = span.end_column - len(node.flags) - 1 - len(node.pattern)
        line, column = span.end_line or 1, max(start, 1) + problem.offset
        shown = node.pattern if len(node.pattern) <= 60 else node.pattern[:59] + "…"
        raise RulesetError(
            f"invalid regular expression /{shown}/: {problem.message}",
            source=source,
            line=line,
            column=column,
            hint=problem.hint,
            context=source_context(text, line, column),
        ) from None


def regex_program(pattern: str, flags: str) -> Any:
    """``pattern`` compiled by RE2, or :class:`RegexProblem`."""
    if len(pattern) > MAX_REGEX_BYTES:
        raise RegexProblem(
            f"{len(pattern):,} characters long, at most {MAX_REGEX_BYTES:,} are allowed",
            hint="split it into several `matches` joined by `and` or `or`",
        )
    if "x" in flags:
        raise RegexProblem(
            "RE2 has no verbose mode (flag x)",
            len(pattern) + 1 + flags.index("x"),
            "remove the x flag, and the spaces and comments it allowed",
        )
    options = re2.Options()
    options.log_errors = False  # RE2 would print every error to stderr itself
    options.case_sensitive = "i" not in flags
    options.dot_nl = "s" in flags
    prefix = "(?m)" if "m" in flags else ""  # RE2's Options have no multi-line switch
    try:
        program = re2.compile(prefix + pattern, options)
    except re2.error as error:
        raise _re2_problem(error, pattern, prefix) from None
    if program.programsize > REGEX_PROGRAM_SIZE:
        raise _too_complex()
    return program


def _re2_problem(error: Exception, pattern: str, prefix: str) -> RegexProblem:
    reason = error.args[0] if error.args else str(error)
    reason = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    if reason.startswith("pattern too large"):
        return _too_complex()
    offset = _offset(pattern, prefix, reason)
    lacking = _lacking(pattern, offset, reason)
    if lacking:
        return RegexProblem(f"RE2 does not support {lacking}", offset)
    return RegexProblem(reason, offset)


def _offset(pattern: str, prefix: str, reason: str) -> int:
    """Where in the pattern RE2 stopped: it quotes the start of the offending part, which
    may also begin parts it accepts (`(?P` of `(?P<name>` and of `(?P=name)`)."""
    fragment = reason.partition(": ")[2]
    if not fragment:
        return 0
    found = [m.start() - len(prefix) for m in re.finditer(re.escape(fragment), prefix + pattern)]
    found = [offset for offset in found if offset >= 0] or [0]
    return next((o for o in found if _lacking(pattern, o, reason)), found[0])


def _lacking(pattern: str, offset: int, reason: str) -> str | None:
    """The Perl or Python feature RE2 lacks that the error stopped at, if it is one."""
    for start, feature in RE2_LACKS:
        if pattern.startswith(start, offset):
            return feature
    if BACKREFERENCE.match(pattern, offset):
        return "backreferences"
    if reason.startswith("bad repetition operator") and reason.endswith("+"):
        return "possessive repetition"
    return None


def _too_complex() -> RegexProblem:
    return RegexProblem(
        f"too complex: RE2 compiles it to more than {REGEX_PROGRAM_SIZE:,} instructions",
        hint="use fewer or smaller repetitions",
    )


# ---------------------------------------------------------------------------- rules and terms


@dataclass(frozen=True)
class RuleInfo:
    """What a finding says about the rule that made it; no callables, no AST."""

    id: str
    title: str
    severity: str
    refs: tuple[str, ...]
    ruleset: str
    source: str
    line: int
    kind: str  # "rule" or "term"


@dataclass(frozen=True)
class CompiledRule:
    info: RuleInfo
    conditions: tuple[ValueFn, ...]  # scope and `when`s; all must hold for the rule to apply
    lets: tuple[tuple[str, ValueFn], ...]
    requires: tuple[Callable[[Env], Iterator[DocPath]], ...]
    message: Callable[[Env], str] | None
    default_messages: tuple[str, ...]  # one per require, used when there is no `message`
    hint: Callable[[Env], str] | None


@dataclass(frozen=True)
class CompiledTier:
    kind: str
    holds: Callable[[Env, Any], bool]
    written: str  # the condition as written, for messages ("<= 0.65")
    approval: str | None
    severity: str | None
    reason: str | None


@dataclass(frozen=True)
class CompiledTerm:
    info: RuleInfo
    conditions: tuple[ValueFn, ...]
    value: Callable[[Env], Located]
    tiers: tuple[CompiledTier, ...]
    hint: Callable[[Env], str] | None

    @property
    def preferred(self) -> str:
        """The preferred position as written, for messages about fallbacks."""
        return " or ".join(t.written for t in self.tiers if t.kind == "prefer" and t.written)


Compiled = CompiledRule | CompiledTerm


def compile_rule(compiler: Compiler, rule: ast.Rule, ruleset: str) -> CompiledRule:
    bound: frozenset[str] = frozenset()
    conditions = _conditions(compiler, rule.scope, rule.when)
    lets = []
    for let in rule.lets:
        lets.append((let.name, compiler.value(let.value, bound)))
        bound |= {let.name}
    return CompiledRule(
        info=_info(compiler, rule, ruleset, "rule"),
        conditions=conditions,
        lets=tuple(lets),
        requires=tuple(compiler.each_failure(r.condition, bound) for r in rule.requires),
        message=compiler.template(rule.message, bound | _element_names(rule))
        if rule.message
        else None,
        default_messages=tuple(f"{rule.title}: requires {r.source}" for r in rule.requires),
        hint=compiler.template(rule.hint, bound) if rule.hint else None,
    )


def _element_names(rule: ast.Rule) -> frozenset[str]:
    """Names a message may use: the element variable of each top-level `all`."""
    return frozenset(
        r.condition.var
        for r in rule.requires
        if isinstance(r.condition, ast.Quantifier) and r.condition.kind == "all"
    )


def compile_term(compiler: Compiler, term: ast.Term, ruleset: str) -> CompiledTerm:
    return CompiledTerm(
        info=_info(compiler, term, ruleset, "term"),
        conditions=_conditions(compiler, term.scope, term.when),
        value=_term_value(compiler, term.at),
        tiers=tuple(_tier(compiler, tier) for tier in term.tiers),
        hint=compiler.template(term.hint, frozenset()) if term.hint else None,
    )


def _term_value(compiler: Compiler, at: ast.Expr) -> Callable[[Env], Located]:
    """A term's value and where it stands: the field itself, or for a computed value the
    first field it reads."""
    if isinstance(at, ast.Path):
        return compiler.located(at, frozenset())
    compute = compiler.value(at, frozenset())

    def located(env: Env) -> Located:
        mark = len(env.trace)
        return compute(env), env.first_read_since(mark)

    return located


def _info(compiler: Compiler, node: ast.Rule | ast.Term, ruleset: str, kind: str) -> RuleInfo:
    return RuleInfo(
        node.id,
        node.title,
        node.severity,
        node.refs,
        ruleset,
        compiler.source,
        node.span.line,
        kind,
    )


def _conditions(
    compiler: Compiler, scope: ast.Expr | None, when: tuple[ast.Expr, ...]
) -> tuple[ValueFn, ...]:
    guards = ((scope,) if scope is not None else ()) + when
    return tuple(compiler.value(guard, frozenset()) for guard in guards)


def _tier(compiler: Compiler, tier: ast.Tier) -> CompiledTier:
    holds, written = _tier_condition(compiler, tier.condition)
    return CompiledTier(tier.kind, holds, written, tier.approval, tier.severity, tier.reason)


def _tier_condition(
    compiler: Compiler, condition: ast.Condition | None
) -> tuple[Callable[[Env, Any], bool], str]:
    if condition is None:
        return (lambda env, value: True), ""
    operands = [compiler.value(o, frozenset()) for o in condition.operands]
    span = condition.span
    written = " ".join(_source_slice(compiler.text, span).split())
    if condition.op == "between":
        low, high = operands
        at_least, at_most = BINARY_OPERATORS[">="], BINARY_OPERATORS["<="]
        return (lambda env, v: at_least(v, low(env)) and at_most(v, high(env))), written
    apply = BINARY_OPERATORS[condition.op]
    (operand,) = operands
    return (lambda env, v: bool(apply(v, operand(env)))), written


def _source_slice(text: str, span: ast.Span) -> str:
    lines = text.splitlines()
    if not span.line or span.line > len(lines):
        return ""
    if span.line == span.end_line:
        return lines[span.line - 1][span.column - 1 : span.end_column - 1]
    first = lines[span.line - 1][span.column - 1 :]
    middle = lines[span.line : span.end_line - 1]
    last = lines[span.end_line - 1][: span.end_column - 1]
    return "\n".join([first, *middle, last])
