"""Rules and terms of different rulesets that no agreement can satisfy together: a
regulator's minimum above a customer's maximum on the same field. The regions come from
the negotiation engine (one region engine for both commands); what is conditional (under a
``scope`` or ``when``) or computed is left out, never guessed."""

from __future__ import annotations

from dataclasses import dataclass

from qrules.authoring.lint.typerules import LintFinding
from qrules.errors import QrulesError
from qrules.negotiate.analysis import rule_region
from qrules.negotiate.positions import NotAnalysed, position
from qrules.negotiate.regions import Region
from qrules.report.negotiation import region_text
from qrules.syntax import ast
from qrules.syntax.parser import parse_ruleset


@dataclass(frozen=True)
class Demand:
    """What one rule or term allows on one field."""

    source: str
    statement: ast.Rule | ast.Term
    path: str
    allowed: Region


def conflicts(files: dict[str, str]) -> list[LintFinding]:
    """A finding at the later of each pair of demands from different files that no value of
    their field satisfies together."""
    demands = [d for source, text in files.items() for d in _demands(source, text)]
    findings = []
    for index, later in enumerate(demands):
        for earlier in demands[:index]:
            if earlier.source != later.source and earlier.path == later.path:
                finding = _conflict(earlier, later)
                if finding:
                    findings.append(finding)
    return findings


def _demands(source: str, text: str) -> list[Demand]:
    try:
        syntax = parse_ruleset(text, source)
    except QrulesError:
        return []  # lint_text reports it
    found = []
    for statement in syntax.rules:
        demand = _demand(source, statement)
        if demand is not None:
            found.append(demand)
    return found


def _demand(source: str, statement: ast.Rule | ast.Term) -> Demand | None:
    if isinstance(statement, ast.Rule):
        simple = rule_region(statement)
        return Demand(source, statement, *simple) if simple else None
    if not isinstance(statement.at, ast.Path) or statement.scope is not None or statement.when:
        return None
    try:
        return Demand(source, statement, statement.at.dotted, position(statement).acceptable)
    except NotAnalysed:
        return None


def _conflict(earlier: Demand, later: Demand) -> LintFinding | None:
    if type(earlier.allowed) is not type(later.allowed):
        return None  # different kinds of value: lint's type checks say more
    together = earlier.allowed.intersection(later.allowed)  # type: ignore[arg-type]
    if not together.empty:
        return None
    where = f"{earlier.source}:{earlier.statement.span.line}"
    return LintFinding(
        later.source,
        later.statement.span.line,
        later.statement.span.column,
        "conflict",
        "error",
        f"{later.statement.id} and {earlier.statement.id} ({where}) cannot both hold: "
        f"{later.path} {region_text(later.allowed)} here, {region_text(earlier.allowed)} there",
        "no agreement can satisfy both; settle which one gives way",
    )
