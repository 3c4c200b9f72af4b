"""``check --statistics``: how often each rule fired in a run, most frequent first, with the
clauses it cites: where a batch of agreements most often departs from the rules."""

from __future__ import annotations

from collections import Counter

from qrules.model.findings import CheckReport
from qrules.report.text import printable


def render(report: CheckReport) -> str:
    counts = (
        report.tally.fired
        if report.tally is not None
        else Counter(f.rule for d in report.documents for f in d.findings if not f.waived)
    )
    if not counts:
        return "no findings\n"
    entries = {entry.id: entry for entry in report.rule_entries()}
    rows = []
    for rule, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        entry = entries.get(rule)
        clauses = "; ".join(entry.refs) if entry and entry.refs else "-"
        rows.append((str(count), rule, clauses, entry.title if entry else ""))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        f"{count:>{widths[0]}}  {rule:<{widths[1]}}  {clauses:<{widths[2]}}  {printable(title)}"
        for count, rule, clauses, title in rows
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"
