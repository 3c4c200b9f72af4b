"""Rules and terms → compiled checks: guards, lets, requires with their messages, and a
term's ordered tiers; what reports need about each rule, without callables or AST."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from qrules.compile.env import Env, Located, ValueFn
from qrules.compile.expressions import Compiler
from qrules.compile.operators import BINARY_OPERATORS
from qrules.compile.verdict import Plan
from qrules.model.paths import DocPath
from qrules.syntax import ast


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
    plan: Plan | None = None  # what the fast verdict compiles (verdict.py)


@dataclass(frozen=True)
class CompiledTier:
    kind: str
    holds: Callable[[Env, Any], bool]
    written: str  # the condition as written, for messages ("<= 0.65")
    approval: str | None
    severity: str | None
    reason: str | None
    message: Callable[[Env], str] | None = None  # a reason with holes: the whole message


@dataclass(frozen=True)
class CompiledTerm:
    info: RuleInfo
    conditions: tuple[ValueFn, ...]
    value: Callable[[Env], Located]
    tiers: tuple[CompiledTier, ...]
    hint: Callable[[Env], str] | None
    plan: Plan | None = None

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
        hint=compiler.template(rule.hint, bound | _element_names(rule)) if rule.hint else None,
        plan=_plan(compiler, rule),
    )


def _element_names(rule: ast.Rule) -> frozenset[str]:
    """Names a message or hint may use: the element variable of each top-level `all`."""
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
        plan=_plan(compiler, term),
    )


def _plan(compiler: Compiler, node: ast.Rule | ast.Term) -> Plan:
    return Plan(node, dict(compiler.constants), frozenset(compiler.daily))


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


TIER_VALUE = "value"  # what a tier's message calls the term's value: {value}


def _tier(compiler: Compiler, tier: ast.Tier) -> CompiledTier:
    holds, written = _tier_condition(compiler, tier.condition)
    template = tier.message
    speaks = template is not None and any(not isinstance(p, str) for p in template.parts)
    message = compiler.template(template, frozenset({TIER_VALUE})) if template and speaks else None
    return CompiledTier(
        tier.kind, holds, written, tier.approval, tier.severity, tier.reason, message
    )


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
