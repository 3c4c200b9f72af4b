"""The fast verdict: a rulebook's rules and terms compiled to one Python function, once,
that tells for each which of the common outcomes an agreement has: it does not apply (a
guard is false, or reads a missing field), it holds with no finding, or *unsure*.

Findings never come from here. For an unsure rule the closures run exactly as they would
without this (their blame, messages, hints and errors); the verdict only lets the engine
skip them where the answer is certain, and it is unsure whenever in doubt: a failing check,
a missing field a rule requires, a value of a type the inline code does not expect, an
error, a step budget running out. One function for the whole rulebook, because a call per
rule alone would cost about what the rules do. ``generate`` writes the expressions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qrules.compile.env import Env, ValueFn
from qrules.compile.generate import MAX_NESTING, Generator
from qrules.compile.reads import Code, Scope, Table, Unsupported, indent
from qrules.limits import MAX_EVALUATION_STEPS
from qrules.model.values import Duration
from qrules.syntax import ast

SKIP, HOLDS, UNSURE = 0, 1, 2  # does not apply; holds, no finding; ask the closures

# verdicts(data, today, applied, unsure) appends the id of each rule that holds to
# `applied` and calls `unsure(index)` for each the closures must run, in rule order; it
# answers False (and decides nothing) for data that is not a record.
Verdicts = Callable[[Any, dt.date, list[str], Callable[[int], None]], bool]


@dataclass(frozen=True)
class Plan:
    """What the verdict needs of one rule or term: its syntax and its ruleset's constants
    (``daily``: those that ask for today(), computed per agreement)."""

    node: ast.Rule | ast.Term
    constants: Mapping[str, ValueFn]
    daily: frozenset[str]


class _Absent(Exception):
    """A field the agreement lacks: a guard reading it means the rule does not apply."""


class _Unsure(Exception):
    """The closures decide."""


def compile_verdicts(plans: Sequence[tuple[str, Plan | None]]) -> Verdicts | None:
    """One function for the rules and terms ``plans`` names (id, plan), in their order."""
    table = Table()
    body: list[str] = []
    for index, (rule_id, plan) in enumerate(plans):
        body += [
            *_block(table, plan),
            f"if _r == {HOLDS}:",
            f"    applied.append({table.constant(rule_id)})",
            f"elif _r == {UNSURE}:",
            f"    unsure({index})",  # outside the try: the closures' own errors are theirs
        ]
    helpers = {
        "_Absent": _Absent,
        "_Unsure": _Unsure,
        "_step": _step,
        "_daily": _daily,
        "_NUM": frozenset({int, float}),
        "_date": dt.date,
        "_Duration": Duration,
        "_ALIKE": frozenset({int, float, str, dt.date, bool}),
        "_ORDERED": frozenset({int, float, str, dt.date}),
        "_MAX": MAX_EVALUATION_STEPS,
        "_UNSET": object(),
    }
    # Top-level fields are read once, first: a lookup in the agreement's record cannot fail.
    fields = [f"{name} = doc.get({table.constant(key)})" for key, name in table.fields.items()]
    parameters = [*helpers, *(f"_k{i}" for i in range(len(table.values)))]
    source = "\n".join(
        [
            f"def _factory({', '.join(parameters)}):",
            "    def verdicts(doc, today, applied, unsure):",
            "        if type(doc) is not dict:",
            "            return False",
            *indent([*fields, *body], 2),
            "        return True",
            "    return verdicts",
        ]
    )
    namespace: dict[str, Any] = {}
    try:
        exec(compile(source, "<qrules verdicts>", "exec"), namespace)  # the source is ours alone
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return None  # Python cannot compile it (a limit of its own): the closures run all
    verdicts: Verdicts = namespace["_factory"](*helpers.values(), *table.values)
    return verdicts


def _block(table: Table, plan: Plan | None) -> list[str]:
    """One rule's statements, leaving its verdict in ``_r``; always unsure when the
    generator does not handle something in it."""
    if plan is None:
        return [f"_r = {UNSURE}"]
    generator = Generator(table, plan.constants, plan.daily)
    try:
        if isinstance(plan.node, ast.Rule):
            decided = _rule(generator, plan.node)
        else:
            decided = _term(generator, plan.node)
        guarded = _guards(generator, plan.node, decided)
    except (Unsupported, RecursionError):
        return [f"_r = {UNSURE}"]
    counter = ["_s = 0"] if generator.steps else []
    counter += [f"{kept} = _UNSET" for kept in generator.kept]
    return [
        f"_r = {SKIP}",
        "try:",
        *indent([*counter, *guarded]),
        "except _Absent:",
        "    pass",  # before the guards passed: does not apply; after: unsure
        "except Exception:",  # anything the inline code did not foresee: the closures decide
        f"    _r = {UNSURE}",
    ]


def _guards(generator: Generator, node: ast.Rule | ast.Term, decided: list[str]) -> list[str]:
    """Scope and `when`s in order, each nesting the rest: a guard that is not true means the
    rule does not apply (as `_applies` says); past them, a missing field is unsure."""
    lines = [f"_r = {UNSURE}", *decided]
    guards = ((node.scope,) if node.scope is not None else ()) + node.when
    if len(guards) > MAX_NESTING:
        raise Unsupported("too many guards")
    for guard in reversed(guards):
        code = generator.value(guard, {})
        lines = [*code.lines, f"if {code.expr} is True:", *indent(lines)]
    return lines


def _rule(generator: Generator, rule: ast.Rule) -> list[str]:
    """Lets, then each require: holds only when every require is true."""
    lines: list[str] = []
    scope: dict[str, tuple[str, bool]] = {}
    for let in rule.lets:
        code = generator.value(let.value, scope)
        name = generator.table.temp()
        lines += [*code.lines, f"{name} = {code.expr}"]
        scope = {**scope, let.name: (name, False)}  # a let's value has no place
    for require in rule.requires:
        code = generator.value(require.condition, scope)
        lines += [*code.lines, f"if {code.expr} is not True: raise _Unsure"]
    return [*lines, f"_r = {HOLDS}"]


def _term(generator: Generator, term: ast.Term) -> list[str]:
    """The term's value, then its tiers in order: holds when the first that holds is a
    `prefer` (which reports nothing); any other tier, or none, is a finding: unsure."""
    if term.hint is not None and not _plain_template(term.hint):
        raise Unsupported("a hint that computes")  # run before the tiers, whatever they say
    if isinstance(term.at, ast.Path):
        lines, value, _ = generator.read(term.at, {})
    else:
        code = generator.value(term.at, {})
        lines, value = list(code.lines), code.expr
    if len(term.tiers) > MAX_NESTING:
        raise Unsupported("too many tiers")
    tiers: list[str] = []
    for tier in reversed(term.tiers):
        verdict = [f"_r = {HOLDS if tier.kind == 'prefer' else UNSURE}"]
        if tier.condition is None:
            tiers = verdict
            continue
        test = _tier_test(generator, tier.condition, Code((), value))
        tiers = [
            *test.lines,
            f"if {test.expr}:",
            *indent(verdict),
            "else:",
            *indent(tiers or ["pass"]),
        ]
    return [*lines, *tiers]


def _tier_test(generator: Generator, condition: ast.Condition, value: Code) -> Code:
    """A tier's condition on the value, as `rules._tier_condition` computes it."""
    empty: Scope = {}
    if condition.op != "between":
        (operand,) = condition.operands
        return generator.binary(condition.op, value, operand, empty)
    low, high = condition.operands
    at_least = generator.binary(">=", value, low, empty)
    at_most = generator.binary("<=", value, high, empty)
    t = generator.table.temp()
    lines = (
        *at_least.lines,
        f"{t} = {at_least.expr}",
        f"if {t}:",
        *indent([*at_most.lines, f"{t} = {at_most.expr}"]),
    )
    return Code(lines, t)


def _plain_template(template: ast.Template) -> bool:
    """Holes that only read fields or say constants: showing them cannot fail."""
    return all(
        isinstance(part, (str, ast.Literal))
        or (isinstance(part, ast.Path) and all(isinstance(s, ast.Field) for s in part.segments))
        for part in template.parts
    )


# ---------------------------------------------------------------------- run-time helpers
def _step(value: Any, key: Any, located: bool) -> Any:
    """One indexed step, as `operators.step_into` takes it."""
    if type(value) is dict:
        if type(key) is not str:
            raise _Unsure
        item = value.get(key)
        if item is None:
            raise _Absent if located else _Unsure
        return item
    if type(value) is not list or type(key) is not int:
        raise _Unsure
    if not -len(value) <= key < len(value):
        raise _Absent if located else _Unsure
    return value[key]  # an element may be null: that is its value, not a missing field


def _daily(compute: ValueFn, document: Any, today: dt.date) -> Any:
    """A top-level `let` that asks for today(), as a rule's evaluation computes it."""
    env = Env(document, today)
    value = compute(env)
    if env.steps:  # it would count against the rule's budget: leave that to the closures
        raise _Unsure
    return value
