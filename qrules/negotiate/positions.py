"""A party's position on one field, as regions: each tier of a term covers its condition
minus every earlier tier (the first tier that holds decides), and the zone of possible
agreement is what every party accepts.

Only literal conditions become regions (``<= 1.0``, ``in ["8D", "A3"]``, ``between 30 days
and 90 days``); a term whose tiers compute their bounds cannot be turned into a region and
is reported as not analysed, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from qrules.negotiate.regions import Region, condition_region, everything_like
from qrules.syntax import ast

TIER_SCORE = {"prefer": 1.0, "accept": 0.5}  # a party's satisfaction with a value in a tier


class NotAnalysed(Exception):
    """A term or rule that cannot be turned into regions; the message says why."""


@dataclass(frozen=True)
class TierRegion:
    kind: str  # prefer | accept | reject
    approval: str | None
    region: Region


@dataclass(frozen=True)
class Position:
    """One party's tiers on one field, as disjoint regions in tier order."""

    term: str
    tiers: tuple[TierRegion, ...]

    def region(self, *kinds: str) -> Region:
        """The values that land in a tier of one of ``kinds``."""
        regions = [tier.region for tier in self.tiers if tier.kind in kinds]
        return _union(regions, self.tiers[0].region)

    @property
    def acceptable(self) -> Region:
        return self.region("prefer", "accept")

    def tier_of(self, value: Any) -> TierRegion | None:
        return next((t for t in self.tiers if t.region.contains(value)), None)


def position(term: ast.Term) -> Position:
    """The regions of a term's tiers; raises :class:`NotAnalysed`."""
    like = _sample_value(term)
    covered: Region | None = None
    tiers = []
    for tier in term.tiers:
        region = _tier_region(tier, like)
        fresh = region if covered is None else _minus(region, covered)
        covered = region if covered is None else _union([covered, region], region)
        tiers.append(TierRegion(tier.kind, tier.approval, fresh))
    if not tiers:
        raise NotAnalysed(f"{term.id} has no tiers")
    return Position(term.id, tuple(tiers))


def zone(positions: Iterable[Position]) -> Region:
    """The values every party accepts (prefer or accept)."""
    return _meet([p.acceptable for p in positions])


def preferred_zone(positions: Iterable[Position]) -> Region:
    return _meet([p.region("prefer") for p in positions])


def _meet(regions: list[Region]) -> Region:
    if not regions:
        raise NotAnalysed("no party has a position on this field")
    result = regions[0]
    for region in regions[1:]:
        result = _same_kind(result, region).intersection(region)  # type: ignore[arg-type]
    return result


def _tier_region(tier: ast.Tier, like: Any) -> Region:
    if tier.condition is None:
        return everything_like(like)
    operands = [_literal(operand) for operand in tier.condition.operands]
    try:
        return condition_region(tier.condition.op, operands)
    except (ValueError, TypeError) as error:
        raise NotAnalysed(
            f"the condition `{tier.condition.op}` cannot be a region: {error}"
        ) from None


def _literal(node: ast.Expr) -> Any:
    if isinstance(node, ast.Literal):
        return node.value
    if isinstance(node, ast.ListExpr):
        return [_literal(item) for item in node.items]
    if isinstance(node, ast.Unary) and node.op == "-" and isinstance(node.operand, ast.Literal):
        return -node.operand.value  # type: ignore[operator]
    raise NotAnalysed("a tier's bound is computed, not written as a value")


def _sample_value(term: ast.Term) -> Any:
    """A literal from the tiers, for the kind of a tier without a condition."""
    for tier in term.tiers:
        for operand in tier.condition.operands if tier.condition else ():
            value = _literal(operand)
            return value[0] if isinstance(value, list) and value else value
    return ""


def _same_kind(a: Region, b: Region) -> Region:
    if type(a) is not type(b):
        raise NotAnalysed("the parties' positions are on values of different kinds")
    return a


def _minus(a: Region, b: Region) -> Region:
    return _same_kind(a, b).minus(b)  # type: ignore[arg-type]


def _union(regions: list[Region], like: Region) -> Region:
    result = like.minus(like)  # type: ignore[arg-type]
    for region in regions:
        result = _same_kind(result, region).union(region)  # type: ignore[arg-type]
    return result
