"""``qrules diff --format markdown``: the redline memo (model in redline.py)."""

from __future__ import annotations

from qrules.model.diff import DiffReport, Side, TermMove
from qrules.report import evidence
from qrules.report.md import code, escape, table
from qrules.report.redline import Memo, Redline, build, clause


def render(report: DiffReport) -> str:
    memo = build(report)
    lines = _header(memo)
    for redline in memo.redlines:
        lines += _redline(redline)
    lines += evidence.markdown(report.evidence, memo.hashed)
    return "\n".join(lines).rstrip("\n") + "\n"


def _header(memo: Memo) -> list[str]:
    parties = ", ".join(escape(p) for p in memo.parties) or "none (no terms)"
    return [
        "# Redline memo",
        "",
        f"- **Date:** {memo.date}",
        f"- **Parties whose terms were compared:** {parties}",
        f"- **Changes:** {escape(memo.verdict)}",
        "",
    ]


def _redline(r: Redline) -> list[str]:
    lines = [f"## {code(r.old)} → {code(r.new)}", "", f"**{escape(r.verdict)}**", ""]
    lines += _terms(r.terms)
    lines += _fields(r)
    lines += _findings(r)
    lines += _waivers(r)
    if r.not_analysed:
        listed = "; ".join(f"{escape(term)} ({escape(why)})" for term, why in r.not_analysed)
        lines += [f"*Terms not compared:* {listed}", ""]
    return lines


def _terms(terms: tuple[TermMove, ...]) -> list[str]:
    if not terms:
        return []
    rows = [
        [
            f"**{t.direction}**",
            f"**{escape(t.term)}** {escape(t.title)}",
            escape(t.party),
            escape(clause(t)),
            _side(t.old),
            _side(t.new),
            f"{t.old_tier} → {t.new_tier}",
            escape(t.requires),
        ]
        for t in terms
    ]
    header = ["Change", "Term", "For", "Clause", "Was", "Now", "Tier", "What it now requires"]
    return ["### Terms that changed", "", *table(header, rows)]


def _side(side: Side) -> str:
    if side.value is None:
        return "absent"
    value = code(side.value, in_table=True)
    return f"{value} (line {side.line})" if side.line else value


def _fields(r: Redline) -> list[str]:
    if not r.fields:
        return []
    rows = [[code(c.path, in_table=True), c.kind, _side(c.old), _side(c.new)] for c in r.fields]
    return ["### Other changed fields", "", *table(["Field", "Change", "Was", "Now"], rows)]


def _findings(r: Redline) -> list[str]:
    lines: list[str] = []
    for heading, findings in (("New findings", r.new_findings), ("Fixed findings", r.fixed)):
        if not findings:
            continue
        rows = [
            [
                f.severity + (" (waived)" if f.waived else ""),
                f"**{escape(f.rule)}**",
                str(f.line),
                code(f.path, in_table=True) if f.path else "—",
                escape(f.message),
            ]
            for f in findings
        ]
        header = ["Severity", "Rule", "Line", "Field", "Message"]
        lines += [f"### {heading}", "", *table(header, rows)]
    if r.unchanged:
        are = "finding is" if r.unchanged == 1 else "findings are"
        lines += [f"{r.unchanged} {are} unchanged from the old revision.", ""]
    return lines


def _waivers(r: Redline) -> list[str]:
    if not r.waivers:
        return []
    rows = [
        [
            escape(w.rule),
            w.change,
            str(w.line or "—"),
            escape(w.approved_by or "—"),
            escape(w.expires or "none"),
        ]
        for w in r.waivers
    ]
    header = ["Waiver for", "Change", "Line", "Approved by", "Expires"]
    return ["### Waivers", "", *table(header, rows)]
