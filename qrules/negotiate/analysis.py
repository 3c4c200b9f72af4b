"""Where the parties' positions meet, field by field: the zone of possible agreement, the
preferred zone, a deadlock's gap and the concessions that would close it, a suggested
value, and where a draft stands.

Each party is a rulebook of terms; terms of different parties meet on the same field path
(``at PATH``). Shared rulesets are hard constraints: their simple rules on one field
(``require PATH OP literal``) restrict every zone. Whatever cannot become a region is listed
as not analysed with its id, never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from qrules.errors import RulesetError
from qrules.model.values import Duration, Percent, type_name
from qrules.negotiate.positions import (
    TIER_SCORE,
    NotAnalysed,
    Position,
    position,
    preferred_zone,
    zone,
)
from qrules.negotiate.regions import Intervals, Region, Values, condition_region, magnitude
from qrules.ruleset import Rulebook
from qrules.syntax import ast


@dataclass(frozen=True)
class Concession:
    party: str
    bound: Any  # where the party's acceptable values end today
    to: Any  # where it would have to move for a zone to open
    tier: str  # the tier ``to`` lands in for that party today
    approval: str | None = None  # who approves ``to`` there, when that tier needs it

    def cost(self, weight: float) -> float:
        """What the party gives up, in its own points: the field's weight times the
        satisfaction it loses by agreeing to ``to`` (all of it where ``to`` is rejected)."""
        return weight * (1 - TIER_SCORE.get(self.tier, 0.0))

    @property
    def move(self) -> float:
        """How far the bound moves, relative to where it is (absolute for dates), so that
        between equal costs the smaller step is the cheaper one."""
        size = abs(magnitude(self.to) - magnitude(self.bound))
        if isinstance(self.bound, dt.date) or not magnitude(self.bound):
            return float(size)
        return float(size / abs(magnitude(self.bound)))


@dataclass(frozen=True)
class TermAnalysis:
    path: str
    positions: dict[str, Position]
    zone: Region
    preferred: Region
    gap: tuple[Any, Any] | None = None  # (low, high) between the parties, when deadlocked
    concessions: tuple[Concession, ...] = ()
    suggestion: Any = None
    approvals: tuple[tuple[str, str], ...] = ()  # (party, approver) the suggestion needs

    @property
    def deadlock(self) -> bool:
        return self.zone.empty


@dataclass(frozen=True)
class Analysis:
    parties: tuple[str, ...]
    terms: tuple[TermAnalysis, ...]
    not_analysed: tuple[tuple[str, str], ...] = ()  # (rule or term id, why)
    single: tuple[tuple[str, str], ...] = ()  # (path, party): a field only one party has
    constraints: dict[str, Region] = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        return not any(t.deadlock for t in self.terms)

    def concessions_needed(
        self, weights: dict[str, dict[str, float]] | None = None
    ) -> list[tuple[str, Concession | None]]:
        """One concession per deadlocked field (each needs at least one, and one closes its
        gap): the cheapest, weighed by what the conceding party gives up (its weight on
        the field, from ``weights``, or the same for every field) and then by the size of
        the step."""
        return [(t.path, cheapest(t, weights)) for t in self.terms if t.deadlock]


def cheapest(
    term: TermAnalysis, weights: dict[str, dict[str, float]] | None = None
) -> Concession | None:
    order = list(term.positions)
    weights = comparable_weights(term, weights)

    def price(c: Concession) -> tuple[float, float, int]:
        return c.cost(party_weight(weights, term, c.party)), c.move, order.index(c.party)

    return min(term.concessions, key=price, default=None)


def comparable_weights(
    term: TermAnalysis, weights: dict[str, dict[str, float]] | None
) -> dict[str, dict[str, float]] | None:
    """The weights, when every party of the field has some; else None: points of parties
    with and without weights do not compare, so every party is then weighed alike."""
    if weights and all(party in weights for party in term.positions):
        return weights
    return None


def party_weight(
    weights: dict[str, dict[str, float]] | None, term: TermAnalysis, party: str
) -> float:
    """A party's weight on a field, given by its term id or by the field path; without
    weights every field counts the same."""
    if weights is None:
        return 1.0
    given = weights.get(party, {})
    return given.get(term.positions[party].term, given.get(term.path, 0.0))


def analyse(parties: dict[str, Rulebook], shared: Rulebook | None = None) -> Analysis:
    skipped: list[tuple[str, str]] = []
    by_path: dict[str, dict[str, Position]] = {}
    for name, rules in parties.items():
        for statement in _statements(rules):
            if isinstance(statement, ast.Term):
                _add_position(statement, name, by_path, skipped)
    constraints = _constraints(shared, skipped) if shared else {}
    terms, single = [], []
    for path, positions in sorted(by_path.items()):
        if len(positions) < 2:
            single.append((path, next(iter(positions))))
            continue
        _same_kinds(path, positions)
        try:
            _one_calendar(positions)
            terms.append(_term(path, positions, constraints.get(path)))
        except NotAnalysed as why:
            skipped += [(p.term, str(why)) for p in positions.values()]
    return Analysis(tuple(parties), tuple(terms), tuple(skipped), tuple(single), constraints)


def _same_kinds(path: str, positions: dict[str, Position]) -> None:
    """Parties who speak of one field in different kinds of value (days and a plain number)
    cannot be compared: that is a mistake in a ruleset, not a deadlock."""
    kinds = {party: type(p.tiers[0].region).__name__ for party, p in positions.items()}
    if len(set(kinds.values())) > 1 or len({_unit(p) for p in positions.values()} - {None}) > 1:
        terms = ", ".join(f"{p.term} ({party})" for party, p in positions.items())
        raise RulesetError(
            f"the terms {terms} on {path} compare values of different kinds",
            hint="write every party's bounds on one field in the same kind of value",
        )


def _one_calendar(positions: dict[str, Position]) -> None:
    """Business days and calendar days on one field cannot be compared without knowing
    the weekday: the field is not analysed rather than guessed."""
    bounds = [
        bound.value
        for p in positions.values()
        for tier in p.tiers
        if isinstance(tier.region, Intervals)
        for part in tier.region.parts
        for bound in (part.low, part.high)
        if bound is not None and isinstance(bound.value, Duration)
    ]
    if len({value.business for value in bounds}) > 1:
        raise NotAnalysed("business days and calendar days compare only on a calendar")


def _unit(position: Position) -> str | None:
    """The kind of the ordered values a position is written in (number, duration...)."""
    for tier in position.tiers:
        if isinstance(tier.region, Intervals):
            for part in tier.region.parts:
                for bound in (part.low, part.high):
                    if bound is not None:
                        return type_name(bound.value)
    return None


def _statements(rules: Rulebook) -> Iterable[ast.Rule | ast.Term]:
    return (s for ruleset in rules.rulesets for s in ruleset.syntax.rules)


def _add_position(
    term: ast.Term,
    party: str,
    by_path: dict[str, dict[str, Position]],
    skipped: list[tuple[str, str]],
) -> None:
    if not isinstance(term.at, ast.Path) or term.scope is not None or term.when:
        skipped.append((term.id, "the term is on a computed value or only applies sometimes"))
        return
    try:
        by_path.setdefault(term.at.dotted, {})[party] = position(term)
    except NotAnalysed as why:
        skipped.append((term.id, str(why)))


def _constraints(shared: Rulebook, skipped: list[tuple[str, str]]) -> dict[str, Region]:
    """Simple rules of the shared rulesets as regions on their field."""
    found: dict[str, Region] = {}
    for statement in _statements(shared):
        region = rule_region(statement)
        if region is None:
            skipped.append((statement.id, "not a simple condition on one field"))
            continue
        path, allowed = region
        found[path] = _meet(found[path], allowed) if path in found else allowed
    return found


def rule_region(statement: ast.Rule | ast.Term) -> tuple[str, Region] | None:
    if not isinstance(statement, ast.Rule) or statement.scope is not None or statement.when:
        return None
    if len(statement.requires) != 1 or statement.lets:
        return None
    condition = statement.requires[0].condition
    if not isinstance(condition, ast.Binary) or not isinstance(condition.left, ast.Path):
        return None
    if condition.op not in ("<", "<=", ">", ">=", "==", "!=", "in", "not in"):
        return None
    right = condition.right
    if isinstance(right, ast.Literal):
        operand: Any = right.value
    elif isinstance(right, ast.ListExpr) and all(isinstance(i, ast.Literal) for i in right.items):
        operand = [i.value for i in right.items if isinstance(i, ast.Literal)]
    else:
        return None
    try:
        return condition.left.dotted, condition_region(condition.op, [operand])
    except (ValueError, TypeError):
        return None


def _term(path: str, positions: dict[str, Position], constraint: Region | None) -> TermAnalysis:
    agreed, preferred = zone(positions.values()), preferred_zone(positions.values())
    if constraint is not None:
        agreed = _meet(agreed, constraint)
        preferred = _meet(preferred, constraint)
    if agreed.empty:
        gap = _gap(positions, constraint)
        concessions = _concessions(positions, gap) if gap else ()
        return TermAnalysis(path, positions, agreed, preferred, gap, concessions)
    value = suggestion(agreed, positions)
    return TermAnalysis(
        path, positions, agreed, preferred, suggestion=value, approvals=approvals(value, positions)
    )


def _meet(a: Region, b: Region) -> Region:
    if type(a) is not type(b):
        raise NotAnalysed("the constraint and the positions are on values of different kinds")
    return a.intersection(b)  # type: ignore[arg-type]


def approvals(value: Any, positions: dict[str, Position]) -> tuple[tuple[str, str], ...]:
    """The approvals ``value`` needs: (party, approver) of each accept tier it lands in
    that names an approver."""
    found = []
    for party, pos in positions.items():
        tier = pos.tier_of(value)
        if tier is not None and tier.kind == "accept" and tier.approval:
            found.append((party, tier.approval))  # a fallback without an approver needs nobody
    return tuple(found)


def suggestion(agreed: Region, positions: dict[str, Position]) -> Any:
    """A value of the zone that needs the fewest approvals, ties broken toward the middle."""
    options = candidates(agreed)
    if not options:
        return None
    middle = len(options) // 2
    ranked = sorted(
        range(len(options)),
        key=lambda i: (len(approvals(options[i], positions)), abs(i - middle)),
    )
    return options[ranked[0]]


def candidates(region: Region) -> list[Any]:
    """Values a person would write: the closed ends of each part, or its middle."""
    if isinstance(region, Values):
        return sorted(region.members, key=str) if not region.cofinite else []
    values: list[Any] = []
    for part in region.parts:
        ends = [b.value for b in (part.low, part.high) if b is not None and b.inclusive]
        if not ends and part.low is not None and part.high is not None:
            ends = [_middle(part.low.value, part.high.value)]
        values += [v for v in ends if part.contains(v)]
    return sorted(dict.fromkeys(values), key=magnitude)


def _middle(low: Any, high: Any) -> Any:
    if isinstance(low, Duration) and low.business:
        return (low + high) / 2  # business days stay business days
    if isinstance(low, Duration):
        return Duration((low.days + high.days) / 2, "days")
    if isinstance(low, Percent):
        return Percent((low.value + high.value) / 2)
    if isinstance(low, dt.date):
        return low + (high - low) / 2
    return (low + high) / 2


def _gap(positions: dict[str, Position], constraint: Region | None) -> tuple[Any, Any] | None:
    """Between the highest of the parties' lowest acceptable values and the lowest of
    their highest: where no party's range reaches across (ordered values only)."""
    hulls = [_hull(p.acceptable) for p in positions.values()]
    if constraint is not None:
        hulls.append(_hull(constraint))
    if any(h is None for h in hulls):
        return None
    lows = [h[0] for h in hulls if h is not None and h[0] is not None]
    highs = [h[1] for h in hulls if h is not None and h[1] is not None]
    if not lows or not highs or not max(lows, key=magnitude) > min(highs, key=magnitude):
        return None
    return min(highs, key=magnitude), max(lows, key=magnitude)


def _hull(region: Region) -> tuple[Any, Any] | None:
    if not isinstance(region, Intervals) or region.empty:
        return None
    low, high = region.parts[0].low, region.parts[-1].high
    return (low.value if low else None), (high.value if high else None)


def _concessions(positions: dict[str, Position], gap: tuple[Any, Any]) -> tuple[Concession, ...]:
    """For each party whose range ends at one side of the gap: moving that end across the
    gap opens a zone (if the others then meet it); which tier the other side's value is in
    for that party today."""
    low, high = gap
    found = []
    for party, pos in positions.items():
        hull = _hull(pos.acceptable)
        if hull is None:
            continue
        if hull[1] is not None and magnitude(hull[1]) <= magnitude(low):
            found.append(_concession(party, pos, hull[1], high))
        elif hull[0] is not None and magnitude(hull[0]) >= magnitude(high):
            found.append(_concession(party, pos, hull[0], low))
    return tuple(found)


def _concession(party: str, pos: Position, bound: Any, to: Any) -> Concession:
    tier = pos.tier_of(to)
    return Concession(party, bound, to, _tier_name(pos, to), tier.approval if tier else None)


def _tier_name(pos: Position, value: Any) -> str:
    tier = pos.tier_of(value)
    return tier.kind if tier else "no tier"


@dataclass(frozen=True)
class DraftValue:
    """Where a draft stands on one field: its value and line, each party's tier for it, and
    whether the value lies in the zone (else the nearest value that does)."""

    value: Any
    line: int | None
    tiers: dict[str, str]
    inside: bool
    nearest: Any = None


def draft_value(term: TermAnalysis, data: Any, line: int | None) -> DraftValue | None:
    """``data`` is the draft's (typed) value at the term's path; None when it has none."""
    if data is None:
        return None
    tiers = {party: _tier_name(pos, data) for party, pos in term.positions.items()}
    try:
        inside = term.zone.contains(data)
    except TypeError:  # a value of another kind than the positions: never inside
        inside = False
    nearest = None if inside or term.zone.empty else _nearest(term.zone, data)
    return DraftValue(data, line, tiers, inside, nearest)


def _nearest(region: Region, value: Any) -> Any:
    options = candidates(region)
    if not options:
        return None
    try:
        return min(options, key=lambda c: abs(magnitude(c) - magnitude(value)))
    except TypeError:
        return options[0]
