"""``qrules diff --format html``: the redline memo as one self-contained page, on the page
shell and stylesheet every qrules page shares (templates/redline.html.j2, autoescaped)."""

from __future__ import annotations

from qrules.model.diff import DiffReport
from qrules.report import templating
from qrules.report.redline import build, clause


def render(report: DiffReport) -> str:
    return templating.render(
        "redline.html.j2",
        title="Redline memo",
        version=report.version,
        memo=build(report),
        report=report,
        clause=clause,
    )
