"""The stable JSON contract of DESIGN.md: one object per run."""

from __future__ import annotations

import json
from typing import Any

from qrules.model.findings import CheckReport


def as_data(report: CheckReport) -> dict[str, Any]:
    return {
        "qrules": report.version,
        "rulesets": [dict(r) for r in report.rulesets],
        "summary": report.summary(),
        "documents": [
            {
                "path": document.path,
                "status": document.status(report.fail_on),
                "findings": [finding.to_json() for finding in document.findings],
            }
            for document in report.documents
        ],
    }


def render(report: CheckReport) -> str:
    return json.dumps(as_data(report), indent=2, ensure_ascii=False) + "\n"
