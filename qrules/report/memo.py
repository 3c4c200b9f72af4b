"""What the review memo says about each agreement: one model for the Markdown and HTML memos.

Built from a CheckReport alone (reports never evaluate rules). The audience decides what
the model holds. The internal memo has everything: verdicts that count the approvals still
open, conflicts by clause with what each rule needs and how to fix it, approvals per
approver, waivers, clause coverage and a sign-off sheet. The counterparty memo says what
must change and why, by clause, and never holds our fallback positions, approvers or the
reasons behind a term's tiers: a term's finding is reworded to its title and the drafted
value, its hint (often our range) is left out, and fallback positions taken are not shown
at all, so a memo sent to the supplier cannot leak our negotiating room.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace

from qrules.model.findings import (
    SEVERITY_RANK,
    CheckReport,
    DocumentResult,
    Finding,
    Identity,
    RuleEntry,
)
from qrules.report import coverage
from qrules.report.order import OTHER, clause_key, natural_key

INTERNAL, COUNTERPARTY = "internal", "counterparty"
AUDIENCES = (INTERNAL, COUNTERPARTY)
NOT_READY, APPROVALS, READY = "not-ready", "approvals", "ready"


@dataclass(frozen=True)
class Item:
    """One finding as the memo states it to its audience."""

    finding: Finding
    text: str
    needs: str | None = None  # what the rule requires, or (internal) a term's positions
    term: bool = False
    fix: str | None = None


@dataclass(frozen=True)
class Signatory:
    """A line of the sign-off sheet: an approver of ours, or a party to the agreement."""

    role: str
    signs_for: str


@dataclass(frozen=True)
class Agreement:
    path: str
    anchor: str
    identity: Identity | None
    state: str  # NOT_READY | APPROVALS | READY
    verdict: str
    judged_by: tuple[str, ...]
    loading: tuple[Item, ...]
    conflicts: tuple[tuple[str, tuple[Item, ...]], ...]  # by clause
    approvals: tuple[tuple[str, tuple[Item, ...]], ...]  # by approver; internal only
    waivers: tuple[Finding, ...]  # internal only
    remarks: tuple[Item, ...]
    coverage: dict[str, tuple[str, ...]]  # clauses by state; internal only
    signoff: tuple[Signatory, ...]  # empty while the agreement is not ready

    @property
    def folded(self) -> bool:
        """Nothing to discuss: a batch lists it in one line (Markdown) or closed (HTML)."""
        return self.state == READY


@dataclass(frozen=True)
class FailingRule:
    rule: str
    title: str
    clause: str
    agreements: int


@dataclass(frozen=True)
class Memo:
    audience: str
    date: str
    rulesets: tuple[str, ...]
    fail_on: str
    agreements: tuple[Agreement, ...]
    failing: tuple[FailingRule, ...]
    coverage: tuple[coverage.ClauseTotal, ...]  # internal only
    overrides: tuple[RuleEntry, ...]  # internal only

    @property
    def internal(self) -> bool:
        return self.audience == INTERNAL

    def count(self, state: str) -> int:
        return sum(agreement.state == state for agreement in self.agreements)


def build(report: CheckReport, audience: str = INTERNAL) -> Memo:
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    internal = audience == INTERNAL
    context = _Context(report, internal)
    documents = sorted(report.documents, key=lambda d: natural_key(d.path))
    agreements = tuple(context.agreement(d, i) for i, d in enumerate(documents, 1))
    return Memo(
        audience=audience,
        date=(report.checked_on or dt.date.today()).isoformat(),
        rulesets=tuple(coverage.ruleset_name(r) for r in report.rulesets),
        fail_on=report.fail_on,
        agreements=agreements,
        failing=_failing_rules(report, context.entries),
        coverage=coverage.totals(context.clauses, context.covered) if internal else (),
        overrides=tuple(e for e in report.rules if e.override) if internal else (),
    )


class _Context:
    """What every agreement's part of the memo is built with."""

    def __init__(self, report: CheckReport, internal: bool) -> None:
        self.report = report
        self.internal = internal
        self.entries = {entry.id: entry for entry in report.rule_entries()}
        self.clauses = coverage.cited(report) if internal else {}
        self.covered: list[tuple[coverage.ClauseState, ...]] = []  # each agreement's, once
        self.rulesets_citing = {
            clause: {self.entries[rule].ruleset for rule in rules}
            for clause, rules in self.clauses.items()
        }
        self.versions = {str(r["name"]): coverage.ruleset_name(r) for r in report.rulesets}

    def agreement(self, document: DocumentResult, number: int) -> Agreement:
        failing = failing_findings(document, self.report.fail_on)
        approvals = self._approvals(document, failing)
        state, verdict = _verdict(len(failing), approvals, self.internal)
        ready = state != NOT_READY
        return Agreement(
            path=document.path,
            anchor=f"agreement-{number}",
            identity=document.identity,
            state=state,
            verdict=verdict,
            judged_by=self._judged_by(document),
            loading=tuple(self.item(f) for f in document.findings if is_loader(f)),
            conflicts=self._by_clause([f for f in failing if not is_loader(f)]),
            approvals=approvals,
            waivers=tuple(f for f in document.findings if f.waived) if self.internal else (),
            remarks=self._remarks(document, failing),
            coverage=self._coverage(document),
            signoff=_signoff(document.identity, approvals) if ready else (),
        )

    def item(self, finding: Finding) -> Item:
        if not self.internal:  # which findings CI already knew is ours alone
            finding = replace(finding, baseline=None)
        entry = self.entries.get(finding.rule)
        term = finding.tier is not None or (entry is not None and entry.kind == "term")
        if term and not self.internal:
            return Item(finding, _reworded(finding), term=True)
        return Item(finding, finding.message, _needs(entry), term, finding.hint)

    def _by_clause(self, findings: list[Finding]) -> tuple[tuple[str, tuple[Item, ...]], ...]:
        groups: dict[str, list[Item]] = {}
        for finding in findings:
            clause = finding.refs[0] if finding.refs else OTHER
            groups.setdefault(clause, []).append(self.item(finding))
        return tuple((c, tuple(groups[c])) for c in sorted(groups, key=clause_key))

    def _approvals(
        self, document: DocumentResult, failing: list[Finding]
    ) -> tuple[tuple[str, tuple[Item, ...]], ...]:
        if not self.internal:
            return ()
        groups: dict[str, list[Item]] = {}
        for finding in document.findings:
            if _needs_approval(finding) and finding not in failing:
                groups.setdefault(finding.approval or "", []).append(self.item(finding))
        order = sorted(groups, key=lambda approver: (-len(groups[approver]), approver))
        return tuple((approver, tuple(groups[approver])) for approver in order)

    def _remarks(self, document: DocumentResult, failing: list[Finding]) -> tuple[Item, ...]:
        """Below --fail-on: kept apart so they do not read as blocking. A fallback position
        without a named approver is one internally; the counterparty never sees fallbacks."""
        return tuple(
            self.item(f)
            for f in document.findings
            if f not in failing
            and not f.waived
            and not is_loader(f)
            and not _needs_approval(f)
            and (self.internal or f.tier != "accept")
        )

    def _judging(self, document: DocumentResult) -> set[str]:
        """The rulesets with at least one rule that applied to this agreement."""
        return {self.entries[r].ruleset for r in document.applied or () if r in self.entries}

    def _judged_by(self, document: DocumentResult) -> tuple[str, ...]:
        judging = self._judging(document)
        return tuple(shown for name, shown in self.versions.items() if name in judging)

    def _coverage(self, document: DocumentResult) -> dict[str, tuple[str, ...]]:
        """The clauses of the rulesets that judged the agreement: that a ruleset out of
        scope (GMP for a supplier agreement) is silent on all its clauses says nothing new.
        Nothing for an agreement that could not be read: its problems say why."""
        if not self.internal:
            return {}
        states = coverage.document_coverage(document, self.clauses)
        self.covered.append(states)
        if document.applied is None:
            return {}
        judging = self._judging(document)
        return coverage.by_state(
            tuple(s for s in states if self.rulesets_citing[s.clause] & judging)
        )


# ---------------------------------------------------------------------------- selections


def failing_findings(document: DocumentResult, fail_on: str) -> list[Finding]:
    threshold = SEVERITY_RANK[fail_on]
    return [f for f in document.findings if not f.waived and SEVERITY_RANK[f.severity] >= threshold]


def is_loader(finding: Finding) -> bool:
    """A problem reading the file (qrules' own checks other than waivers)."""
    return finding.ruleset == "qrules" and finding.rule != "waiver"


def _needs_approval(finding: Finding) -> bool:
    return finding.tier == "accept" and bool(finding.approval) and not finding.waived


def _verdict(
    conflicts: int, approvals: tuple[tuple[str, tuple[Item, ...]], ...], internal: bool
) -> tuple[str, str]:
    """What the meeting decides on. The other party is not told "ready to sign": our own
    approvals may still be open, and are none of its business."""
    if conflicts and not internal:
        return NOT_READY, f"Changes requested: {conflicts}"
    if conflicts:
        return NOT_READY, f"Not ready: {conflicts} conflict{'s' * (conflicts != 1)}"
    if not approvals:
        return READY, "Ready to sign" if internal else "No changes requested"
    total = sum(len(items) for _, items in approvals)
    who = ", ".join(f"{a} ×{len(i)}" if len(i) > 1 else a for a, i in approvals)
    return APPROVALS, f"Ready to sign after {total} approval{'s' * (total != 1)} ({who})"


def _reworded(finding: Finding) -> str:
    """A term's finding for the counterparty: which value must change, not our range."""
    title = finding.title or finding.rule
    if finding.value is None and finding.message.endswith("is missing"):
        return f"{title}: the agreement must state it"
    return f"{title}: not acceptable to us as drafted"


def _needs(entry: RuleEntry | None) -> str | None:
    """What a rule requires as written, or a term's positions, from the rule catalogue."""
    if entry is None or entry.kind == "builtin" or not entry.description:
        return None
    if entry.kind == "term":
        return entry.description.partition(": ")[2].removesuffix(".") or None
    requires = entry.description.split(" When it does not hold: ")[0]
    return requires.removeprefix("Requires ").removesuffix(".") or None


def _signoff(
    identity: Identity | None, approvals: tuple[tuple[str, tuple[Item, ...]], ...]
) -> tuple[Signatory, ...]:
    rows = [
        Signatory(approver, "approves " + ", ".join(_approved(item.finding) for item in items))
        for approver, items in approvals
    ]
    for party in identity.parties if identity else ():
        rows.append(Signatory(party.role or "party", party.name or "(name not stated)"))
    return tuple(rows)


def _approved(finding: Finding) -> str:
    """``Major-defect AQL 1.0``: the term and the value the approver agrees to."""
    title = finding.title or finding.rule
    return f"{title} {finding.value}" if finding.value is not None else title


def _failing_rules(report: CheckReport, entries: dict[str, RuleEntry]) -> tuple[FailingRule, ...]:
    """Which rules block most agreements: each counted once per agreement."""
    counts = Counter(
        rule
        for document in report.documents
        for rule in {f.rule for f in failing_findings(document, report.fail_on)}
    )
    ranked = sorted(counts, key=lambda rule: (-counts[rule], natural_key(rule)))
    return tuple(
        FailingRule(
            rule,
            entries[rule].title if rule in entries else rule,
            "; ".join(entries[rule].refs) if rule in entries else "",
            counts[rule],
        )
        for rule in ranked
    )
