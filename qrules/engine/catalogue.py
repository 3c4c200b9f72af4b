"""The rules of a run as reports describe them: ruleset rules and terms, and qrules' own checks.

SARIF lists every rule a result may refer to, and JUnit has one testcase per rule and
document, so reports need the rules that did not fire as well. This module reads what the
rulesets say statically (titles, refs, requirements as written, hints as written); it never
evaluates anything.
"""

from __future__ import annotations

import re

from qrules.compile import CompiledTerm
from qrules.document import LOADER_TITLES
from qrules.engine.waivers import WAIVER_TITLE
from qrules.limits import MAX_AGREEMENT_BYTES, MAX_DEPTH, MAX_NUMBER_DIGITS, MAX_VALUES
from qrules.model.findings import RuleEntry
from qrules.ruleset import Rulebook, Ruleset
from qrules.syntax import ast
from qrules.syntax.format import expr

BUILTIN_RULESET = "qrules"

# What each of qrules' own checks looks for (the README's table, in full sentences).
_BUILTIN = {
    "document-unreadable": (
        "The file is missing, not a regular file (a folder, pipe or device), binary (it "
        "contains NUL bytes), UTF-16 or otherwise not UTF-8.",
        "Save the agreement as a UTF-8 text file.",
    ),
    "yaml-syntax": (
        "The agreement is not well-formed YAML or JSON, is empty, holds several documents, "
        "or is Markdown without YAML front matter.",
        "Fix the syntax at the reported line.",
    ),
    "duplicate-key": (
        "A key is given twice in one mapping; a contract must mean one thing.",
        "Remove one of the two, or merge them.",
    ),
    "yaml-tag": (
        "A YAML tag that would construct an object (`!!python/object`, custom tags, `<<` "
        "merges), a tag on the wrong kind of node (`!!str` on a mapping), or a tagged value "
        "that is not of its type (`!!int abc`).",
        "Remove the tag; agreements hold plain values only.",
    ),
    "yaml-limits": (
        f"The file is over {MAX_AGREEMENT_BYTES // 2**20} MiB, nests deeper than {MAX_DEPTH} "
        f"levels, expands to more than {MAX_VALUES:,} values, or holds a number of more than "
        f"{MAX_NUMBER_DIGITS:,} digits.",
        "Split the agreement, or remove the aliases that expand without bound.",
    ),
    "yaml-ambiguous": (
        "A plain value that YAML 1.1 and YAML 1.2 readers read differently (`yes`, `on`, "
        "`0777`, `1:30`).",
        "Quote the value, or write it the way it is meant (`true`, a number).",
    ),
    "non-finite": (
        "A number that is not finite: `.nan`, `.inf`, or too large for a float (`1.0e+999`).",
        "Write the number that is meant.",
    ),
    "schema": (
        "The agreement does not follow its JSON Schema: an unknown field, a wrong type, a "
        "value that is not allowed.",
        "Follow the message; `qrules schema` prints the schema.",
    ),
    "waiver": (
        "A waiver that is expired, has no `approved_by`, or names a rule that did not fire.",
        "Renew or approve the waiver, or remove it.",
    ),
}
_BUILTIN_SEVERITY = {"yaml-ambiguous": "warning"}


def catalogue(rules: Rulebook) -> tuple[RuleEntry, ...]:
    """Every rule and term of the rulebook in ruleset order, then qrules' own checks."""
    entries = [entry for ruleset in rules.rulesets for entry in _ruleset_entries(ruleset)]
    return (*entries, *builtin_entries())


def builtin_entries() -> tuple[RuleEntry, ...]:
    titles = {**LOADER_TITLES, "waiver": WAIVER_TITLE}
    return tuple(
        RuleEntry(
            rule,
            titles[rule],
            _BUILTIN_SEVERITY.get(rule, "error"),
            BUILTIN_RULESET,
            kind="builtin",
            description=description,
            hint=hint,
        )
        for rule, (description, hint) in _BUILTIN.items()
    )


def _ruleset_entries(ruleset: Ruleset) -> list[RuleEntry]:
    # By id: an importing ruleset may have disabled or replaced some of the rules.
    statements = {statement.id: statement for statement in ruleset.syntax.rules}
    return [
        RuleEntry(
            check.info.id,
            check.info.title,
            check.info.severity,
            check.info.ruleset,
            refs=check.info.refs,
            kind=check.info.kind,
            description=_describe(statement, check),
            hint=_as_written(statement.hint),
            source=check.info.source,
            line=check.info.line,
        )
        for check in ruleset.checks
        for statement in [statements[check.info.id]]
    ]


def _describe(statement: ast.Rule | ast.Term, check: object) -> str:
    if isinstance(statement, ast.Term) and isinstance(check, CompiledTerm):
        tiers = "; ".join(_tier_text(t.kind, t.written, t.approval, t.reason) for t in check.tiers)
        return f"Negotiated positions on {expr(statement.at)}: {tiers}."
    assert isinstance(statement, ast.Rule)
    text = "Requires " + " and ".join(r.source for r in statement.requires) + "."
    if statement.message is not None:
        text += f" When it does not hold: {_as_written(statement.message)}"
    return text


def _tier_text(kind: str, written: str, approval: str | None, reason: str | None) -> str:
    text = f"{kind} {written}".rstrip() if written else f"{kind} any other value"
    if approval:
        text += f" (approval: {approval})"
    if reason:
        text += f" — {reason}"
    return text


def _as_written(template: ast.Template | None) -> str | None:
    """A message or hint as written, with doubled braces undone; `{...}` holes stay."""
    if template is None:
        return None
    return re.sub(r"\{\{|\}\}", lambda match: match[0][0], template.text)
