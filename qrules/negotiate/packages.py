"""Across fields: packages of values, each party's satisfaction with them, the
Pareto-efficient ones, the Nash-bargaining package, and logrolling trades.

Each party weighs the fields (Inspire style: importance per term id or field path, summing
to 100). A party's satisfaction with a package is the weighted sum over the fields of 1 for
a value it prefers and 0.5 for one it accepts; the candidates on each field are the values
of its zone a person would write (its closed ends, or the middle of an open part).
Deadlocked fields have no candidate and are left out.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

from qrules.negotiate.analysis import Analysis, TermAnalysis, candidates, party_weight
from qrules.negotiate.positions import TIER_SCORE

MAX_PACKAGES = 20_000  # candidates multiply across fields: beyond this, fields keep 3 each


@dataclass(frozen=True)
class Package:
    values: dict[str, Any]  # field path → value
    satisfaction: dict[str, float]  # party → 0..1
    pareto: bool = False
    nash: bool = False


@dataclass(frozen=True)
class Trade:
    giver: str  # gives way on ``gives`` ...
    gives: str
    taker: str  # ... to the party that cares more about it, for ``gets`` in return
    gets: str
    weights: tuple[float, float, float, float]  # giver's and taker's weights on both fields


def packages(analysis: Analysis, weights: dict[str, dict[str, float]]) -> list[Package]:
    """The Pareto-efficient packages, the Nash-bargaining one marked."""
    terms = [t for t in analysis.terms if not t.deadlock]
    if not terms:
        return []
    options = [candidates(t.zone) or [t.suggestion] for t in terms]
    while math.prod(len(o) for o in options) > MAX_PACKAGES:
        options = [_thin(o) for o in options]
    scored = [_score(terms, combo, weights) for combo in itertools.product(*options)]
    efficient = [p for p in scored if not any(_dominates(q, p) for q in scored)]
    nash = max(efficient, key=lambda p: math.prod(p.satisfaction.values()))
    return [
        Package(p.values, p.satisfaction, pareto=True, nash=p is nash) for p in _distinct(efficient)
    ]


def _thin(values: list[Any]) -> list[Any]:
    return values if len(values) <= 3 else [values[0], values[len(values) // 2], values[-1]]


def _score(
    terms: list[TermAnalysis], combo: tuple[Any, ...], weights: dict[str, dict[str, float]]
) -> Package:
    satisfaction = {}
    for party in weights:
        total = 0.0
        for term, value in zip(terms, combo, strict=True):
            if party not in term.positions:
                continue
            tier = term.positions[party].tier_of(value)
            total += party_weight(weights, term, party) * TIER_SCORE.get(
                tier.kind if tier else "", 0
            )
        satisfaction[party] = round(total / 100, 4)
    return Package({t.path: v for t, v in zip(terms, combo, strict=True)}, satisfaction)


def _dominates(a: Package, b: Package) -> bool:
    pairs = [(a.satisfaction[p], b.satisfaction[p]) for p in a.satisfaction]
    return all(x >= y for x, y in pairs) and any(x > y for x, y in pairs)


def _distinct(found: list[Package]) -> list[Package]:
    """One package per distinct satisfaction profile (the first of equals)."""
    seen: set[tuple[tuple[str, float], ...]] = set()
    kept = []
    for package in found:
        key = tuple(sorted(package.satisfaction.items()))
        if key not in seen:
            seen.add(key)
            kept.append(package)
    return kept


def trades(analysis: Analysis, weights: dict[str, dict[str, float]]) -> list[Trade]:
    """Logrolling: a party gives way on a field that matters less to it than to another
    party, for a field that matters more to it than to that party."""
    terms = [t for t in analysis.terms if not t.deadlock]
    found = []
    for giver, taker in itertools.permutations(weights, 2):
        for gives, gets in itertools.permutations(terms, 2):
            if giver not in gives.positions or taker not in gives.positions:
                continue
            if giver not in gets.positions or taker not in gets.positions:
                continue
            w = (
                party_weight(weights, gives, giver),
                party_weight(weights, gives, taker),
                party_weight(weights, gets, giver),
                party_weight(weights, gets, taker),
            )
            if w[0] < w[1] and w[2] > w[3]:
                found.append(Trade(giver, gives.path, taker, gets.path, w))
    return _one_side_each(sorted(found, key=_gain, reverse=True))[:5]


def _gain(trade: Trade) -> float:
    """How much both gain: the taker's extra care for what it gets, the giver's for its own."""
    giver_gives, taker_gives, giver_gets, taker_gets = trade.weights
    return (taker_gives - giver_gives) + (giver_gets - taker_gets)


def _one_side_each(found: list[Trade]) -> list[Trade]:
    """A gives X to B for Y is the deal B gives Y to A for X: keep it once."""
    seen: set[frozenset[tuple[str, str]]] = set()
    kept = []
    for trade in found:
        deal = frozenset({(trade.giver, trade.gives), (trade.taker, trade.gets)})
        if deal not in seen:
            seen.add(deal)
            kept.append(trade)
    return kept
