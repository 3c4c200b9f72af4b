"""The stable JSON contract of DESIGN.md: one object per run, with its evidence (which
rules judged which bytes), the rules that ran and, with ``passes``, the rules each agreement
passed. It holds the whole result (each agreement's identity, each finding's value and
related places): ``qrules merge`` renders shards' JSON reports as ``check`` would."""

from __future__ import annotations

from typing import Any

from qrules.model.findings import CheckReport, DocumentResult
from qrules.model.serial import finding_to_data, identity_data, rule_to_data
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
    if report.rules:
        data["rules"] = [rule_to_data(rule) for rule in report.rules]
    return data


def document_data(
    report: CheckReport, document: DocumentResult, passes: bool = False
) -> dict[str, Any]:
    """One agreement's entry: the same in the JSON report and as a line of JSON Lines."""
    data: dict[str, Any] = {
        "path": document.path,
        "status": document.status(report.fail_on),
        "findings": [finding_to_data(finding) for finding in document.findings],
        "sha256": document.sha256,
    }
    if document.identity is not None:
        data["identity"] = identity_data(document.identity)
    if passes:
        # null: the agreement could not be read, so no rule applied or passed
        data["passed"] = None if document.applied is None else list(document.passed())
    return data


def render(report: CheckReport, *, passes: bool = False) -> str:
    return json_text.dumps(as_data(report, passes=passes)) + "\n"
