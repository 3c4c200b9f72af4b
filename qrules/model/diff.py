"""What ``qrules diff`` reports between two revisions of agreements: what every output format
renders (reports never compare anything themselves).

Per agreement: the fields that changed, each with its value and line on both sides; for
every term on a changed field, each party's tier move and whether the change is weaker,
stronger or neutral for that party; the findings that are new, fixed or unchanged; and the
waivers added, removed or expired.
"""

from __future__ import annotations

from dataclasses import dataclass

from qrules.model.evidence import Evidence
from qrules.model.findings import SEVERITY_RANK, Finding, RuleEntry

WEAKER, STRONGER, NEUTRAL = "weaker", "stronger", "neutral"
NEW, FIXED, UNCHANGED = "new", "fixed", "unchanged"
FAIL_ON = ("weaker", "conflict", "none")


@dataclass(frozen=True)
class Side:
    """A value as shown, at its line, in one revision; ``None`` where the field is absent."""

    value: str | None
    line: int | None
    path: str | None = None  # dotted, with the list indices of that revision


@dataclass(frozen=True)
class FieldChange:
    path: str  # dotted, list elements by identity: scope.products["RS-6631"].revision
    kind: str  # changed | added | removed
    old: Side
    new: Side


@dataclass(frozen=True)
class TermMove:
    """One party's term on a changed field: its tier before and after, and which way."""

    party: str
    term: str
    title: str
    refs: tuple[str, ...]
    path: str
    old: Side
    new: Side
    old_tier: str  # prefer | accept | reject | missing | no tier
    new_tier: str
    old_approval: str | None
    new_approval: str | None
    direction: str  # weaker | stronger | neutral
    requires: str  # what the new value now requires, in words
    order: int  # the term's place in its ruleset, for clause order

    @property
    def moved(self) -> str:
        return f"{self.old_tier} → {self.new_tier}"


@dataclass(frozen=True)
class FindingChange:
    state: str  # new | fixed | unchanged
    finding: Finding  # the new revision's, or for a fixed one the old revision's


@dataclass(frozen=True)
class WaiverChange:
    rule: str
    change: str  # added | removed | expired
    line: int | None
    expires: str | None = None
    approved_by: str | None = None


@dataclass(frozen=True)
class AgreementDiff:
    old: str  # the old revision as named: a file, or REV:path
    new: str
    old_sha256: str | None
    new_sha256: str | None
    fields: tuple[FieldChange, ...]
    terms: tuple[TermMove, ...]
    findings: tuple[FindingChange, ...]
    waivers: tuple[WaiverChange, ...]
    not_analysed: tuple[tuple[str, str], ...] = ()  # (term, why) on a changed field

    def findings_in(self, state: str) -> tuple[Finding, ...]:
        return tuple(c.finding for c in self.findings if c.state == state)

    def weaker(self, parties: tuple[str, ...] = ()) -> tuple[TermMove, ...]:
        """The terms that got weaker (for one of ``parties``, when given)."""
        return tuple(
            t for t in self.terms if t.direction == WEAKER and (not parties or t.party in parties)
        )

    def new_conflicts(self) -> tuple[Finding, ...]:
        return tuple(
            f
            for f in self.findings_in(NEW)
            if not f.waived and SEVERITY_RANK[f.severity] >= SEVERITY_RANK["error"]
        )


@dataclass(frozen=True)
class DiffReport:
    version: str
    parties: tuple[str, ...]
    agreements: tuple[AgreementDiff, ...]
    fail_on: str = "none"  # weaker | conflict | none
    evidence: Evidence | None = None
    rules: tuple[RuleEntry, ...] = ()  # the rules the revisions were checked by
    fail_for: tuple[str, ...] = ()  # the parties --fail-on weaker speaks for; () is all

    @property
    def failed(self) -> bool:
        if self.fail_on == "weaker":
            return any(a.weaker(self.fail_for) for a in self.agreements)
        if self.fail_on == "conflict":
            return any(a.new_conflicts() for a in self.agreements)
        return False

    def summary(self) -> dict[str, int]:
        agreements = self.agreements
        return {
            "agreements": len(agreements),
            "fields": sum(len(a.fields) for a in agreements),
            "weaker": sum(len(a.weaker()) for a in agreements),
            "stronger": sum(t.direction == STRONGER for a in agreements for t in a.terms),
            "neutral": sum(t.direction == NEUTRAL for a in agreements for t in a.terms),
            "new": sum(len(a.findings_in(NEW)) for a in agreements),
            "fixed": sum(len(a.findings_in(FIXED)) for a in agreements),
            "unchanged": sum(len(a.findings_in(UNCHANGED)) for a in agreements),
            "waivers": sum(len(a.waivers) for a in agreements),
        }
