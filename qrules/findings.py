"""Findings: what checking an agreement reports. Frozen, sortable, serialisable."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "note")
SEVERITY_RANK = {"note": 1, "warning": 2, "error": 3}


@dataclass(frozen=True)
class Finding:
    """One conflict in one agreement, at the most specific location known."""

    rule: str
    severity: str
    message: str
    path: str = ""
    line: int = 1
    column: int = 1
    ruleset: str | None = None
    title: str = ""
    refs: tuple[str, ...] = ()
    hint: str | None = None
    tier: str | None = None
    approval: str | None = None
    waived: bool = False
    waiver: dict[str, Any] | None = field(default=None, compare=False, hash=False)

    @property
    def sort_key(self) -> tuple[int, str, int, str]:
        return (self.line, self.rule, self.column, self.message)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["refs"] = list(self.refs)
        if self.waiver is None:
            del data["waiver"]
        return {key: data[key] for key in JSON_KEYS if key in data} | (
            {"waiver": data["waiver"]} if "waiver" in data else {}
        )


JSON_KEYS = (
    "rule",
    "ruleset",
    "severity",
    "title",
    "message",
    "refs",
    "path",
    "line",
    "column",
    "tier",
    "approval",
    "hint",
    "waived",
)


@dataclass(frozen=True)
class DocumentResult:
    """All findings of one agreement, in output order."""

    path: str
    findings: tuple[Finding, ...]

    def status(self, fail_on: str = "error") -> str:
        threshold = SEVERITY_RANK[fail_on]
        failing = any(
            not f.waived and SEVERITY_RANK[f.severity] >= threshold for f in self.findings
        )
        return "fail" if failing else "pass"
