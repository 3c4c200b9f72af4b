"""``--format coverage-json``: the clause coverage matrix as one JSON object."""

from __future__ import annotations

import json

from qrules.model.findings import CheckReport
from qrules.report.coverage import as_data


def render(report: CheckReport) -> str:
    data = as_data(report)
    if report.evidence is not None:
        data["evidence"] = report.evidence.to_json()
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
