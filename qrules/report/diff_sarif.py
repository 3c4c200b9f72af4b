"""``qrules diff --format sarif``: the new revisions' findings as SARIF, each with its
``baselineState`` against the old revision (new, unchanged; the fixed ones ``absent``), by
the check report's own SARIF writer. Each term that got weaker is a result too (rule
``weaker``, a warning at the new value's line), so code scanning annotates a pull request
where it weakened a term; every term move is in the run's properties."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from qrules.model.diff import FIXED, DiffReport, TermMove
from qrules.model.findings import CheckReport, DocumentResult, Finding
from qrules.report import json_text, sarif

WEAKER_RULE = "weaker"


def render(report: DiffReport) -> str:
    data = sarif.as_data(as_check_report(report))
    data["runs"][0]["properties"]["terms"] = [
        {**asdict(t), "refs": list(t.refs)} for a in report.agreements for t in a.terms
    ]
    return json_text.dumps(data) + "\n"


def as_check_report(report: DiffReport) -> CheckReport:
    documents, fixed = [], []
    for a in report.agreements:
        marked = tuple(replace(c.finding, baseline=c.state) for c in a.findings if c.state != FIXED)
        weaker = tuple(_weaker(t) for t in a.weaker() if t.new.line is not None)
        found = tuple(sorted(marked + weaker, key=lambda f: f.sort_key))
        documents.append(DocumentResult(a.new, found, sha256=a.new_sha256))
        fixed += [(a.new, c.finding) for c in a.findings if c.state == FIXED]
    return CheckReport(
        version=report.version,
        rulesets=tuple(_summary(r) for r in report.evidence.rulesets) if report.evidence else (),
        documents=tuple(documents),
        fail_on="error",
        rules=report.rules,
        checked_on=report.evidence.today if report.evidence else None,
        evidence=report.evidence,
        baseline="the old revisions",
        fixed=tuple(fixed),
    )


def _weaker(move: TermMove) -> Finding:
    old = move.old.value or "absent"
    return Finding(
        rule=WEAKER_RULE,
        ruleset="qrules",
        severity="warning",
        title="A term got weaker for a party",
        message=f"{move.title} got weaker for {move.party}: {old} → {move.new.value} "
        f"({move.moved}): {move.requires}",
        path=move.new.path or move.path,
        line=move.new.line or 1,
        refs=move.refs,
        baseline="new",
    )


def _summary(ruleset: dict[str, Any]) -> dict[str, Any]:
    return {"name": ruleset["name"], "version": ruleset["version"]}
