"""Comparisons of durations whose units can surprise: business days against calendar days
where the weekday decides (an error: qrules will not guess), and months or years against
days or weeks, which qrules counts as 365/12 and 365 days (a warning that says so)."""

from __future__ import annotations

from typing import Any

from qrules.compile import literal_value
from qrules.model.values import Ambiguous, Duration
from qrules.syntax import ast

FAMILY = {
    "minutes": "days and hours",
    "hours": "days and hours",
    "days": "days and hours",
    "weeks": "days and hours",
    "months": "months and years",
    "years": "months and years",
    "business days": "business days",
}
RULE = "qrules counts a month as 365/12 days (30.42) and a year as 365 days"

Problem = tuple[str, str, str, str]  # check, severity, message, hint


def known(node: ast.Expr, constants: dict[str, Any]) -> Duration | None:
    """The duration a literal or a top-level definition writes out, if it is one."""
    value = literal_value(node)
    if isinstance(node, ast.Path) and not node.segments:
        value = constants.get(node.root)
    return value if isinstance(value, Duration) else None


def comparison(left: Duration, op: str, right: Duration) -> Problem | None:
    if FAMILY[left.unit] == FAMILY[right.unit] or not close(left, right):
        return None
    written = f"{left} {op} {right}"
    try:
        left.holds(op, right)
    except Ambiguous as error:
        return (
            "ambiguous-comparison",
            "error",
            f"{written} cannot be decided: {str(error).split(': ', 1)[-1]}",
            "compare business days with business days, or calendar days with calendar days",
        )
    return (
        "mixed-units",
        "warning",
        f"{written} mixes {_families(left, right)}: {_rule(left, right)}",
        "write both sides in the same unit, as the agreement will",
    )


def close(one: Duration, other: Duration) -> bool:
    """Whether two durations of different families are near enough for the way qrules
    counts months and years (or the weekday business days start) to decide their order:
    6 months against 180 days, 1 year against 365 days; not 90 days against 6 months."""
    if one.business or other.business:
        return True
    low, high = sorted((one.bounds()[0], other.bounds()[0]))
    return high - low <= max(3.0, 0.02 * high)


def tier_mix(durations: list[Duration]) -> str | None:
    """Why the thresholds of one term's tiers mix units, if they do where it matters."""
    for index, first in enumerate(durations):
        for second in durations[index + 1 :]:
            if FAMILY[first.unit] != FAMILY[second.unit] and close(first, second):
                mixed = _families(first, second)
                return f"the tiers mix {mixed} ({first}, {second}): {_rule(first, second)}"
    return None


def _families(one: Duration, other: Duration) -> str:
    return f"{FAMILY[one.unit]} with {FAMILY[other.unit]}"


def _rule(one: Duration, other: Duration) -> str:
    if "business days" in (one.unit, other.unit):
        business = one if one.business else other
        low, high = business.bounds()
        return (
            f"{business} is {low:g} to {high:g} calendar days, depending on the weekday it starts"
        )
    return RULE
