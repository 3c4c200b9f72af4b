"""Findings: what checking an agreement reports. Frozen, sortable, serialisable."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from qrules.model.evidence import Evidence

SEVERITIES = ("error", "warning", "note")
SEVERITY_RANK = {"note": 1, "warning": 2, "error": 3}


def counts(finding: Finding) -> bool:
    """Whether a finding can fail a check: not waived, and not already in the baseline."""
    return not finding.waived and finding.baseline != "unchanged"


@dataclass(frozen=True)
class Related:
    """Another place a finding involves. A waived finding's first one is its waiver entry."""

    message: str
    path: str
    line: int
    column: int


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
    related: tuple[Related, ...] = field(default=(), compare=False)
    value: str | None = field(default=None, compare=False)  # the field's value, as shown
    # ``path`` with list elements named by their identity (model/paths.py): what matches
    # the finding in another revision of the agreement; None where it equals ``path``.
    identity: str | None = field(default=None, compare=False)
    baseline: str | None = field(default=None, compare=False)  # new | unchanged, against one

    @property
    def sort_key(self) -> tuple[int, str, int, str]:
        return (self.line, self.rule, self.column, self.message)

    def to_json(self) -> dict[str, Any]:
        data = {key: getattr(self, key) for key in JSON_KEYS}
        data["refs"] = list(self.refs)
        data["identity"] = self.identity or self.path
        if self.baseline is not None:
            data["baseline"] = self.baseline
        if self.waiver is not None:
            data["waiver"] = dict(self.waiver)
        return data


JSON_KEYS = (
    "rule",
    "ruleset",
    "severity",
    "title",
    "message",
    "refs",
    "path",
    "identity",
    "line",
    "column",
    "tier",
    "approval",
    "hint",
    "waived",
)


@dataclass(frozen=True)
class Party:
    name: str | None
    role: str | None


@dataclass(frozen=True)
class Identity:
    """What an agreement says it is, every value as shown in messages; None where unstated."""

    id: str | None = None
    title: str | None = None
    revision: str | None = None
    status: str | None = None
    type: str | None = None
    parties: tuple[Party, ...] = ()
    effective: str | None = None
    term: str | None = None


@dataclass(frozen=True)
class DocumentResult:
    """All findings of one agreement, in output order.

    ``applied`` lists the rules and terms whose scope and guards held (clause coverage needs
    the rules that held as well as those that fired); None where no rule ran, because the
    agreement could not be read.
    """

    path: str
    findings: tuple[Finding, ...]
    identity: Identity | None = None
    applied: tuple[str, ...] | None = None
    sha256: str | None = None  # of the bytes checked; None when none could be read

    def passed(self) -> tuple[str, ...]:
        """The rules and terms that applied and found nothing (auditors ask for passes)."""
        fired = {f.rule for f in self.findings}
        return tuple(rule for rule in self.applied or () if rule not in fired)

    def status(self, fail_on: str = "error") -> str:
        threshold = SEVERITY_RANK[fail_on]
        failing = any(counts(f) and SEVERITY_RANK[f.severity] >= threshold for f in self.findings)
        return "fail" if failing else "pass"


@dataclass(frozen=True)
class RuleEntry:
    """What reports say about a rule whether or not it fired (SARIF rules, JUnit testcases)."""

    id: str
    title: str
    severity: str
    ruleset: str
    refs: tuple[str, ...] = ()
    kind: str = "rule"  # rule | term | builtin (the loader's and waivers' own checks)
    description: str = ""
    hint: str | None = None  # as written: `{...}` marks what is filled in per finding
    source: str | None = None
    line: int | None = None
    enabled: bool = True
    override: str | None = None  # the configuration's reason for a new severity or disabling


@dataclass(frozen=True)
class CheckReport:
    """Everything one ``qrules check`` run found: what every output format renders."""

    version: str
    rulesets: tuple[dict[str, Any], ...]
    documents: tuple[DocumentResult, ...]
    fail_on: str = "error"
    rules: tuple[RuleEntry, ...] = ()
    checked_on: dt.date | None = None
    evidence: Evidence | None = None
    baseline: str | None = None  # what the findings were compared with (--baseline)
    fixed: tuple[tuple[str, Finding], ...] = ()  # (agreement, finding) gone since then
    # A streamed report keeps no documents, only their counts (set once all went by).
    tally: Tally | None = field(default=None, compare=False)

    def rule_entries(self) -> tuple[RuleEntry, ...]:
        """The rules of the run, plus any rule a finding names that the run did not list."""
        known = {entry.id for entry in self.rules}
        extra: dict[str, RuleEntry] = {}
        for document in self.documents:
            for f in document.findings:
                if f.rule not in known and f.rule not in extra:
                    extra[f.rule] = RuleEntry(
                        f.rule, f.title or f.rule, f.severity, f.ruleset or ""
                    )
        return self.rules + tuple(extra[rule] for rule in sorted(extra))

    @property
    def failed(self) -> bool:
        return self.summary()["failed"] > 0

    def summary(self) -> dict[str, int]:
        if self.tally is not None:
            counts = self.tally.summary()
        else:
            tally = Tally(self.fail_on)
            for document in self.documents:
                tally.add(document)
            counts = tally.summary()
        if self.baseline is not None:
            counts["fixed"] = len(self.fixed)
        else:
            del counts["new"], counts["unchanged"]
        return counts


@dataclass
class Tally:
    """The summary's counts, kept as results go by: a streamed report holds no results."""

    fail_on: str = "error"
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("documents", "passed", "failed", "errors", "warnings", "notes", "waived", "new",
             "unchanged"),
            0,
        )
    )  # fmt: skip
    fired: Counter[str] = field(default_factory=Counter)  # findings per rule, not waived

    def add(self, document: DocumentResult) -> None:
        counts = self.counts
        counts["documents"] += 1
        counts["failed" if document.status(self.fail_on) == "fail" else "passed"] += 1
        for finding in document.findings:
            if finding.baseline in ("new", "unchanged"):
                counts[finding.baseline] += 1
            if finding.waived:
                counts["waived"] += 1
            else:
                counts[_COUNTED[finding.severity]] += 1
                self.fired[finding.rule] += 1

    def summary(self) -> dict[str, int]:
        return dict(self.counts)

    @property
    def failed(self) -> bool:
        return self.counts["failed"] > 0


_COUNTED = {"error": "errors", "warning": "warnings", "note": "notes"}


def combined(reports: list[CheckReport]) -> CheckReport:
    """One report of several runs over different files (folders with their own
    configuration): every document, every ruleset and rule once, and the strictest fail-on,
    so no agreement passes that one of the runs failed."""
    if len(reports) == 1:
        return reports[0]
    rulesets = {str(r["name"]): r for report in reports for r in report.rulesets}
    rules: dict[str, RuleEntry] = {}
    for entry in (entry for report in reports for entry in report.rules):
        rules.setdefault(entry.id, entry)
    return CheckReport(
        version=reports[0].version,
        rulesets=tuple(rulesets.values()),
        documents=tuple(sorted((d for r in reports for d in r.documents), key=lambda d: d.path)),
        fail_on=min((r.fail_on for r in reports), key=SEVERITY_RANK.__getitem__),
        rules=tuple(rules.values()),
        checked_on=reports[0].checked_on,
        evidence=_combined_evidence(reports),
    )


def _combined_evidence(reports: list[CheckReport]) -> Evidence | None:
    """The first run's evidence, with every run's rulesets (each file once)."""
    first = reports[0].evidence
    if first is None:
        return None
    rulesets = {str(r["path"]): r for rep in reports if rep.evidence for r in rep.evidence.rulesets}
    return replace(first, rulesets=tuple(rulesets.values()))
