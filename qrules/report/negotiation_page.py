"""``qrules negotiate`` as a memo: Markdown, and one self-contained HTML page with a band
chart per ordered field (each party's tiers as coloured bands on one axis, the zone
highlighted, the draft's value marked). The page is rendered from an autoescaped template;
this module only computes what goes where."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qrules import __version__
from qrules.model.evidence import Evidence
from qrules.model.values import show
from qrules.negotiate.analysis import Analysis, DraftValue, TermAnalysis
from qrules.negotiate.regions import Interval, Intervals, Region, magnitude
from qrules.report.negotiation import (
    concession_text,
    deadlocks_first,
    region_text,
    way_to_agree,
)

WIDTH, ROW, LEFT = 640, 26, 110  # chart geometry in pixels
TIER_CLASSES = {"prefer": "band-prefer", "accept": "band-accept", "reject": "band-reject"}


@dataclass(frozen=True)
class Band:
    x: float
    width: float
    y: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class Chart:
    height: float
    rows: list[tuple[str, int]]  # party label and its y
    bands: list[Band]
    zone: list[Band]
    draft_x: float | None
    ticks: list[tuple[float, str]]


def chart(term: TermAnalysis, draft: DraftValue | None) -> Chart | None:
    """The band chart of an ordered field; None for sets."""
    regions = [t.region for p in term.positions.values() for t in p.tiers]
    if not regions or not all(isinstance(r, Intervals) for r in regions):
        return None
    values = [b.value for r in regions for part in r.parts for b in (part.low, part.high) if b]  # type: ignore[union-attr]
    if draft is not None:
        values.append(draft.value)
    if not values:
        return None
    low, high = min(map(magnitude, values)), max(map(magnitude, values))
    pad = (high - low) * 0.15 or max(abs(low) * 0.5, 1.0)
    axis = (low - pad, high + pad)
    bands: list[Band] = []
    rows: list[tuple[str, int]] = []
    for row, (party, position) in enumerate(term.positions.items()):
        y = 10 + row * ROW
        rows.append((party, y))
        for tier in position.tiers:
            label = tier.kind + (f" ({tier.approval})" if tier.approval else "")
            for part in tier.region.parts:  # type: ignore[union-attr]
                bands.append(_band(part, axis, y, 18, TIER_CLASSES[tier.kind], f"{party}: {label}"))
    height = 10 + len(rows) * ROW + 24
    zone_title = f"zone: {region_text(term.zone)}"
    zone = [
        _band(part, axis, 4, len(rows) * ROW + 4, "zone", zone_title)
        for part in term.zone.parts  # type: ignore[union-attr]
    ]
    draft_x = _x(magnitude(draft.value), axis) if draft is not None else None
    return Chart(height, rows, bands, zone, draft_x, _ticks(values, axis))


def _band(
    part: Interval, axis: tuple[float, float], y: float, height: float, css: str, title: str
) -> Band:
    start = _x(magnitude(part.low.value), axis) if part.low else LEFT
    end = _x(magnitude(part.high.value), axis) if part.high else LEFT + WIDTH
    return Band(start, max(end - start, 2.0), y, height, css, title)  # a point stays visible


def _x(value: float, axis: tuple[float, float]) -> float:
    low, high = axis
    return round(LEFT + (value - low) / (high - low) * WIDTH, 1)


def _ticks(values: list[Any], axis: tuple[float, float]) -> list[tuple[float, str]]:
    unique = sorted({magnitude(v): v for v in values}.items())
    return [(_x(n, axis), show(v)) for n, v in unique]


Weights = dict[str, dict[str, float]] | None


def page_context(
    analysis: Analysis, drafts: dict[str, DraftValue | None], title: str, weights: Weights = None
) -> dict[str, Any]:
    terms = deadlocks_first(analysis.terms)
    return {
        "title": title,
        "version": __version__,
        "feasible": analysis.feasible,
        "terms": [_term_context(t, drafts.get(t.path), weights) for t in terms],
        "width": WIDTH + LEFT + 20,
    }


def _term_context(term: TermAnalysis, draft: DraftValue | None, weights: Weights) -> dict[str, Any]:
    return {
        "path": term.path,
        "deadlock": term.deadlock,
        "zone": region_text(term.zone),
        "preferred": region_text(term.preferred),
        "suggestion": show(term.suggestion) if term.suggestion is not None else None,
        "approvals": [f"{who} ({party})" for party, who in term.approvals],
        "gap": [show(v) for v in term.gap] if term.gap else None,
        "concessions": [concession_text(c) for c in term.concessions],
        "cheapest": way_to_agree(term, weights),
        "positions": [
            (
                party,
                [
                    (t.kind, t.approval, region_text(t.region))
                    for t in p.tiers
                    if not t.region.empty
                ],
            )
            for party, p in term.positions.items()
        ],
        "draft": draft,
        "draft_text": show(draft.value) if draft else None,
        "chart": chart(term, draft),
    }


def _shown(tier: Any) -> bool:
    return not tier.region.empty


def render_html(
    analysis: Analysis,
    drafts: dict[str, DraftValue | None] | None = None,
    weights: Weights = None,
    evidence: tuple[Evidence, list[tuple[str, str | None]]] | None = None,
) -> str:
    """``evidence``: the run's, and the draft with its sha256 (if any)."""
    from qrules.report.templating import render

    title = "Negotiation: where the parties can agree"
    context = page_context(analysis, drafts or {}, title, weights)
    context["evidence"], context["hashed"] = evidence or (None, [])
    return render("negotiation.html.j2", **context)


def render_markdown(
    analysis: Analysis,
    drafts: dict[str, DraftValue | None] | None = None,
    weights: Weights = None,
    evidence: tuple[Evidence, list[tuple[str, str | None]]] | None = None,
) -> str:
    drafts = drafts or {}
    verdict = "every field has a zone" if analysis.feasible else "some fields deadlock"
    lines = ["# Negotiation: where the parties can agree", "", f"**Verdict:** {verdict}", ""]
    for term in deadlocks_first(analysis.terms):
        constraint = analysis.constraints.get(term.path)
        lines += _term_markdown(term, drafts.get(term.path), constraint, weights)
    if evidence is not None:
        from qrules.report import evidence as section

        lines += section.markdown(*evidence)
    return "\n".join(lines)


def _term_markdown(
    term: TermAnalysis, draft: DraftValue | None, constraint: Region | None, weights: Weights
) -> list[str]:
    head = "deadlock" if term.deadlock else f"zone {region_text(term.zone)}"
    lines = [f"## `{term.path}`: {head}", "", "| Party | Tier | Values |", "| --- | --- | --- |"]
    for party, position in term.positions.items():
        for tier in position.tiers:
            if not tier.region.empty:
                label = tier.kind + (f" ({tier.approval})" if tier.approval else "")
                lines.append(f"| {party} | {label} | {_md(region_text(tier.region))} |")
    if constraint is not None:
        lines.append(f"| hard constraints | required | {_md(region_text(constraint))} |")
    lines.append("")
    if term.deadlock and term.gap:
        low, high = term.gap
        lines.append(f"- **Gap:** between {show(low)} and {show(high)}")
        lines += [f"- **Concession:** {concession_text(c)}" for c in term.concessions]
        lines.append(f"- **Cheapest:** {way_to_agree(term, weights)}")
    elif not term.deadlock:
        needs = ", ".join(f"{who} ({party})" for party, who in term.approvals) or "no approval"
        lines.append(f"- **Preferred by all:** {_md(region_text(term.preferred))}")
        lines.append(f"- **Suggestion:** {show(term.suggestion)}, needs {needs}")
    if draft is not None:
        where = "inside the zone" if draft.inside else "outside the zone"
        lines.append(f"- **Draft:** {show(draft.value)} (line {draft.line}), {where}")
    return [*lines, ""]


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "\\<")
