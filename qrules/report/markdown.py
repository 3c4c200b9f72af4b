"""A review memo for the signing meeting, in Markdown (GitHub-flavoured tables).

The memo opens with the batch (verdict counts, the rules that fail most, clause coverage),
then one section per agreement that needs attention, in natural order: its identity and the
rulesets that judged it, a verdict that counts the approvals still open, conflicts grouped
by clause, approvals per approver, waivers, remarks, coverage and a sign-off sheet. In a
batch, agreements that are ready to sign with nothing to approve are one line each at the
end. ``audience="counterparty"`` writes the version for the other party (see memo.py).
"""

from __future__ import annotations

from qrules.model.findings import CheckReport, Finding, Identity
from qrules.report import coverage, evidence
from qrules.report.md import code, escape, plural, table
from qrules.report.memo import APPROVALS, INTERNAL, NOT_READY, READY, Agreement, Item, Memo, build

__all__ = ["code", "escape", "render"]


def render(report: CheckReport, audience: str = INTERNAL) -> str:
    memo = build(report, audience)
    batch = len(memo.agreements) > 1
    lines = _header(memo)
    if batch:
        lines += _failing_rules(memo) + _batch_coverage(memo)
    for agreement in memo.agreements:
        lines += [] if batch and agreement.folded else _agreement(agreement, memo)
    lines += _folded(memo) if batch else []
    lines += _overrides(memo)
    lines += _baseline(report) if memo.internal else []
    lines += evidence.markdown(report.evidence, ((d.path, d.sha256) for d in report.documents))
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------------------- the batch


INTERNAL_NOTE = (
    "- **Internal:** shows our fallback positions, approvers and reasons; for the other party "
    "write the memo with `--audience counterparty`"
)


def _header(memo: Memo) -> list[str]:
    rulesets = ", ".join(escape(name) for name in memo.rulesets) or "none"
    if memo.internal:
        title, note = "# Agreement review memo", INTERNAL_NOTE
        counts = (
            f"{memo.count(READY):,} ready to sign, {memo.count(APPROVALS):,} ready after "
            f"approvals, {memo.count(NOT_READY):,} not ready"
        )
    else:
        title, note = "# Agreement review", "- **For:** the other party to the agreements"
        ready, changes = memo.count(READY), memo.count(NOT_READY)
        counts = f"{ready:,} {_need(ready)} no change, {changes:,} {_need(changes)} changes"
    return [
        title,
        "",
        f"- **Date:** {memo.date}",
        f"- **Rulesets:** {rulesets}",
        f"- **Blocking severity:** {memo.fail_on} and above",
        f"- **Agreements:** {len(memo.agreements):,} checked: {counts}",
        note,
        "",
    ]


def _need(count: int) -> str:
    return "needs" if count == 1 else "need"


def _failing_rules(memo: Memo) -> list[str]:
    if not memo.failing:
        return []
    rows = [
        [f"**{escape(r.rule)}** {escape(r.title)}", escape(r.clause) or "—", str(r.agreements)]
        for r in memo.failing
    ]
    return ["## Rules that fail most", "", *table(["Rule", "Clause", "Agreements"], rows, 1)]


def _batch_coverage(memo: Memo) -> list[str]:
    if not memo.coverage:
        return []
    totals = coverage.totals_table(memo.coverage)
    return ["## Clause coverage", "", coverage.DEFINITION, "", *totals]


def _folded(memo: Memo) -> list[str]:
    folded = [a for a in memo.agreements if a.folded]
    if not folded:
        return []
    heading = "Ready to sign" if memo.internal else "No changes requested"
    lines = [f"## {heading} ({len(folded)})", ""]
    lines += [f"- {code(a.path)}: {_summary(a)}" for a in folded]
    return [*lines, "", "Check one of them on its own for its full memo and sign-off sheet.", ""]


def _summary(agreement: Agreement) -> str:
    identity = agreement.identity or Identity()
    parts = [escape(identity.id or "no id")]
    parts += [f"revision {escape(identity.revision)}"] if identity.revision else []
    text = ", ".join(parts) + (f": {escape(identity.title)}" if identity.title else "")
    notes = [plural(len(agreement.remarks), "remark")] if agreement.remarks else []
    notes += [plural(len(agreement.waivers), "waiver")] if agreement.waivers else []
    return text + (f" ({', '.join(notes)})" if notes else "")


def _baseline(report: CheckReport) -> list[str]:
    """Which findings were there before (--baseline): CI fails only on the new ones."""
    if report.baseline is None:
        return []
    s = report.summary()
    lines = [
        "## Against the baseline",
        "",
        f"Compared with {escape(report.baseline)}: {s['new']} new, {s['unchanged']} unchanged "
        f"(marked so above), {s['fixed']} fixed. Only new findings fail the check.",
        "",
    ]
    if not report.fixed:
        return lines
    rows = [
        [code(path, in_table=True), f"**{escape(f.rule)}**", str(f.line), escape(f.message)]
        for path, f in report.fixed
    ]
    header = ["Agreement", "Rule", "Line then", "Message"]
    return [*lines, "Fixed since the baseline:", "", *table(header, rows)]


def _overrides(memo: Memo) -> list[str]:
    if not memo.overrides:
        return []
    rows = [
        [
            escape(entry.id),
            "disabled" if not entry.enabled else f"severity {entry.severity}",
            escape(entry.override or ""),
        ]
        for entry in memo.overrides
    ]
    return ["## Rules changed by the configuration", "", *table(["Rule", "Change", "Reason"], rows)]


# ---------------------------------------------------------------------------- one agreement


def _agreement(agreement: Agreement, memo: Memo) -> list[str]:
    lines = [f"## {code(agreement.path)}", "", f"**{escape(agreement.verdict)}**", ""]
    lines += _identity(agreement)
    lines += _compact("Problems reading the agreement", agreement.loading, with_fix=True)
    lines += _conflicts(agreement)
    lines += _approvals(agreement)
    lines += _waivers(agreement)
    lines += _compact("Remarks (not blocking)", agreement.remarks, with_fix=False)
    lines += _coverage(agreement)
    lines += _signoff(agreement)
    return lines


def _identity(agreement: Agreement) -> list[str]:
    judged = ", ".join(escape(name) for name in agreement.judged_by) or "no rule applied"
    identity = agreement.identity
    if identity is None:
        return ["- **Agreement:** could not be read", f"- **Judged by:** {judged}", ""]
    about = [escape(identity.id or "no id")]
    about += [f"revision {escape(identity.revision)}"] if identity.revision else []
    about += [escape(identity.status)] if identity.status else []
    parties = ", ".join(
        f"{escape(p.name or 'unnamed')} ({escape(p.role or 'no role')})" for p in identity.parties
    )
    effective = escape(identity.effective or "date not stated")
    effective += f", for {escape(identity.term)}" if identity.term else ", term not stated"
    return [
        f"- **Agreement:** {', '.join(about)}",
        f"- **Title:** {escape(identity.title or 'not stated')}",
        f"- **Type:** {escape(identity.type or 'not stated')}",
        f"- **Parties:** {parties or 'not stated'}",
        f"- **Effective:** {effective}",
        f"- **Judged by:** {judged}",
        "",
    ]


def _conflicts(agreement: Agreement) -> list[str]:
    if not agreement.conflicts:
        return []
    lines = ["### Conflicts", ""]
    for clause, items in agreement.conflicts:
        lines += [f"#### {escape(clause)}", ""]
        for item in items:
            lines += _conflict(item)
        lines.append("")
    return lines


def _conflict(item: Item) -> list[str]:
    f = item.finding
    title = f" {escape(f.title)}" if f.title else ""
    since = " — *unchanged: in the baseline*" if f.baseline == "unchanged" else ""
    lines = [f"- **{escape(f.rule)}**{title} ({_where(f)}){since}", f"  - {escape(item.text)}"]
    if f.value is not None:
        lines.append(f"  - Current value: {code(f.value)}")
    if item.needs and item.term:
        lines.append(f"  - Our positions: {escape(item.needs)}")
    elif item.needs:
        lines.append(f"  - Needs: {code(item.needs)}")
    if item.fix:
        lines.append(f"  - Fix: {escape(item.fix)}")
    return lines


def _where(finding: Finding) -> str:
    return f"line {finding.line}, {code(finding.path)}" if finding.path else f"line {finding.line}"


def _approvals(agreement: Agreement) -> list[str]:
    if not agreement.approvals:
        return []
    rows = [
        [
            escape(approver),
            f"**{escape(i.finding.rule)}** {escape(i.finding.title)}",
            code(i.finding.value, in_table=True) if i.finding.value is not None else "—",
            str(i.finding.line),
            escape(i.text),
        ]
        for approver, items in agreement.approvals
        for i in items
    ]
    header = ["Approver", "Term", "Value", "Line", "Position"]
    return ["### Approvals required", "", *table(header, rows)]


def _waivers(agreement: Agreement) -> list[str]:
    if not agreement.waivers:
        return []
    rows = []
    for finding in agreement.waivers:
        waiver = finding.waiver or {}
        where = finding.related[0].line if finding.related else finding.line
        rows.append(
            [
                escape(finding.rule),
                escape(waiver.get("reason", "")),
                escape(waiver.get("approved_by", "")),
                escape(waiver.get("expires", "none")),
                str(where),
            ]
        )
    header = ["Rule", "Reason", "Approved by", "Expires", "Line"]
    return ["### Waivers", "", *table(header, rows)]


def _compact(heading: str, items: tuple[Item, ...], *, with_fix: bool) -> list[str]:
    if not items:
        return []
    lines = [f"### {heading}", ""]
    for item in items:
        f = item.finding
        text = f"- line {f.line}: {f.severity} **{escape(f.rule)}** {escape(item.text)}"
        lines.append(text + (f" — *Fix:* {escape(item.fix)}" if with_fix and item.fix else ""))
    return [*lines, ""]


def _coverage(agreement: Agreement) -> list[str]:
    if not agreement.coverage:
        return []
    lines = ["### Clause coverage", ""]
    lines += [
        f"- **{coverage.LABELS[state]}:** {'; '.join(escape(c) for c in clauses)}"
        for state, clauses in agreement.coverage.items()
    ]
    return [*lines, ""]


def _signoff(agreement: Agreement) -> list[str]:
    if not agreement.signoff:
        return []
    rows = [[escape(s.role), escape(s.signs_for), "", "", ""] for s in agreement.signoff]
    header = ["Role", "For", "Name", "Date", "Signature"]
    return ["### Sign-off", "", *table(header, rows)]
