"""What a plan does over a range of qualities: OC curves on a readable grid, the quality
at a given acceptance probability (AQL and limiting quality), producer's and consumer's
risk.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from qrules.errors import UsageError
from qrules.stdlib.sampling.oc import acceptance_probability, check_lot_for, check_model
from qrules.stdlib.sampling.plans import GRID_END_PA, SamplingPlan


def oc_curve(
    n: int,
    ac: int,
    points: Iterable[float],
    model: str = "binomial",
    lot_size: int | None = None,
) -> list[tuple[float, float]]:
    """(p, Pa) at each p of ``points`` (fractions), in the order given."""
    return [(p, acceptance_probability(n, ac, p, model, lot_size)) for p in points]


def default_grid(
    n: int, ac: int, *, model: str = "binomial", lot_size: int | None = None, steps: int = 50
) -> list[float]:
    """Evenly spaced p from 0 in a round step, about ``steps`` of them, up to Pa < 0.01.

    A round step (1, 2, 2.5 or 5 × 10^k) keeps tables readable; 100 steps draw a smooth curve.
    """
    end = quality_at_acceptance(n, ac, GRID_END_PA, model=model, lot_size=lot_size)
    step = nice_step(end / max(steps, 1))

    def below_end(k: int) -> bool:
        pa = acceptance_probability(n, ac, _grid_point(k, step, model), model, lot_size)
        return pa < GRID_END_PA

    # ceil lands on or next to the first point past the end; the staircase of the
    # hypergeometric model can put it a step early or late.
    count = max(math.ceil(end / step), 1)
    while not below_end(count):
        count += 1
    while count > 1 and below_end(count - 1):
        count -= 1
    return [_grid_point(k, step, model) for k in range(count + 1)]


def _grid_point(k: int, step: float, model: str) -> float:
    p = round(k * step, 12)
    return p if model == "poisson" else min(p, 1.0)


def nice_step(raw: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at least ``raw`` (raw > 0)."""
    exponent = math.floor(math.log10(raw))
    for mantissa in (1, 2, 2.5, 5, 10):
        step = mantissa * 10.0**exponent
        if step >= raw * (1 - 1e-9):
            return float(f"{step:.12g}")
    raise AssertionError("unreachable: 10 × 10^k ≥ raw")


def quality_at_acceptance(
    n: int, ac: int, pa: float, *, model: str = "binomial", lot_size: int | None = None
) -> float:
    """The p at which the plan accepts with probability ``pa`` (bisection; Pa falls with p).

    At pa = 0.10 this is the limiting quality for a 10 % consumer's risk (LQ10, "LTPD").
    The hypergeometric curve is a staircase: there it is D/N for the fewest nonconforming
    units D at which Pa <= pa.
    """
    if isinstance(pa, bool) or not isinstance(pa, (int, float)) or not 0 < pa < 1:
        raise UsageError(f"Pa must lie strictly between 0 and 1, not {pa!r}")
    model = check_model(model)
    if model == "hypergeometric":
        return _lot_quality_at(n, ac, pa, check_lot_for(lot_size, n))
    low, high = 0.0, _upper_bracket(n, ac, pa, model)
    while high - low > 1e-13 * high:
        middle = (low + high) / 2
        if acceptance_probability(n, ac, middle, model) > pa:
            low = middle
        else:
            high = middle
    return high


def _lot_quality_at(n: int, ac: int, pa: float, lot_size: int) -> float:
    low, high = 0, lot_size  # Pa = 0 when the whole lot is nonconforming, as ac < n
    while low < high:
        middle = (low + high) // 2
        if acceptance_probability(n, ac, middle / lot_size, "hypergeometric", lot_size) <= pa:
            high = middle
        else:
            low = middle + 1
    return high / lot_size


def _upper_bracket(n: int, ac: int, pa: float, model: str) -> float:
    if model != "poisson":
        return 1.0
    high = max(1.0, (ac + 1) / n)
    while acceptance_probability(n, ac, high, model) > pa:
        high *= 2
    return high


def producer_risk(
    plan: SamplingPlan | Mapping[str, Any],
    aql: float | str,
    *,
    model: str = "binomial",
    lot_size: int | None = None,
) -> float:
    """α = 1 − Pa(AQL): how often a lot at the AQL (percent) is rejected."""
    n, ac, lots = plan_terms(plan, lot_size)
    return 1.0 - acceptance_probability(n, ac, percent_to_fraction(aql, "AQL"), model, lots)


def consumer_risk(
    plan: SamplingPlan | Mapping[str, Any],
    lq: float | str,
    *,
    model: str = "binomial",
    lot_size: int | None = None,
) -> float:
    """β = Pa(LQ): how often a lot at the limiting quality (percent) is still accepted."""
    n, ac, lots = plan_terms(plan, lot_size)
    return acceptance_probability(n, ac, percent_to_fraction(lq, "limiting quality"), model, lots)


def plan_terms(
    plan: SamplingPlan | Mapping[str, Any], lot_size: int | None = None
) -> tuple[int, int, int | None]:
    """n, Ac and the lot size (if known) of a SamplingPlan or a record like {"n": 80, "ac": 2}."""
    if isinstance(plan, SamplingPlan):
        return plan.n, plan.ac, lot_size if lot_size is not None else plan.lot_size
    if isinstance(plan, Mapping) and "n" in plan and "ac" in plan:
        return plan["n"], plan["ac"], lot_size if lot_size is not None else plan.get("lot_size")
    raise UsageError(
        f"not a sampling plan: {plan!r}",
        hint="pass sampling_plan(...) or a record with n and ac, e.g. {n: 80, ac: 2}",
    )


def percent_to_fraction(value: object, what: str = "percentage") -> float:
    """1.5, "1.5" or "1.5%" → 0.015."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise UsageError(f"{what} must be a percentage, not {value!r}", hint="e.g. 1.5 for 1.5%")
    try:
        number = float(str(value).strip().rstrip("%").strip())
    except ValueError:
        raise UsageError(f"{what} {value!r} is not a number", hint="e.g. 1.5 for 1.5%") from None
    if not math.isfinite(number):
        raise UsageError(f"{what} {value!r} is not a percentage", hint="e.g. 1.5 for 1.5%")
    return number / 100
