"""``qrules lint``: what is wrong with a ruleset before anything runs.

Beyond syntax and compile errors it checks the rules against the agreement schema: field
paths the schema does not have (with the schema's nearest name), values of incompatible
types compared or combined, enum values the schema does not allow, tiers that can never be
reached (``tiers``), `let`s never used, and rules without a `ref`. ``types`` knows what each
value is; ``linter`` walks a ruleset; ``conflicts`` finds rules and terms of different
rulesets that no agreement can satisfy together.
"""

from __future__ import annotations

from pathlib import Path

from qrules.authoring.lint.conflicts import conflicts
from qrules.authoring.lint.linter import Linter
from qrules.authoring.lint.typerules import LintFinding
from qrules.authoring.lint.types import SchemaTypes
from qrules.authoring.recovery import all_errors
from qrules.errors import QrulesError
from qrules.ruleset import Params, SchemaChoice, compile_text, load_ruleset
from qrules.schema import load_schema

__all__ = ["LintFinding", "conflicts", "duplicate_ids", "lint_text"]


def lint_text(
    text: str,
    source: str,
    folder: Path | None = None,
    schema: SchemaChoice = "auto",
    params: Params | None = None,
) -> list[LintFinding]:
    """Every lint finding of one ruleset file's text (``folder``: where it lives;
    ``schema``, ``params``: the run's, as for ``check``)."""
    # Every error of the file at once; the checks below then run on what could be read.
    recovery = all_errors(text, source, lambda t: compile_text(t, source, folder, schema, params))
    findings = [
        LintFinding(
            source,
            error.line or 1,
            error.column or 1,
            "syntax" if error.kind == "syntax error" else "compile",
            "error",
            error.message,
            error.hint,
            error.context,
        )
        for error in recovery.errors
    ]
    compiled = recovery.loaded
    if compiled is None:
        return findings
    if compiled.syntax.imports or compiled.syntax.adjustments:
        findings += _import_problems(source, folder, schema, params)
    syntax = compiled.syntax
    types = SchemaTypes(load_schema(compiled.schema)) if compiled.schema else None
    linter = Linter(source, text, types)
    linter.ruleset(syntax)
    checked = {f for f in linter.findings if not recovery.touches(f.line)}
    return sorted(checked | set(findings))


def _import_problems(
    source: str, folder: Path | None, schema: SchemaChoice, params: Params | None
) -> list[LintFinding]:
    """What loading the file with its imports finds: cycles, unknown or missing ids."""
    file = (folder / Path(source).name) if folder else Path(source)
    try:
        load_ruleset(file, schema=schema, params=params)
    except QrulesError as error:
        where = (error.source or source) if error.line else source
        line, column = error.line or 1, error.column or 1
        finding = LintFinding(
            where, line, column, "compile", "error", error.message, error.hint, error.context
        )
        return [finding]
    return []


def duplicate_ids(files: dict[str, str]) -> list[LintFinding]:
    """Rule ids defined in more than one of the files linted together."""
    from qrules.syntax.parser import parse_ruleset

    seen: dict[str, str] = {}
    findings = []
    for source, text in files.items():
        try:
            syntax = parse_ruleset(text, source)
        except QrulesError:
            continue
        for statement in syntax.rules:
            if statement.id in seen and seen[statement.id] != source:
                findings.append(
                    LintFinding(
                        source,
                        statement.span.line,
                        statement.span.column,
                        "duplicate-id",
                        "error",
                        f"rule id {statement.id} is also defined in {seen[statement.id]}",
                        "rule ids must be unique across rulesets checked together",
                    )
                )
            seen.setdefault(statement.id, source)
    return findings
