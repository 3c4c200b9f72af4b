"""What the redline memo says about each agreement: one model for the Markdown and HTML memos
of ``qrules diff``, built from the DiffReport alone.

Changed terms come first, in clause order with the weaker ones before the rest, each with
both values and lines and what the change now requires; then the fields no term is on, the
findings new and fixed, the waivers, and the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from qrules.model.diff import (
    FIXED,
    NEW,
    STRONGER,
    UNCHANGED,
    WEAKER,
    AgreementDiff,
    DiffReport,
    FieldChange,
    TermMove,
    WaiverChange,
)
from qrules.model.findings import Finding
from qrules.report.order import OTHER, clause_key

DIRECTIONS = (WEAKER, STRONGER, "neutral")


@dataclass(frozen=True)
class Redline:
    """One agreement's part of the memo."""

    old: str
    new: str
    anchor: str
    verdict: str
    terms: tuple[TermMove, ...]  # weaker first, then in clause order
    fields: tuple[FieldChange, ...]  # the changed fields no term is on
    new_findings: tuple[Finding, ...]
    fixed: tuple[Finding, ...]
    unchanged: int
    waivers: tuple[WaiverChange, ...]
    not_analysed: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Memo:
    date: str
    parties: tuple[str, ...]
    verdict: str
    redlines: tuple[Redline, ...]
    hashed: tuple[tuple[str, str | None], ...]  # each revision compared, with its sha256


def build(report: DiffReport) -> Memo:
    redlines = tuple(_redline(a, n) for n, a in enumerate(report.agreements, start=1))
    hashed = tuple(
        dict.fromkeys(
            pair
            for a in report.agreements
            for pair in ((a.old, a.old_sha256), (a.new, a.new_sha256))
            if pair[0] != "(none)"
        )
    )
    today = report.evidence.today if report.evidence else None
    date = today.isoformat() if today else ""
    return Memo(date, report.parties, _verdict(report), redlines, hashed)


def clause(move: TermMove) -> str:
    return move.refs[0] if move.refs else OTHER


def memo_order(move: TermMove) -> tuple[object, ...]:
    return (move.direction != WEAKER, clause_key(clause(move)), move.order, move.party)


def _redline(a: AgreementDiff, number: int) -> Redline:
    on_terms = {t.path for t in a.terms}
    return Redline(
        old=a.old,
        new=a.new,
        anchor=f"agreement-{number}",
        verdict=_agreement_verdict(a),
        terms=tuple(sorted(a.terms, key=memo_order)),
        fields=tuple(c for c in a.fields if c.path not in on_terms),
        new_findings=a.findings_in(NEW),
        fixed=a.findings_in(FIXED),
        unchanged=len(a.findings_in(UNCHANGED)),
        waivers=a.waivers,
        not_analysed=a.not_analysed,
    )


def _agreement_verdict(a: AgreementDiff) -> str:
    if not a.fields:
        return "No field changed"
    weaker = a.weaker()
    parties = sorted({t.party for t in weaker})
    text = f"{_count(len(weaker), 'term')} weaker" + (
        f" (for {', '.join(parties)})" if parties else ""
    )
    text += f", {sum(t.direction == STRONGER for t in a.terms)} stronger"
    text += f"; {_count(len(a.findings_in(NEW)), 'new finding')}, {len(a.findings_in(FIXED))} fixed"
    return text


def _verdict(report: DiffReport) -> str:
    s = report.summary()
    return (
        f"{_count(s['agreements'], 'agreement')} compared: {_count(s['fields'], 'field')} "
        f"changed; {s['weaker']} terms weaker, {s['stronger']} stronger; {s['new']} new "
        f"findings, {s['fixed']} fixed, {s['unchanged']} unchanged"
    )


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
