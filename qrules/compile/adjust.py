"""What an importing ruleset changes in the rules it imports: ``override ID severity LEVEL``
gives a rule (or term) another severity, ``disable ID`` removes it, ``replace ID with OWN``
removes it in favour of the importer's own rule. Each names a rule that some imported
ruleset has, and ``replace`` one the importer has; anything else is an error located at
the statement, with the nearest id."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from qrules.compile.rules import Compiled
from qrules.errors import QrulesError, did_you_mean
from qrules.syntax import ast

Locate = Callable[[str, ast.Span, str | None], QrulesError]


def adjust(
    adjustments: Sequence[ast.Adjustment],
    imported: Sequence[tuple[Compiled, ...]],
    own: frozenset[str],
    error: Locate,
) -> list[tuple[Compiled, ...]]:
    """The checks of each imported ruleset once the adjustments are made."""
    known = {check.info.id for checks in imported for check in checks}
    changes: dict[str, ast.Adjustment] = {}
    for node in adjustments:
        _check(node, known, own, changes, error)
        changes[node.rule] = node
    return [
        tuple(_apply(check, changes) for check in checks if _kept(check, changes))
        for checks in imported
    ]


def _check(
    node: ast.Adjustment,
    known: set[str],
    own: frozenset[str],
    changes: dict[str, ast.Adjustment],
    error: Locate,
) -> None:
    if not known:
        raise error(
            f"`{node.kind} {node.rule}`: this ruleset imports no ruleset",
            node.span,
            'add `import NAME` (or `import "file.qr"`) above it',
        )
    if node.rule not in known:
        hint = did_you_mean(node.rule, sorted(known), list_them=False)
        raise error(f"no imported rule has the id {node.rule}", node.span, hint)
    if node.rule in changes:
        first = changes[node.rule]
        raise error(
            f"{node.rule} is changed twice (first by `{first.kind}` on line {first.span.line})",
            node.span,
            "keep one `override`, `disable` or `replace` per rule",
        )
    if node.kind == "replace" and node.replacement not in own:
        hint = did_you_mean(str(node.replacement), sorted(own), list_them=False)
        raise error(
            f"`replace {node.rule} with {node.replacement}`: this ruleset has no rule "
            f"{node.replacement}",
            node.span,
            hint or "define the replacing rule in this file",
        )


def _kept(check: Compiled, changes: dict[str, ast.Adjustment]) -> bool:
    change = changes.get(check.info.id)
    return change is None or change.kind == "override"


def _apply(check: Compiled, changes: dict[str, ast.Adjustment]) -> Compiled:
    change = changes.get(check.info.id)
    if change is None or change.severity is None:
        return check
    return replace(check, info=replace(check.info, severity=change.severity))


def adjusted_syntax(syntax: ast.RulesetFile, checks: tuple[Compiled, ...]) -> ast.RulesetFile:
    """The imported file as the importer changed it, for whatever reads statements (docs,
    explain, negotiation): the rules it removed gone, the severities it set in place."""
    severity = {check.info.id: check.info.severity for check in checks}
    statements: list[ast.Statement] = []
    for statement in syntax.statements:
        if isinstance(statement, ast.ScopeStatement):
            statements.append(statement)
        elif statement.id in severity:
            level = severity[statement.id]
            changed = level != statement.severity
            statements.append(
                replace(statement, severity=level, severity_given=True) if changed else statement
            )
    return replace(syntax, statements=tuple(statements))
