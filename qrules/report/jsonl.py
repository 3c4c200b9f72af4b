"""JSON Lines: one object per agreement, the JSON report's document entry, one per line as
each agreement is checked, in output order (by path). For pipelines over large batches:
nothing waits for the whole batch, and no summary comes at the end (count the lines)."""

from __future__ import annotations

import json

from qrules.model.findings import CheckReport, DocumentResult
from qrules.report.json import document_data


def line(report: CheckReport, document: DocumentResult, passes: bool = False) -> str:
    return json.dumps(document_data(report, document, passes), ensure_ascii=False) + "\n"


def render(report: CheckReport, *, passes: bool = False) -> str:
    return "".join(line(report, document, passes) for document in report.documents)
