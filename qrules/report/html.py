"""The review memo as one self-contained HTML page, for one agreement or a whole batch.

No scripts and no external resources: the page opens from a file share or an e-mail
attachment. The batch comes first (verdict counts, the rules that fail most, clause
coverage), then every agreement in natural order; those that need attention are open,
those ready to sign are folded, so a report on thousands of contracts stays readable. The
page is a jinja2 template with autoescaping (templates/report.html.j2), so every piece of
text from an agreement or a ruleset is escaped.
"""

from __future__ import annotations

from qrules.model.findings import CheckReport
from qrules.report import coverage, templating
from qrules.report.memo import INTERNAL, build


def render(report: CheckReport, audience: str = INTERNAL) -> str:
    memo = build(report, audience)
    return templating.render(
        "report.html.j2",
        title="Agreement review memo" if memo.internal else "Agreement review",
        version=report.version,
        memo=memo,
        report=report,
        hashed=[(d.path, d.sha256) for d in report.documents],
        summary=report.summary(),
        batch=len(memo.agreements) > 1,
        states=coverage.STATES,
        labels=coverage.LABELS,
        definition=coverage.DEFINITION.replace("*", ""),
    )
