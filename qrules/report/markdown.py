"""A review memo for the signing meeting, in Markdown (GitHub-flavoured tables).

Per agreement: a verdict (ready to sign, or how many conflicts block it), the conflicts
grouped by the clause they concern, the fallback positions that need someone's approval, the
waivers in force, and what kept qrules from reading the agreement. All text that comes from
agreements or rulesets is escaped, so a `|` in a reason cannot break a table.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from qrules.findings import SEVERITY_RANK, CheckReport, DocumentResult, Finding

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")
_NUMBER = re.compile(r"(\d+)")
OTHER = "Other"


def render(report: CheckReport) -> str:
    lines = _header(report)
    for document in report.documents:
        lines += _document(document, report.fail_on)
    lines += _overrides(report)
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------------------- text helpers


def escape(text: str) -> str:
    """User text for inline Markdown: special characters escaped, line breaks as spaces."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def code(text: str, *, in_table: bool = False) -> str:
    """A code span long enough for the backticks inside it; pipes escaped inside tables."""
    text = " ".join(str(text).split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    span = f"{fence}{padded}{fence}"
    return span.replace("|", "\\|") if in_table else span


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


# ---------------------------------------------------------------------------- sections


def _header(report: CheckReport) -> list[str]:
    date = report.checked_on or dt.date.today()
    rulesets = ", ".join(
        escape(f"{r['name']} {r['version']}" if r.get("version") else str(r["name"]))
        for r in report.rulesets
    )
    ready = sum(_failing(d, report.fail_on) == [] for d in report.documents)
    lines = [
        "# Agreement review memo",
        "",
        f"- **Date:** {date.isoformat()}",
        f"- **Rulesets:** {rulesets}",
        f"- **Blocking severity:** {report.fail_on} and above",
        f"- **Agreements:** {len(report.documents)} checked: {ready} ready to sign, "
        f"{len(report.documents) - ready} not ready",
        "",
    ]
    rows = [
        [code(d.path, in_table=True), _verdict(d, report.fail_on), str(len(_approvals(d)))]
        for d in report.documents
    ]
    return lines + _table(["Agreement", "Verdict", "Approvals required"], rows)


def _verdict(document: DocumentResult, fail_on: str) -> str:
    failing = _failing(document, fail_on)
    if not failing:
        return "Ready to sign"
    return f"Not ready: {_plural(len(failing), 'conflict')}"


def _document(document: DocumentResult, fail_on: str) -> list[str]:
    lines = [f"## {code(document.path)}", "", f"**{_verdict(document, fail_on)}**", ""]
    lines += _loading(document)
    lines += _conflicts(document, fail_on)
    lines += _approval_table(document)
    lines += _waivers(document)
    lines += _remarks(document, fail_on)
    return lines


def _loading(document: DocumentResult) -> list[str]:
    problems = [f for f in document.findings if _is_loader(f)]
    if not problems:
        return []
    lines = ["### Problems reading the agreement", ""]
    lines += [_item(document.path, f, with_hint=True) for f in problems]
    return [*lines, ""]


def _conflicts(document: DocumentResult, fail_on: str) -> list[str]:
    conflicts = [f for f in _failing(document, fail_on) if not _is_loader(f)]
    if not conflicts:
        return []
    groups: dict[str, list[Finding]] = {}
    for finding in conflicts:
        groups.setdefault(finding.refs[0] if finding.refs else OTHER, []).append(finding)
    lines = ["### Conflicts", ""]
    for clause in sorted(groups, key=_clause_order):
        lines += [f"#### {escape(clause)}", ""]
        lines += [_item(document.path, f, with_hint=True) for f in groups[clause]]
        lines.append("")
    return lines


def _approval_table(document: DocumentResult) -> list[str]:
    approvals = _approvals(document)
    if not approvals:
        return []
    rows = [
        [
            f"{escape(f.rule)} {escape(f.title)}",
            escape(f.message),
            escape(f.approval or "not named"),
            code(f"{document.path}:{f.line}", in_table=True),
        ]
        for f in approvals
    ]
    return ["### Approvals required", "", *_table(["Term", "Position", "Approval", "Line"], rows)]


def _waivers(document: DocumentResult) -> list[str]:
    waived = [f for f in document.findings if f.waived]
    if not waived:
        return []
    rows = []
    for finding in waived:
        waiver = finding.waiver or {}
        where = finding.related[0].line if finding.related else finding.line
        rows.append(
            [
                escape(finding.rule),
                escape(waiver.get("reason", "")),
                escape(waiver.get("approved_by", "")),
                escape(waiver.get("expires", "none")),
                code(f"{document.path}:{where}", in_table=True),
            ]
        )
    header = ["Rule", "Reason", "Approved by", "Expires", "Waiver"]
    return ["### Waivers", "", *_table(header, rows)]


def _remarks(document: DocumentResult, fail_on: str) -> list[str]:
    failing = _failing(document, fail_on)
    remarks = [
        f
        for f in document.findings
        if f not in failing and not f.waived and not _is_loader(f) and f.tier != "accept"
    ]
    if not remarks:
        return []
    lines = ["### Remarks (not blocking)", ""]
    lines += [_item(document.path, f, with_hint=False) for f in remarks]
    return [*lines, ""]


def _overrides(report: CheckReport) -> list[str]:
    changed = [entry for entry in report.rules if entry.override]
    if not changed:
        return []
    rows = [
        [
            escape(entry.id),
            "disabled" if not entry.enabled else f"severity {entry.severity}",
            escape(entry.override or ""),
        ]
        for entry in changed
    ]
    return [
        "## Rules changed by the configuration",
        "",
        *_table(["Rule", "Change", "Reason"], rows),
    ]


# ---------------------------------------------------------------------------- selections


def _item(path: str, finding: Finding, *, with_hint: bool) -> str:
    text = (
        f"- {code(f'{path}:{finding.line}')} {finding.severity} **{escape(finding.rule)}** "
        f"{escape(finding.message)}"
    )
    if with_hint and finding.hint:
        text += f" — *Fix:* {escape(finding.hint)}"
    return text


def _failing(document: DocumentResult, fail_on: str) -> list[Finding]:
    threshold = SEVERITY_RANK[fail_on]
    return [f for f in document.findings if not f.waived and SEVERITY_RANK[f.severity] >= threshold]


def _approvals(document: DocumentResult) -> list[Finding]:
    return [f for f in document.findings if f.tier == "accept" and not f.waived]


def _is_loader(finding: Finding) -> bool:
    return finding.ruleset == "qrules" and finding.rule != "waiver"


def _clause_order(clause: str) -> tuple[bool, list[tuple[int, str]]]:
    """Clauses in natural order (8.4.3 before 8.10), "Other" last."""
    pieces = [(int(p), "") if p.isdigit() else (0, p) for p in _NUMBER.split(clause) if p]
    return (clause == OTHER, pieces)
