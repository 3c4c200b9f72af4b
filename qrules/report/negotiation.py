"""``qrules negotiate`` reports: a text table per field (deadlocks first) and the stable
JSON document (``docs/negotiate.md``). Values are written as agreements write them."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from qrules import __version__
from qrules.model.evidence import Evidence
from qrules.model.values import Duration, Percent, show
from qrules.negotiate.analysis import (
    Analysis,
    Concession,
    DraftValue,
    TermAnalysis,
    cheapest,
    comparable_weights,
    party_weight,
)
from qrules.negotiate.packages import packages, trades
from qrules.negotiate.positions import Position
from qrules.negotiate.regions import Interval, Region, Values
from qrules.report import json_text


def written(value: Any) -> Any:
    """A value as an agreement writes it: ``"90 days"``, ``"95%"``, ``"2027-01-01"``, 0.65."""
    if isinstance(value, (Duration, Percent)):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# ---------------------------------------------------------------------------- JSON


def region_json(region: Region) -> list[dict[str, Any]]:
    if isinstance(region, Values):
        if region.empty:
            return []
        entry: dict[str, Any] = {"values": sorted((written(v) for v in region.members), key=str)}
        return [entry | {"except": True}] if region.cofinite else [entry]
    return [_interval_json(part) for part in region.parts]


def _interval_json(part: Interval) -> dict[str, Any]:
    return {
        "min": written(part.low.value) if part.low else None,
        "min_inclusive": bool(part.low and part.low.inclusive),
        "max": written(part.high.value) if part.high else None,
        "max_inclusive": bool(part.high and part.high.inclusive),
    }


def _position_json(position: Position) -> dict[str, Any]:
    accept = [
        {"approval": t.approval, "regions": region_json(t.region)}
        for t in position.tiers
        if t.kind == "accept" and not t.region.empty
    ]
    return {
        "term": position.term,
        "prefer": region_json(position.region("prefer")),
        "accept": accept,
        "reject": region_json(position.region("reject")),
    }


def _draft_json(draft: DraftValue | None) -> dict[str, Any] | None:
    if draft is None:
        return None
    return {
        "value": written(draft.value),
        "line": draft.line,
        "tiers": draft.tiers,
        "inside": draft.inside,
        "nearest": written(draft.nearest),
    }


def _concession_json(
    term: TermAnalysis, c: Concession, weights: dict[str, dict[str, float]] | None
) -> dict[str, Any]:
    usable = comparable_weights(term, weights)
    cost = round(c.cost(party_weight(usable, term, c.party)), 4) if usable else None
    return {
        "party": c.party,
        "bound": written(c.bound),
        "to": written(c.to),
        "tier": c.tier,
        "approval": c.approval,
        "cost": cost,
        "move": round(c.move, 4),
        "cheapest": c == cheapest(term, weights),
    }


def _term_json(
    term: TermAnalysis,
    draft: DraftValue | None,
    weights: dict[str, dict[str, float]] | None = None,
) -> dict[str, Any]:
    gap = None
    if term.gap:
        low, high = term.gap
        gap = {"low": written(low), "high": written(high), "size": written(_size(low, high))}
    return {
        "path": term.path,
        "positions": {party: _position_json(p) for party, p in term.positions.items()},
        "zone": region_json(term.zone),
        "preferred": region_json(term.preferred),
        "deadlock": term.deadlock,
        "gap": gap,
        "concessions": [_concession_json(term, c, weights) for c in term.concessions],
        "suggestion": written(term.suggestion),
        "approvals": [{"party": party, "approval": who} for party, who in term.approvals],
        "draft": _draft_json(draft),
    }


def _size(low: Any, high: Any) -> Any:
    if isinstance(low, Duration):
        return high - low if low.business else Duration(high.days - low.days, "days")
    if isinstance(low, dt.date):
        return Duration((high - low).days, "days")
    if isinstance(low, Percent):
        return Percent(high.value - low.value)
    return high - low


def mediator_view(
    analysis: Analysis, drafts: dict[str, DraftValue | None]
) -> tuple[Analysis, dict[str, DraftValue | None]]:
    """What a neutral mediator may see: zones, deadlocks, suggestions and where a draft
    lies against the zone; never a party's tiers, approvers, reasons, or the bounds a gap or
    a concession would reveal."""
    terms = tuple(
        replace(t, positions={}, gap=None, concessions=(), approvals=()) for t in analysis.terms
    )
    redacted = {path: replace(d, tiers={}) if d else None for path, d in drafts.items()}
    return replace(analysis, terms=terms, not_analysed=()), redacted


def render_json(
    analysis: Analysis,
    parties: dict[str, list[str]],
    drafts: dict[str, DraftValue | None] | None = None,
    weights: dict[str, dict[str, float]] | None = None,
    evidence: Evidence | None = None,
) -> str:
    drafts = drafts or {}
    document: dict[str, Any] = {
        "qrules": __version__,
        "parties": [{"name": name, "rulesets": specs} for name, specs in parties.items()],
        "feasible": analysis.feasible,
        "concessions_needed": [
            {"path": t.path} | _concession_json(t, c, weights)
            for t in analysis.terms
            if t.deadlock and (c := cheapest(t, weights)) is not None
        ],
        "terms": [
            _term_json(t, drafts.get(t.path), weights) for t in deadlocks_first(analysis.terms)
        ],
        "single_party": [{"path": path, "party": party} for path, party in analysis.single],
        "not_analysed": [{"id": id_, "reason": why} for id_, why in analysis.not_analysed],
        "packages": [
            {
                "values": {path: written(v) for path, v in p.values.items()},
                "satisfaction": p.satisfaction,
                "nash": p.nash,
            }
            for p in (packages(analysis, weights) if weights else [])
        ],
        "trades": [
            {"party": t.giver, "gives": t.gives, "to": t.taker, "for": t.gets}
            for t in (trades(analysis, weights) if weights else [])
        ],
    }
    if evidence is not None:
        document["evidence"] = evidence.to_json()
    return json_text.dumps(document) + "\n"


def deadlocks_first(terms: tuple[TermAnalysis, ...]) -> list[TermAnalysis]:
    return sorted(terms, key=lambda t: (not t.deadlock, t.path))


# ---------------------------------------------------------------------------- text


def region_text(region: Region) -> str:
    if region.empty:
        return "nothing"
    if isinstance(region, Values):
        listed = ", ".join(sorted(show(v) for v in region.members))
        return f"anything but {listed}" if region.cofinite else listed
    return " or ".join(_interval_text(part) for part in region.parts)


def _interval_text(part: Interval) -> str:
    low, high = part.low, part.high
    if low and high and low.value == high.value:
        return show(low.value)
    if low is None and high is None:
        return "anything"
    if low is None:
        return f"{'<=' if high and high.inclusive else '<'} {show(high.value if high else '')}"
    if high is None:
        return f"{'>=' if low.inclusive else '>'} {show(low.value)}"
    opening, closing = "[" if low.inclusive else "(", "]" if high.inclusive else ")"
    return f"{opening}{show(low.value)}, {show(high.value)}{closing}"


def _tiers_text(position: Position) -> str:
    parts = []
    for tier in position.tiers:
        if tier.region.empty:
            continue
        label = tier.kind + (f" ({tier.approval})" if tier.approval else "")
        parts.append(f"{label}: {region_text(tier.region)}")
    return "; ".join(parts)


def concession_text(c: Concession) -> str:
    """A concession as a sentence: who moves which bound where, and what that value is for
    that party today."""
    today = c.tier + (f", approved by {c.approval}" if c.approval else "")
    return f"{c.party} moves {show(c.bound)} to {show(c.to)} (today: {today})"


def way_to_agree(term: TermAnalysis, weights: dict[str, dict[str, float]] | None) -> str:
    """A deadlocked field's cheapest concession, and why it is the cheapest."""
    chosen = cheapest(term, weights) if term.deadlock else None
    if chosen is None:
        return ""
    why = _why_cheapest(term, chosen, weights)
    moves = f"{chosen.party} moves {show(chosen.bound)} to {show(chosen.to)}"
    return moves + (f" — {why}" if why else "")


def _why_cheapest(
    term: TermAnalysis, chosen: Concession, weights: dict[str, dict[str, float]] | None
) -> str:
    others = [c for c in term.concessions if c != chosen]
    weights = comparable_weights(term, weights)
    if weights:
        costs = {c.party: c.cost(party_weight(weights, term, c.party)) for c in term.concessions}
        if any(costs[c.party] != costs[chosen.party] for c in others):
            rest = ", ".join(f"{c.party} {costs[c.party]:g}" for c in others)
            return f"it costs {chosen.party} {costs[chosen.party]:g} of 100 points ({rest})"
    if others and any(c.move != chosen.move for c in others):
        rest = ", ".join(f"{c.party} {c.move:.0%}" for c in others)
        return f"the smallest step: {chosen.move:.0%} of the bound ({rest})"
    return ""


def render_text(
    analysis: Analysis,
    drafts: dict[str, DraftValue | None] | None = None,
    weights: dict[str, dict[str, float]] | None = None,
) -> str:
    drafts = drafts or {}
    lines: list[str] = []
    for term in deadlocks_first(analysis.terms):
        lines += [*_term_text(term, analysis), *_draft_text(drafts.get(term.path)), ""]
    if weights:
        lines += _packages_text(analysis, weights)
    notes = [
        f"{path}: only {party} has a position (not compared)" for path, party in analysis.single
    ]
    notes += [f"{id_}: not analysed: {why}" for id_, why in analysis.not_analysed]
    if notes:
        lines += [*notes, ""]
    deadlocked = [t.path for t in analysis.terms if t.deadlock]
    verdict = f"deadlocked on {', '.join(deadlocked)}" if deadlocked else "feasible"
    lines.append(f"{len(analysis.terms)} fields compared: {verdict}")
    for term in analysis.terms:
        way = way_to_agree(term, weights)
        if way:
            lines.append(f"to agree on {term.path}: {way}")
    return "\n".join(lines) + "\n"


def _packages_text(analysis: Analysis, weights: dict[str, dict[str, float]]) -> list[str]:
    found = packages(analysis, weights)
    lines = [f"Pareto-efficient packages ({len(found)}), satisfaction 0-1 by party:"]
    for package in found:
        mark = "  * " if package.nash else "    "
        scores = ", ".join(f"{party} {score:.2f}" for party, score in package.satisfaction.items())
        values = ", ".join(f"{path} {show(v)}" for path, v in package.values.items())
        lines.append(f"{mark}{scores}: {values}")
    lines += ["  (* the Nash-bargaining package: the largest product of satisfactions)", ""]
    for trade in trades(analysis, weights):
        lines.append(
            f"trade: {trade.giver} gives way on {trade.gives} to {trade.taker} for {trade.gets}"
        )
    return [*lines, ""] if trades(analysis, weights) else lines


def _draft_text(draft: DraftValue | None) -> list[str]:
    if draft is None:
        return []
    where = f" (line {draft.line})" if draft.line else ""
    tiers = ", ".join(f"{party}: {tier}" for party, tier in draft.tiers.items())
    verdict = "inside the zone" if draft.inside else "outside the zone"
    if draft.nearest is not None:
        verdict += f"; nearest inside: {show(draft.nearest)}"
    return [f"  draft: {show(draft.value)}{where} — " + (f"{tiers}; " if tiers else "") + verdict]


def _term_text(term: TermAnalysis, analysis: Analysis) -> list[str]:
    head = f"{term.path}: " + ("DEADLOCK" if term.deadlock else f"zone {region_text(term.zone)}")
    lines = [head]
    lines += [f"  {party:12} {_tiers_text(p)}" for party, p in term.positions.items()]
    if term.path in analysis.constraints:
        lines.append(f"  {'constraint':12} {region_text(analysis.constraints[term.path])}")
    if term.deadlock:
        if term.gap:
            low, high = term.gap
            size = show(_size(low, high))
            lines.append(f"  gap: between {show(low)} and {show(high)} ({size})")
        lines += [f"  concession: {concession_text(c)}" for c in term.concessions]
        return lines
    lines.append(f"  preferred by all: {region_text(term.preferred)}")
    if not term.positions:  # the mediator's view: who must approve is a party's affair
        lines.append(f"  suggestion: {show(term.suggestion)}")
        return lines
    needs = ", ".join(f"{who} ({party})" for party, who in term.approvals) or "no approval"
    lines.append(f"  suggestion: {show(term.suggestion)} — needs {needs}")
    return lines
