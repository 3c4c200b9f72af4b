"""``qrules diff --format json``: one object, the same data as every other diff format."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from qrules.model.diff import AgreementDiff, DiffReport
from qrules.report import json_text


def as_data(report: DiffReport) -> dict[str, Any]:
    data: dict[str, Any] = {
        "qrules": report.version,
        "parties": list(report.parties),
        "fail_on": report.fail_on,
        "summary": report.summary(),
        "agreements": [_agreement(a) for a in report.agreements],
    }
    if report.evidence is not None:
        data["evidence"] = report.evidence.to_json()
    return data


def _agreement(a: AgreementDiff) -> dict[str, Any]:
    return {
        "old": {"path": a.old, "sha256": a.old_sha256},
        "new": {"path": a.new, "sha256": a.new_sha256},
        "fields": [asdict(c) for c in a.fields],
        "terms": [{**asdict(t), "refs": list(t.refs)} for t in a.terms],
        "findings": [{"state": c.state, **c.finding.to_json()} for c in a.findings],
        "waivers": [asdict(w) for w in a.waivers],
        "not_analysed": [{"term": term, "why": why} for term, why in a.not_analysed],
    }


def render(report: DiffReport) -> str:
    return json_text.dumps(as_data(report)) + "\n"
