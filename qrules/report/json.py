"""The stable JSON contract of DESIGN.md: one object per run, with its evidence (which
rules judged which bytes) and, with ``passes``, the rules each agreement passed."""

from __future__ import annotations

from typing import Any

from qrules.model.findings import CheckReport, DocumentResult
from qrules.report import json_text


def as_data(report: CheckReport, *, passes: bool = False) -> dict[str, Any]:
    data = {
        "qrules": report.version,
        "rulesets": [dict(r) for r in report.rulesets],
        "summary": report.summary(),
        "documents": [document_data(report, document, passes) for document in report.documents],
    }
    if report.baseline is not None:
        data["baseline"] = {
            "source": report.baseline,
            "fixed": [{"path": path, **finding.to_json()} for path, finding in report.fixed],
        }
    if report.evidence is not None:
        data["evidence"] = report.evidence.to_json()
    return data


def document_data(
    report: CheckReport, document: DocumentResult, passes: bool = False
) -> dict[str, Any]:
    """One agreement's entry: the same in the JSON report and as a line of JSON Lines."""
    data: dict[str, Any] = {
        "path": document.path,
        "status": document.status(report.fail_on),
        "findings": [finding.to_json() for finding in document.findings],
        "sha256": document.sha256,
    }
    if passes:
        data["passed"] = list(document.passed())
    return data


def render(report: CheckReport, *, passes: bool = False) -> str:
    return json_text.dumps(as_data(report, passes=passes)) + "\n"
