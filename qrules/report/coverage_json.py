"""``--format coverage-json``: the clause coverage matrix as one JSON object."""

from __future__ import annotations

from qrules.model.findings import CheckReport
from qrules.report import json_text
from qrules.report.coverage import as_data


def render(report: CheckReport) -> str:
    data = as_data(report)
    if report.evidence is not None:
        data["evidence"] = report.evidence.to_json()
    return json_text.dumps(data) + "\n"
