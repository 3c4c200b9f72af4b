"""Waivers: an agreement may waive a rule it knowingly departs from. A waived finding is
reported as waived; a waiver that is expired, unapproved, unreadable or unused is itself a
finding."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qrules.document import Document, dotted
from qrules.model.findings import Finding, Related
from qrules.model.paths import DocPath
from qrules.model.values import parse_date, show

WAIVER_TITLE = "Waivers are approved, current and used"


def apply_waivers(
    findings: list[Finding], document: Document, known_rules: frozenset[str], today: dt.date
) -> list[Finding]:
    """Mark waived findings; a waiver that is expired, unapproved or unused is a finding."""
    waivers = document.data.get("waivers")
    if not isinstance(waivers, list):
        return findings
    result = list(findings)
    for index, waiver in enumerate(waivers):
        if not isinstance(waiver, dict) or not isinstance(waiver.get("rule"), str):
            continue  # the schema reports the shape
        rule, path = waiver["rule"], ("waivers", index)
        problem = _waiver_problem(waiver, today)
        hits = [i for i, f in enumerate(result) if f.rule == rule and not f.waived]
        if problem:
            # The findings this waiver would waive are where the reader goes next.
            related = tuple(_related(result[i], f"the {rule} finding it would waive") for i in hits)
            result.append(_waiver_finding(document, path, problem, "error", rule, related))
        elif not hits:
            reason = "did not fire" if rule in known_rules else "is not in the loaded rulesets"
            message = f"waiver for {rule} is unused: the rule {reason}"
            result.append(_waiver_finding(document, path, message, "warning", rule))
        entry = _waiver_entry(document, path)
        for i in [] if problem else hits:
            result[i] = _waived(result[i], waiver, entry)
    return result


def _waiver_problem(waiver: dict[str, Any], today: dt.date) -> str | None:
    rule = waiver["rule"]
    if not str(waiver.get("approved_by") or "").strip():
        return f"waiver for {rule} has no approved_by: an unapproved waiver waives nothing"
    expires = waiver.get("expires")
    if isinstance(expires, str):
        expires = parse_date(expires) or expires  # read the same with or without a schema
    if expires is not None and not isinstance(expires, dt.date):
        # A waiver must end when it says: one whose end cannot be read would never end.
        return (
            f"waiver for {rule} has an expiry that is not a real date ({show(expires)}); "
            "an invalid waiver waives nothing"
        )
    if isinstance(expires, dt.date) and expires < today:
        return f"waiver for {rule} expired on {expires.isoformat()}"
    return None


def _waiver_finding(
    document: Document,
    path: DocPath,
    message: str,
    severity: str,
    rule: str,
    related: tuple[Related, ...] = (),
) -> Finding:
    return document.finding(
        "waiver",
        message,
        path,
        severity,
        title=WAIVER_TITLE,
        hint=f"renew or approve the waiver of {rule}, or remove it",
        related=related,
    )


def _waiver_entry(document: Document, path: DocPath) -> Related:
    _, (line, column) = document.locate(path)
    return Related("waived by this entry", dotted(path), line, column)


def _related(finding: Finding, message: str) -> Related:
    return Related(message, finding.path, finding.line, finding.column)


def _waived(finding: Finding, waiver: dict[str, Any], entry: Related) -> Finding:
    from dataclasses import replace

    record = {k: show(v) for k, v in waiver.items()}
    return replace(finding, waived=True, waiver=record, related=(entry, *finding.related))
