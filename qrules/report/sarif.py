"""SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.

One run; ``tool.driver.rules`` lists every rule of the check (with qrules' own loader
checks), so results that did not occur still have their documentation. Artifact URIs are
relative to ``root`` (the current folder: run from the repository root) under ``%SRCROOT%``.
``primaryLocationLineHash`` hashes the rule, the file and the finding's line text with
whitespace collapsed, plus an occurrence count, so an alert survives edits elsewhere in the
file and is not duplicated across uploads.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import quote

from qrules.model.findings import CheckReport, Finding, Related, RuleEntry
from qrules.report import json_text
from qrules.report.markdown import escape

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/qrules/qrules"
SRCROOT = "%SRCROOT%"


def render(report: CheckReport, *, root: str | Path | None = None) -> str:
    return json_text.dumps(as_data(report, root)) + "\n"


def as_data(report: CheckReport, root: str | Path | None = None) -> dict[str, Any]:
    entries = report.rule_entries()
    results = _Results(report, {e.id: i for i, e in enumerate(entries)}, Path(root or "."))
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": _driver(report, entries)},
                "invocations": [_invocation(report)],
                "columnKind": "unicodeCodePoints",
                "artifacts": results.artifacts(),
                "results": results.all(),
                "properties": _properties(report),
            }
        ],
    }


def _invocation(report: CheckReport) -> dict[str, Any]:
    invocation: dict[str, Any] = {
        "executionSuccessful": True,
        "exitCode": 1 if report.failed else 0,
    }
    if report.evidence is not None:
        invocation["endTimeUtc"] = report.evidence.timestamp
    return invocation


def _properties(report: CheckReport) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "failOn": report.fail_on,
        "rulesets": [dict(r) for r in report.rulesets],
        "summary": report.summary(),
    }
    if report.evidence is not None:
        properties["evidence"] = report.evidence.to_json()
    return properties


# ---------------------------------------------------------------------------- rules


def _driver(report: CheckReport, entries: tuple[RuleEntry, ...]) -> dict[str, Any]:
    return {
        "name": "qrules",
        "fullName": f"qrules {report.version}",
        "version": report.version,
        "semanticVersion": report.version,
        "informationUri": INFORMATION_URI,
        "rules": [_rule(entry) for entry in entries],
    }


def _rule(entry: RuleEntry) -> dict[str, Any]:
    configuration: dict[str, Any] = {"level": entry.severity}
    if not entry.enabled:
        configuration["enabled"] = False
    rule: dict[str, Any] = {
        "id": entry.id,
        "name": f"{entry.ruleset}/{entry.id}",
        "shortDescription": {"text": entry.title},
        "fullDescription": {"text": entry.description or entry.title},
        "help": {"text": _help_text(entry), "markdown": _help_markdown(entry)},
        "defaultConfiguration": configuration,
        "properties": {"tags": _tags(entry), "kind": entry.kind},
    }
    if entry.override:
        rule["properties"]["override"] = entry.override
    return rule


def _tags(entry: RuleEntry) -> list[str]:
    return list(dict.fromkeys(["quality", entry.ruleset, *entry.refs]))


def _help_text(entry: RuleEntry) -> str:
    lines = [entry.title, "", entry.description or entry.title]
    if entry.refs:
        lines.append(f"Clauses: {'; '.join(entry.refs)}")
    if entry.hint:
        lines.append(f"How to fix: {entry.hint}")
    if entry.override:
        state = "Disabled" if not entry.enabled else f"Severity set to {entry.severity}"
        lines.append(f"{state} by the configuration: {entry.override}")
    return "\n".join(lines)


def _help_markdown(entry: RuleEntry) -> str:
    parts = [f"**{escape(entry.title)}**", escape(entry.description or entry.title)]
    if entry.refs:
        parts.append("**Clauses:** " + "; ".join(escape(ref) for ref in entry.refs))
    if entry.hint:
        parts.append(f"**How to fix:** {escape(entry.hint)}")
    if entry.override:
        state = "Disabled" if not entry.enabled else f"Severity set to {entry.severity}"
        parts.append(f"*{state} by the configuration:* {escape(entry.override)}")
    return "\n\n".join(parts)


# ---------------------------------------------------------------------------- results


class _Results:
    """Builds the results, reading each agreement's lines once for the fingerprints."""

    def __init__(self, report: CheckReport, index: dict[str, int], root: Path) -> None:
        self.report, self.index, self.root = report, index, root.resolve()
        self.lines: dict[str, list[str]] = {}
        self.seen: dict[str, int] = {}

    def all(self) -> list[dict[str, Any]]:
        results = [
            self.result(document.path, finding)
            for document in self.report.documents
            for finding in document.findings
        ]
        return results + [self.absent(path, finding) for path, finding in self.report.fixed]

    def absent(self, path: str, finding: Finding) -> dict[str, Any]:
        """A baseline finding that is gone: SARIF's ``absent``, where it was (its line then)."""
        return {
            "ruleId": finding.rule,
            **({"ruleIndex": self.index[finding.rule]} if finding.rule in self.index else {}),
            "level": finding.severity,
            "message": {"text": finding.message or finding.title or finding.rule},
            "locations": [self.location(path, finding.line, finding.column, finding.path)],
            "baselineState": "absent",
        }

    def artifacts(self) -> list[dict[str, Any]]:
        """Each agreement with the sha256 of the bytes checked: which bytes were judged."""
        return [
            {
                "location": self.artifact(document.path),
                "roles": ["analysisTarget"],
                **({"hashes": {"sha-256": document.sha256}} if document.sha256 else {}),
            }
            for document in self.report.documents
        ]

    def result(self, path: str, finding: Finding) -> dict[str, Any]:
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "ruleIndex": self.index[finding.rule],
            "level": finding.severity,
            "message": {"text": _message(finding)},
            "locations": [self.location(path, finding.line, finding.column, finding.path)],
            "partialFingerprints": {"primaryLocationLineHash": self.fingerprint(path, finding)},
        }
        if finding.related:
            result["relatedLocations"] = [
                self.related(path, number, related)
                for number, related in enumerate(finding.related, start=1)
            ]
        if finding.waived:
            result["suppressions"] = [self.suppression(path, finding)]
        if finding.baseline is not None:
            result["baselineState"] = finding.baseline
        properties = {key: getattr(finding, key) for key in ("tier", "approval")}
        properties = {key: value for key, value in properties.items() if value}
        if properties:
            result["properties"] = properties
        return result

    def location(self, path: str, line: int, column: int, logical: str = "") -> dict[str, Any]:
        location: dict[str, Any] = {
            "physicalLocation": {
                "artifactLocation": self.artifact(path),
                "region": {"startLine": line, "startColumn": column},
            }
        }
        if logical:
            location["logicalLocations"] = [{"fullyQualifiedName": logical}]
        return location

    def artifact(self, path: str) -> dict[str, str]:
        absolute = Path(path).resolve()
        try:
            relative = absolute.relative_to(self.root).as_posix()
        except ValueError:
            return {"uri": absolute.as_uri()}
        return {"uri": quote(relative, safe="/"), "uriBaseId": SRCROOT}

    def related(self, path: str, number: int, related: Related) -> dict[str, Any]:
        location = self.location(path, related.line, related.column, related.path)
        return {"id": number, **location, "message": {"text": related.message}}

    def suppression(self, path: str, finding: Finding) -> dict[str, Any]:
        waiver = finding.waiver or {}
        suppression: dict[str, Any] = {
            "kind": "inSource",
            "status": "accepted",
            "justification": str(waiver.get("reason", "waived in the agreement")),
        }
        if finding.related:  # the engine puts the waiver entry first
            entry = finding.related[0]
            suppression["location"] = self.location(path, entry.line, entry.column, entry.path)
        return suppression

    def fingerprint(self, path: str, finding: Finding) -> str:
        text = " ".join(self.line_text(path, finding.line).split())
        uri = self.artifact(path)["uri"]
        digest = hashlib.sha256(f"{finding.rule}\0{uri}\0{text}".encode()).hexdigest()[:16]
        self.seen[digest] = self.seen.get(digest, 0) + 1
        return f"{digest}:{self.seen[digest]}"

    def line_text(self, path: str, line: int) -> str:
        if path not in self.lines:
            try:
                text = Path(path).read_bytes().decode("utf-8", errors="replace")
            except OSError:
                text = ""
            self.lines[path] = text.splitlines()
        lines = self.lines[path]
        return lines[line - 1] if 0 < line <= len(lines) else ""


def _message(finding: Finding) -> str:
    text = finding.message
    if finding.hint and not finding.waived:
        text += f"\nHint: {finding.hint}"
    return text
