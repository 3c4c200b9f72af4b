"""JUnit XML for CI test views: one testsuite per agreement, one testcase per rule.

A rule that did not fire passes. Findings at or above ``fail-on`` are a ``<failure>`` (an
``<error>`` when the agreement could not be read at all); findings below it are listed in
``<system-out>`` of a passing testcase; a rule whose findings are all waived, or that the
configuration disabled, is ``<skipped>`` with the reason. Follows the schema Jenkins' xUnit
plugin validates against (junit-10.xsd).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from qrules.model.findings import SEVERITY_RANK, CheckReport, DocumentResult, Finding, RuleEntry

# Findings that mean the rules could not run on the agreement at all.
UNREADABLE_RULES = frozenset({"document-unreadable", "yaml-syntax", "yaml-limits"})
# XML 1.0 cannot carry most control characters, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render(report: CheckReport) -> str:
    entries = report.rule_entries()
    suites = [_suite(document, entries, report) for document in report.documents]
    root = ET.Element("testsuites", {"name": "qrules", **_suite_totals(suites)})
    root.extend(suites)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


@dataclass
class _Case:
    """One document × rule: the findings sorted by what they mean for the verdict."""

    entry: RuleEntry
    failing: list[Finding] = field(default_factory=list)
    minor: list[Finding] = field(default_factory=list)
    waived: list[Finding] = field(default_factory=list)
    known: list[Finding] = field(default_factory=list)  # in the baseline (check --baseline)


def _suite(
    document: DocumentResult, entries: tuple[RuleEntry, ...], report: CheckReport
) -> ET.Element:
    cases = _cases(document, entries, report.fail_on)
    unreadable = any(f.rule in UNREADABLE_RULES for f in document.findings)
    elements = [_testcase(document.path, case, unreadable) for case in cases]
    suite = ET.Element("testsuite", {"name": _clean(document.path), **_case_totals(elements)})
    suite.set("file", _clean(document.path))
    suite.append(_properties(document, report))
    suite.extend(elements)
    return suite


def _cases(document: DocumentResult, entries: tuple[RuleEntry, ...], fail_on: str) -> list[_Case]:
    cases = {entry.id: _Case(entry) for entry in entries}
    threshold = SEVERITY_RANK[fail_on]
    for finding in document.findings:
        case = cases[finding.rule]
        if finding.waived:
            case.waived.append(finding)
        elif SEVERITY_RANK[finding.severity] >= threshold and finding.baseline == "unchanged":
            case.known.append(finding)
        elif SEVERITY_RANK[finding.severity] >= threshold:
            case.failing.append(finding)
        else:
            case.minor.append(finding)
    return list(cases.values())


def _testcase(path: str, case: _Case, unreadable: bool) -> ET.Element:
    element = ET.Element("testcase", name=_clean(case.entry.id), classname=_clean(path))
    if case.failing:
        kind = "error" if case.entry.id in UNREADABLE_RULES else "failure"
        worst = max((f.severity for f in case.failing), key=lambda s: SEVERITY_RANK[s])
        _child(
            element, kind, _lines(path, case.failing), message=_summary(case.failing), type=worst
        )
    elif not case.entry.enabled:
        _child(element, "skipped", message=f"disabled by the configuration: {case.entry.override}")
    elif case.known:
        _child(element, "skipped", message=f"known: {len(case.known)} in the baseline, unchanged")
    elif case.waived:
        _child(element, "skipped", message=_waived_message(case.waived[0]))
    elif unreadable and case.entry.kind != "builtin":
        _child(element, "skipped", message="not checked: the agreement could not be read")
    others = case.minor + case.known + (case.waived if case.failing else [])
    if others:
        _child(element, "system-out", _lines(path, others))
    return element


def _properties(document: DocumentResult, report: CheckReport) -> ET.Element:
    rulesets = ", ".join(f"{r['name']} {r.get('version') or ''}".strip() for r in report.rulesets)
    values = {
        "status": document.status(report.fail_on),
        "fail-on": report.fail_on,
        "rulesets": rulesets,
    }
    if document.sha256:
        values["sha256"] = document.sha256  # which bytes were judged (the evidence)
    if report.baseline is not None:
        values["baseline"] = report.baseline
    properties = ET.Element("properties")
    for name, value in values.items():
        ET.SubElement(properties, "property", name=name, value=_clean(value))
    return properties


def _case_totals(cases: list[ET.Element]) -> dict[str, str]:
    def count(tag: str) -> int:
        return sum(case.find(tag) is not None for case in cases)

    return {
        "tests": str(len(cases)),
        "failures": str(count("failure")),
        "errors": str(count("error")),
        "skipped": str(count("skipped")),
    }


def _suite_totals(suites: list[ET.Element]) -> dict[str, str]:
    # The schema gives <testsuites> no `skipped` attribute.
    return {
        k: str(sum(int(s.get(k, "0")) for s in suites)) for k in ("tests", "failures", "errors")
    }


def _child(parent: ET.Element, tag: str, text: str = "", **attributes: str) -> None:
    child = ET.SubElement(parent, tag, {k: _clean(v) for k, v in attributes.items()})
    if text:
        child.text = _clean(text)


def _lines(path: str, findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        lines.append(f"{path}:{f.line}:{f.column}: {f.severity} {f.rule} {f.message}")
        if f.waived:
            lines[-1] += f" [{_waived_message(f)}]"
        elif f.hint:
            lines.append(f"    hint: {f.hint}")
    return "\n".join(lines) + "\n"


def _summary(findings: list[Finding]) -> str:
    first = f"line {findings[0].line}: {findings[0].message}"
    return first if len(findings) == 1 else f"{first} (and {len(findings) - 1} more)"


def _waived_message(finding: Finding) -> str:
    waiver = finding.waiver or {}
    text = f"waived: {waiver.get('reason', 'no reason given')}"
    text += f" (approved by {waiver.get('approved_by')}"
    return text + (f", expires {waiver['expires']})" if waiver.get("expires") else ")")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", str(text))
