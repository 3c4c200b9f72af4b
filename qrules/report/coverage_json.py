"""``--format coverage-json``: the clause coverage matrix as one JSON object."""

from __future__ import annotations

import json

from qrules.model.findings import CheckReport
from qrules.report.coverage import as_data


def render(report: CheckReport) -> str:
    return json.dumps(as_data(report), indent=2, ensure_ascii=False) + "\n"
