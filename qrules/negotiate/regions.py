"""Regions of values: what a tier of a term covers, exactly.

Ordered values (numbers, durations, percentages, dates) form unions of intervals whose
ends are open or closed exactly as the condition says (``< 1.0`` leaves 1.0 out, ``<= 1.0``
keeps it); strings, enum values and booleans form finite sets, or everything but a finite
set (``!=``, ``not in``, a tier without a condition). Regions are immutable and kept in
one normal form (sorted, disjoint, merged), so two regions are equal exactly when they
cover the same values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from qrules.model.values import Duration, Percent

ORDERED = (int, float, Duration, Percent, dt.date)


@dataclass(frozen=True)
class Bound:
    value: Any
    inclusive: bool


@dataclass(frozen=True)
class Interval:
    """Values between ``low`` and ``high``; ``None`` is an open end (unbounded)."""

    low: Bound | None = None
    high: Bound | None = None

    def contains(self, value: Any) -> bool:
        if self.low is not None and not _above(value, self.low):
            return False
        return self.high is None or _below(value, self.high)

    @property
    def empty(self) -> bool:
        if self.low is None or self.high is None:
            return False
        if self.low.value == self.high.value:
            return not (self.low.inclusive and self.high.inclusive)
        return bool(self.low.value > self.high.value)


def _above(value: Any, low: Bound) -> bool:
    return bool(value > low.value or (low.inclusive and value == low.value))


def _below(value: Any, high: Bound) -> bool:
    return bool(value < high.value or (high.inclusive and value == high.value))


@dataclass(frozen=True)
class Intervals:
    """A union of disjoint intervals, sorted: a region of ordered values."""

    parts: tuple[Interval, ...] = ()

    @staticmethod
    def of(*parts: Interval) -> Intervals:
        return Intervals(_normal([p for p in parts if not p.empty]))

    @staticmethod
    def everything() -> Intervals:
        return Intervals((Interval(),))

    def contains(self, value: Any) -> bool:
        return any(part.contains(value) for part in self.parts)

    @property
    def empty(self) -> bool:
        return not self.parts

    def union(self, other: Intervals) -> Intervals:
        return Intervals.of(*self.parts, *other.parts)

    def intersection(self, other: Intervals) -> Intervals:
        return Intervals.of(*(_meet(a, b) for a in self.parts for b in other.parts))

    def complement(self) -> Intervals:
        pieces, low = [], None
        for part in self.parts:
            if part.low is not None:
                pieces.append(Interval(low, Bound(part.low.value, not part.low.inclusive)))
            if part.high is None:
                return Intervals.of(*pieces)
            low = Bound(part.high.value, not part.high.inclusive)
        pieces.append(Interval(low, None))
        return Intervals.of(*pieces)

    def minus(self, other: Intervals) -> Intervals:
        return self.intersection(other.complement())


def _meet(a: Interval, b: Interval) -> Interval:
    return Interval(_tighter(a.low, b.low, lower=True), _tighter(a.high, b.high, lower=False))


def _tighter(a: Bound | None, b: Bound | None, *, lower: bool) -> Bound | None:
    """The more restrictive of two lower (or upper) bounds."""
    if a is None or b is None:
        return b if a is None else a
    if a.value == b.value:
        return Bound(a.value, a.inclusive and b.inclusive)
    pick_a = (a.value > b.value) if lower else (a.value < b.value)
    return a if pick_a else b


def _normal(parts: list[Interval]) -> tuple[Interval, ...]:
    """Sorted by their low ends, touching or overlapping intervals merged."""
    parts.sort(key=_low_key)
    merged: list[Interval] = []
    for part in parts:
        if merged and _joins(merged[-1], part):
            merged[-1] = Interval(merged[-1].low, _looser_high(merged[-1].high, part.high))
        else:
            merged.append(part)
    return tuple(merged)


def _low_key(part: Interval) -> tuple[int, Any, int]:
    # Unbounded first; at the same value a closed end starts before an open one.
    if part.low is None:
        return (0, 0, 0)
    return (1, part.low.value, 0 if part.low.inclusive else 1)


def _joins(left: Interval, right: Interval) -> bool:
    """Whether ``right`` (starting at or after ``left``) overlaps or touches ``left``."""
    if left.high is None or right.low is None:
        return True
    if right.low.value < left.high.value:
        return True
    return right.low.value == left.high.value and (left.high.inclusive or right.low.inclusive)


def _looser_high(a: Bound | None, b: Bound | None) -> Bound | None:
    if a is None or b is None:
        return None
    if a.value == b.value:
        return Bound(a.value, a.inclusive or b.inclusive)
    return a if a.value > b.value else b


@dataclass(frozen=True)
class Values:
    """A region of unordered values: the ``members``, or with ``cofinite`` every value but
    the members."""

    members: frozenset[Any] = frozenset()
    cofinite: bool = False

    @staticmethod
    def everything() -> Values:
        return Values(frozenset(), cofinite=True)

    def contains(self, value: Any) -> bool:
        return (value in self.members) != self.cofinite

    @property
    def empty(self) -> bool:
        return not self.cofinite and not self.members

    def union(self, other: Values) -> Values:
        return self.complement().intersection(other.complement()).complement()

    def intersection(self, other: Values) -> Values:
        if self.cofinite and other.cofinite:
            return Values(self.members | other.members, cofinite=True)
        if self.cofinite:
            return Values(other.members - self.members)
        if other.cofinite:
            return Values(self.members - other.members)
        return Values(self.members & other.members)

    def complement(self) -> Values:
        return Values(self.members, cofinite=not self.cofinite)

    def minus(self, other: Values) -> Values:
        return self.intersection(other.complement())


Region = Intervals | Values


def magnitude(value: Any) -> float:
    """An ordered value as a number on one axis: days for durations and dates (business
    days counted as such)."""
    if isinstance(value, Duration):
        # Business days have an axis of their own: a field is never analysed in both.
        return float(value.amount) if value.business else float(value.days)
    if isinstance(value, Percent):
        return float(value.value)
    if isinstance(value, dt.date):
        return float(value.toordinal())
    return float(value)


def is_ordered(value: Any) -> bool:
    return isinstance(value, ORDERED) and not isinstance(value, bool)


def everything_like(value: Any) -> Region:
    """Every value of ``value``'s kind."""
    return Intervals.everything() if is_ordered(value) else Values.everything()


def condition_region(op: str, operands: list[Any]) -> Region:
    """The values ``v`` for which ``v OP operands`` holds (literal operands)."""
    if op == "between":
        low, high = operands
        return Intervals.of(Interval(Bound(low, True), Bound(high, True)))
    if op in ("in", "not in"):
        (items,) = operands
        region = _members(list(items))
        return region.complement() if op == "not in" else region
    (value,) = operands
    if op in ("==", "!="):
        region = _members([value])
        return region.complement() if op == "!=" else region
    if not is_ordered(value):
        raise ValueError(f"{op} needs an ordered value, not {value!r}")
    return Intervals.of(_ray(op, value))


def _ray(op: str, value: Any) -> Interval:
    return {
        "<": Interval(None, Bound(value, False)),
        "<=": Interval(None, Bound(value, True)),
        ">": Interval(Bound(value, False), None),
        ">=": Interval(Bound(value, True), None),
    }[op]


def _members(values: list[Any]) -> Region:
    if values and all(is_ordered(v) for v in values):
        return Intervals.of(*(Interval(Bound(v, True), Bound(v, True)) for v in values))
    return Values(frozenset(values))
