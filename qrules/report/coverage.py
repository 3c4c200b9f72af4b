"""Clause coverage: for every clause the run's rules cite, what each agreement does with it.

A clause is *addressed* when a rule citing it applied and held (a fallback position taken
with approval counts: the agreement settles the point), a *conflict* when such a rule has a
finding, *waived* when its only findings are waived, *silent* when no rule citing it applied,
and *unread* when the agreement could not be read, so no rule ran. A clause is each
distinct ``ref`` of the loaded rules, as written.

``--format coverage`` prints this module's Markdown; ``--format coverage-json`` its data.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from qrules.model.findings import CheckReport, DocumentResult
from qrules.report.order import natural_key

ADDRESSED, CONFLICT, WAIVED, SILENT, UNREAD = "addressed", "conflict", "waived", "silent", "unread"
STATES = (ADDRESSED, CONFLICT, WAIVED, SILENT, UNREAD)
LABELS = {
    ADDRESSED: "Addressed",
    CONFLICT: "Conflicts",
    WAIVED: "Waived",
    SILENT: "Silent",
    UNREAD: "Not read",
}
DEFINITION = (
    "A clause is *addressed* when a rule citing it applied and held, a *conflict* when such "
    "a rule has a finding, *waived* when its findings are waived, *silent* when no rule "
    "citing it applied, and *not read* when the agreement could not be read."
)


class ClauseState(NamedTuple):
    """One clause in one agreement; ``rules`` are those that decided the state. (A named
    tuple, not a frozen dataclass: a batch makes one per clause and agreement, 100,000s.)"""

    clause: str
    state: str
    rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClauseTotal:
    """One clause over a batch: how many agreements are in each state."""

    clause: str
    rules: tuple[str, ...]
    counts: dict[str, int]


def cited(report: CheckReport) -> dict[str, tuple[str, ...]]:
    """Every clause the run's rules and terms cite, in natural order, with the enabled rules
    citing it (a rule the configuration disabled addresses nothing)."""
    rules: dict[str, list[str]] = {}
    for entry in report.rule_entries():
        for ref in entry.refs if entry.kind != "builtin" else ():
            rules.setdefault(ref, []).extend([entry.id] if entry.enabled else [])
    return {clause: tuple(rules[clause]) for clause in sorted(rules, key=natural_key)}


def document_coverage(
    document: DocumentResult, clauses: dict[str, tuple[str, ...]]
) -> tuple[ClauseState, ...]:
    if document.applied is None:
        return tuple(ClauseState(clause, UNREAD) for clause in clauses)
    active: dict[str, list[str]] = {}
    waived: dict[str, list[str]] = {}
    for finding in document.findings:
        if finding.tier == "accept" and not finding.waived:
            continue  # a fallback position holds: the clause is addressed
        for ref in finding.refs:
            (waived if finding.waived else active).setdefault(ref, []).append(finding.rule)
    held = set(document.applied).__contains__
    return tuple(_state(clause, rules, held, active, waived) for clause, rules in clauses.items())


def _state(
    clause: str,
    rules: tuple[str, ...],
    held: Callable[[str], bool],
    active: dict[str, list[str]],
    waived: dict[str, list[str]],
) -> ClauseState:
    if clause in active:
        return ClauseState(clause, CONFLICT, tuple(dict.fromkeys(active[clause])))
    if clause in waived:
        return ClauseState(clause, WAIVED, tuple(dict.fromkeys(waived[clause])))
    applied = tuple(filter(held, rules))
    return ClauseState(clause, ADDRESSED, applied) if applied else ClauseState(clause, SILENT)


def by_state(states: tuple[ClauseState, ...]) -> dict[str, tuple[str, ...]]:
    """The clauses of one agreement per state, states in their fixed order, empty ones left out."""
    grouped = {state: tuple(s.clause for s in states if s.state == state) for state in STATES}
    return {state: clauses for state, clauses in grouped.items() if clauses}


def batch_totals(report: CheckReport) -> tuple[ClauseTotal, ...]:
    clauses = cited(report)
    return totals(clauses, [document_coverage(d, clauses) for d in report.documents])


def totals(
    clauses: dict[str, tuple[str, ...]], documents: Iterable[tuple[ClauseState, ...]]
) -> tuple[ClauseTotal, ...]:
    """The batch's count per clause and state, from each agreement's coverage."""
    counts = {clause: Counter[str]() for clause in clauses}
    for states in documents:
        for state in states:
            counts[state.clause][state.state] += 1
    return tuple(
        ClauseTotal(clause, rules, {state: counts[clause][state] for state in STATES})
        for clause, rules in clauses.items()
    )


# ---------------------------------------------------------------------------- outputs


def as_data(report: CheckReport) -> dict[str, object]:
    """The coverage JSON: clause totals, then each agreement (in the JSON report's order)."""
    clauses = cited(report)
    return {
        "qrules": report.version,
        "rulesets": [dict(r) for r in report.rulesets],
        "states": list(STATES),
        "clauses": [
            {"clause": total.clause, "rules": list(total.rules), **total.counts}
            for total in batch_totals(report)
        ],
        "documents": [
            {
                "path": document.path,
                "sha256": document.sha256,
                "id": document.identity.id if document.identity else None,
                "clauses": {
                    s.clause: {"state": s.state, "rules": list(s.rules)}
                    for s in document_coverage(document, clauses)
                },
            }
            for document in report.documents
        ],
    }


def render(report: CheckReport) -> str:
    """``--format coverage``: the matrix in Markdown, the batch first."""
    from qrules.report.md import code, escape, table

    clauses = cited(report)
    lines = ["# Clause coverage", "", *_about(report), DEFINITION, ""]
    if not clauses:
        return "\n".join([*lines, "No rule of the run cites a clause (`ref`)."]) + "\n"
    if len(report.documents) > 1:
        lines += ["## All agreements", "", *totals_table(batch_totals(report))]
    for document in sorted(report.documents, key=lambda d: natural_key(d.path)):
        rows = [
            [
                escape(s.clause),
                s.state.replace(UNREAD, "not read"),
                escape(", ".join(s.rules)) or "—",
            ]
            for s in document_coverage(document, clauses)
        ]
        lines += [f"## {code(document.path)}", "", *table(["Clause", "Coverage", "Rules"], rows)]
    from qrules.report import evidence

    lines += evidence.markdown(report.evidence, ((d.path, d.sha256) for d in report.documents))
    return "\n".join(lines).rstrip("\n") + "\n"


def _about(report: CheckReport) -> list[str]:
    from qrules.report.md import escape

    rulesets = ", ".join(escape(ruleset_name(r)) for r in report.rulesets)
    date = (report.checked_on or dt.date.today()).isoformat()
    return [
        f"- **Date:** {date}",
        f"- **Rulesets:** {rulesets or 'none'}",
        f"- **Agreements:** {len(report.documents)}",
        "",
    ]


def totals_table(totals: tuple[ClauseTotal, ...]) -> list[str]:
    """The batch's clauses, one row each, with how many agreements are in each state."""
    from qrules.report.md import escape, table

    rows = [[escape(t.clause), *(str(t.counts[state]) for state in STATES)] for t in totals]
    header = ["Clause", *(LABELS[state] for state in STATES)]
    return table(header, rows, numeric=len(STATES))


def ruleset_name(ruleset: dict[str, object]) -> str:
    """``iso9001 2015.2``: a ruleset as the reports name it."""
    version = ruleset.get("version")
    return f"{ruleset['name']} {version}" if version else str(ruleset["name"])
