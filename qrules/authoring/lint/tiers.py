"""Tiers of a term that can never be reached: an earlier tier already covers every value
they could take (intervals of literal bounds)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from qrules.syntax import ast


def unreachable_tiers(tiers: tuple[ast.Tier, ...]) -> Iterator[tuple[ast.Span, str]]:
    """Tiers that an earlier tier always decides first."""
    covered: list[tuple[str, Any]] = []  # ("<=", 1.0), (">", 3 years), ("all", None)
    for tier in tiers:
        bounds = _bounds(tier.condition)
        if any(_covers(earlier, bounds) for earlier in covered):
            yield (
                tier.span,
                f"this `{tier.kind}` tier is never reached: an earlier tier always decides first",
            )
        if bounds is not None:
            covered.append(bounds)


def _bounds(condition: ast.Condition | None) -> tuple[str, Any] | None:
    if condition is None:
        return ("all", None)
    literals = [o.value for o in condition.operands if isinstance(o, ast.Literal)]
    if len(literals) != len(condition.operands):
        return None
    if condition.op in ("<", "<=", ">", ">="):
        return (condition.op, literals[0])
    if condition.op == "between":
        return ("between", tuple(literals))
    return None


def _covers(earlier: tuple[str, Any], later: tuple[str, Any] | None) -> bool:
    op, bound = earlier
    if op == "all":
        return True
    if later is None:
        return False
    try:
        low, high = _interval(later)
        return _inside(op, bound, low, high)
    except TypeError:
        return False


def _interval(bounds: tuple[str, Any]) -> tuple[tuple[Any, bool] | None, tuple[Any, bool] | None]:
    """((low, inclusive) or None, (high, inclusive) or None)."""
    op, bound = bounds
    if op == "between":
        return (bound[0], True), (bound[1], True)
    if op in ("<", "<="):
        return None, (bound, op == "<=")
    if op in (">", ">="):
        return (bound, op == ">="), None
    raise TypeError(op)


def _inside(op: str, bound: Any, low: Any, high: Any) -> bool:
    if op in ("<", "<="):
        if high is None:
            return False
        value, inclusive = high
        return bool(value < bound or (value == bound and (op == "<=" or not inclusive)))
    if op in (">", ">="):
        if low is None:
            return False
        value, inclusive = low
        return bool(value > bound or (value == bound and (op == ">=" or not inclusive)))
    if op == "between":
        return low is not None and high is not None and low[0] >= bound[0] and high[0] <= bound[1]
    return False


def empty_tiers(term: ast.Term) -> list[int] | None:
    """Indexes of the tiers no value can reach (their condition minus the earlier tiers is
    empty), from the negotiation engine's regions; None when the tiers are not literal."""
    from qrules.negotiate.positions import NotAnalysed, position

    try:
        tiers = position(term).tiers
    except (NotAnalysed, TypeError):
        return None
    return [index for index, tier in enumerate(tiers) if tier.region.empty]
