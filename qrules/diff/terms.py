"""Which way each party's terms moved: for every term on a changed field, its tier in the
old and the new revision and whether the change is weaker, stronger or neutral for that
party.

The direction comes from the term's own ordered tiers, as regions of values (the region
engine of ``qrules.negotiate``), never from hand-written hints: a value moving into a worse
tier (prefer, then accept, then reject) is weaker; within one tier, a value moving toward
the worse tiers is weaker (in the reject tier: away from what the party accepts). A missing
field is rejected, as the engine rejects it. Values without an order (text, booleans) that
stay in one tier are neutral.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from qrules.document import Document
from qrules.model.diff import NEUTRAL, STRONGER, WEAKER, FieldChange, Side, TermMove
from qrules.model.values import show
from qrules.negotiate.positions import NotAnalysed, Position, TierRegion, position
from qrules.negotiate.regions import Intervals, Region, is_ordered, magnitude
from qrules.ruleset import Rulebook
from qrules.syntax import ast

MISSING, NO_TIER = "missing", "no tier"
RANK = {"prefer": 0, "accept": 1, "reject": 2, NO_TIER: 2, MISSING: 2}


@dataclass(frozen=True)
class PartyTerm:
    party: str
    term: ast.Term
    position: Position
    order: int


def party_terms(parties: dict[str, Rulebook]) -> tuple[list[PartyTerm], list[tuple[str, str]]]:
    """Each party's terms that can be read as regions, and the others with the reason."""
    found, skipped = [], []
    order = 0
    for party, rules in parties.items():
        for ruleset in rules.rulesets:
            for statement in ruleset.syntax.rules:
                if not isinstance(statement, ast.Term):
                    continue
                order += 1
                if not isinstance(statement.at, ast.Path):
                    skipped.append((statement.id, "the term is on a computed value"))
                    continue
                try:
                    found.append(PartyTerm(party, statement, position(statement), order))
                except NotAnalysed as why:
                    skipped.append((statement.id, str(why)))
    return found, skipped


def term_moves(
    terms: list[PartyTerm],
    changes: list[FieldChange],
    old: Document | None,
    new: Document | None,
    applied: set[tuple[str, str]],
) -> Iterator[TermMove]:
    """The moves of the terms on changed fields; ``applied`` holds (party, term) whose
    scope and guards held in either revision (as the engine decided)."""
    for entry in terms:
        assert isinstance(entry.term.at, ast.Path)
        if (entry.party, entry.term.id) not in applied:
            continue
        field = entry.term.at.dotted
        # The field itself changed, or a section holding it was added or removed.
        change = next(
            (c for c in changes if c.path == field or field.startswith(f"{c.path}.")), None
        )
        if change is not None:
            path = tuple(field.split("."))
            yield _move(entry, change, _value(old, path), _value(new, path))


def _value(document: Document | None, path: tuple[str, ...]) -> Any:
    data: Any = document.data if document is not None and document.readable else None
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _move(entry: PartyTerm, change: FieldChange, old: Any, new: Any) -> TermMove:
    pos = entry.position
    old_tier, new_tier = _tier(pos, old), _tier(pos, new)
    old_kind, new_kind = _kind(old, old_tier), _kind(new, new_tier)
    return TermMove(
        party=entry.party,
        term=entry.term.id,
        title=entry.term.title,
        refs=entry.term.refs,
        path=change.path,
        old=_side(change.old, old),
        new=_side(change.new, new),
        old_tier=old_kind,
        new_tier=new_kind,
        old_approval=old_tier.approval if old_tier else None,
        new_approval=new_tier.approval if new_tier else None,
        direction=direction(pos, old, new, old_kind, new_kind),
        requires=_requires(entry, old_tier, new_tier, new_kind),
        order=entry.order,
    )


def _side(side: Side, value: Any) -> Side:
    """The term's field itself, where the change was to the section holding it."""
    return Side(show(value) if value is not None else None, side.line, side.path)


def _tier(pos: Position, value: Any) -> TierRegion | None:
    if value is None:
        return None
    try:
        return pos.tier_of(value)
    except TypeError:  # a value of another kind than the term's bounds
        return None


def _kind(value: Any, tier: TierRegion | None) -> str:
    if value is None:
        return MISSING
    return tier.kind if tier is not None else NO_TIER


def direction(pos: Position, old: Any, new: Any, old_kind: str, new_kind: str) -> str:
    if RANK[new_kind] != RANK[old_kind]:
        return WEAKER if RANK[new_kind] > RANK[old_kind] else STRONGER
    if not (is_ordered(old) and is_ordered(new)) or old_kind == MISSING:
        return NEUTRAL
    if RANK[new_kind] == RANK["reject"]:  # further from what is accepted is weaker
        target: Region | None = pos.acceptable
        farther_is = WEAKER
    else:  # closer to the worse tiers is weaker
        worse = [t.region for t in pos.tiers if RANK[t.kind] > RANK[new_kind]]
        target, farther_is = _union(worse), STRONGER
    before, after = distance(target, old), distance(target, new)
    if before is None or after is None or before == after:
        return NEUTRAL
    toward = STRONGER if farther_is == WEAKER else WEAKER
    return farther_is if after > before else toward


def _union(regions: list[Region]) -> Region | None:
    result: Region | None = None
    for region in regions:
        if isinstance(region, Intervals):
            result = region if not isinstance(result, Intervals) else result.union(region)
    return result


def distance(region: Region | None, value: Any) -> float | None:
    """How far an ordered value lies from a region of ordered values (0 inside it)."""
    if not isinstance(region, Intervals) or region.empty:
        return None
    try:
        if region.contains(value):
            return 0.0
        point = magnitude(value)
        ends = [b.value for part in region.parts for b in (part.low, part.high) if b is not None]
        return min(abs(point - magnitude(end)) for end in ends) if ends else None
    except TypeError:
        return None


def _requires(
    entry: PartyTerm, old: TierRegion | None, new: TierRegion | None, new_kind: str
) -> str:
    """What the new value now requires of the party, in words."""
    if new_kind == MISSING:
        return "the agreement no longer states it: rejected as missing"
    if new_kind == NO_TIER:
        return "matches none of the negotiated positions"
    assert new is not None
    if new.kind == "accept" and new.approval:
        same = old is not None and old.kind == "accept" and old.approval == new.approval
        return f"{'still needs' if same else 'now needs'} the approval of {new.approval}"
    if new.kind == "accept":
        return "a fallback position, acceptable without an approval"
    if new.kind == "prefer":
        freed = old is not None and old.kind == "accept" and old.approval
        return "within the preferred position" + ("; no approval needed now" if freed else "")
    reason = _reason(entry, new)
    return "now rejected" + (f": {reason}" if reason else "")


def _reason(entry: PartyTerm, tier: TierRegion) -> str | None:
    index = entry.position.tiers.index(tier)
    return entry.term.tiers[index].reason
