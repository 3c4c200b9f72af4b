"""The probability Pa that a plan (n, Ac) accepts a lot of quality p: binomial, Poisson or
hypergeometric, in log space and summed from Ac away from the mode, so any n up to 10^7
takes milliseconds at the accuracy of the exact sums.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from itertools import count

from qrules.errors import UsageError
from qrules.stdlib.sampling.plans import MODELS, check_lot_size, choose


def acceptance_probability(
    n: int, ac: int, p: float, model: str = "binomial", lot_size: int | None = None
) -> float:
    """Pa: the probability that a plan (n, Ac) accepts a lot of quality p.

    binomial: p is the fraction nonconforming of the process (or a large lot);
    poisson: p is the mean number of nonconformities per unit (may exceed 1); it also
    approximates the binomial for small p;
    hypergeometric: an isolated lot of ``lot_size`` units, round(p·N) of them
    nonconforming (rounded half up).
    """
    model = check_model(model)
    n, ac = check_plan(n, ac, model)
    p = check_p(p, model)
    if model == "binomial":
        return _binomial(n, ac, p)
    if model == "poisson":
        return _poisson(n * p, ac)
    return _hypergeometric(n, ac, p, check_lot_for(lot_size, n))


def check_model(model: object) -> str:
    """Model names in any case ("Poisson"); an unknown model is an error listing the three."""
    return choose(model, MODELS, "OC model")


def check_plan(n: object, ac: object, model: str = "binomial") -> tuple[int, int]:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise UsageError(f"sample size n must be a whole number of at least 1, not {n!r}")
    if isinstance(ac, bool) or not isinstance(ac, int):
        raise UsageError(f"acceptance number ac must be a whole number, not {ac!r}")
    if ac < 0:
        raise UsageError(
            f"acceptance number ac = {ac} is negative",
            hint="Ac is the most nonconforming units a sample may hold and still pass: 0 or more",
        )
    if ac >= n and model != "poisson":
        raise UsageError(
            f"acceptance number ac = {ac} is not smaller than the sample size n = {n}: "
            "the plan would accept every lot",
            hint="Ac must be below n; for nonconformities per 100 units use the poisson model",
        )
    return n, ac


def check_p(p: object, model: str = "binomial") -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not math.isfinite(p):
        raise UsageError(f"p must be a number, not {p!r}", hint="p is a fraction: 1.5% is 0.015")
    if p < 0 or (p > 1 and model != "poisson"):
        raise UsageError(
            f"p = {p:g} ({p * 100:g}%) is outside 0…1",
            hint="p is a fraction nonconforming: 1.5% is 0.015",
        )
    return float(p)


def check_lot_for(lot_size: object, n: int) -> int:
    if lot_size is None:
        raise UsageError(
            "the hypergeometric model needs the lot size",
            hint="give lot_size (the number of units in the lot), or use the binomial model",
        )
    lots = check_lot_size(lot_size)
    if lots < n:
        raise UsageError(
            f"lot size {lots} is smaller than the sample size n = {n}",
            hint="a sample cannot exceed its lot: with n >= lot size, inspect every unit",
        )
    return lots


_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


# Terms below this fraction of the sum do not change it in double precision.
_NEGLIGIBLE = 2.0**-54


# Small isolated lots keep the exact integer sum, correctly rounded as it always was, while
# _exact_cost says it takes a few milliseconds (2.3e-11 s per unit, measured on CPython 3.11).
_EXACT_BUDGET = 2**27


# Stirling's series for log k! has converged to double precision past this k.
_STIRLING_SERIES_FROM = 16


def _binomial(n: int, ac: int, p: float) -> float:
    if p == 0.0:
        return 1.0
    if p == 1.0:
        return 0.0  # ac < n, so a sample of all nonconforming units never passes
    if ac >= n:
        return 1.0  # only reached from the inside; the walk above Ac needs Ac + 1 <= n
    q = 1.0 - p
    if ac < n * p:
        first = _log_binomial_term(ac, n, p, q)
        return _walk(first, lambda d: d * q / ((n - d + 1) * p), ac, 0)
    first = _log_binomial_term(ac + 1, n, p, q)
    return 1.0 - _walk(first, lambda d: (n - d) * p / ((d + 1) * q), ac + 1, n)


def _poisson(mean: float, ac: int) -> float:
    if mean == 0.0:
        return 1.0
    if ac < mean:
        return _walk(_log_poisson_term(ac, mean), lambda d: d / mean, ac, 0)
    # The upper tail is unbounded; the stopping rule ends it (no term count is needed).
    return 1.0 - _walk(_log_poisson_term(ac + 1, mean), lambda d: mean / (d + 1), ac + 1, None)


def _hypergeometric(n: int, ac: int, p: float, lot_size: int) -> float:
    defectives = math.floor(p * lot_size + 0.5)
    good = lot_size - defectives
    low, high = max(0, n - good), min(n, defectives)  # the counts a sample can hold
    if ac >= high:
        return 1.0
    if ac < low:
        return 0.0
    if _exact_cost(lot_size, n, min(ac + 1 - low, high - ac)) <= _EXACT_BUDGET:
        return _hypergeometric_exact(n, ac, defectives, good)
    if ac * lot_size < n * defectives:  # Ac below the mean n·D/N, compared without rounding
        first = _log_hypergeometric_term(ac, n, defectives, good)
        ratio = _hypergeometric_down(n, defectives, good)
        return _walk(first, ratio, ac, low)
    first = _log_hypergeometric_term(ac + 1, n, defectives, good)
    return 1.0 - _walk(first, _hypergeometric_up(n, defectives, good), ac + 1, high)


def _hypergeometric_down(n: int, defectives: int, good: int) -> Callable[[int], float]:
    """term(d - 1) / term(d) of C(D, d)·C(G, n - d)."""
    return lambda d: d * (good - n + d) / ((defectives - d + 1) * (n - d + 1))


def _hypergeometric_up(n: int, defectives: int, good: int) -> Callable[[int], float]:
    """term(d + 1) / term(d) of C(D, d)·C(G, n - d)."""
    return lambda d: (defectives - d) * (n - d) / ((d + 1) * (good - n + d + 1))


def _hypergeometric_exact(n: int, ac: int, defectives: int, good: int) -> float:
    """Exact integers, from whichever side of Ac has fewer terms; int / int rounds correctly."""
    low, high = max(0, n - good), min(n, defectives)
    total = _comb(defectives + good, n)
    if ac + 1 - low <= high - ac:
        return _ways_between(low, ac, n, defectives, good) / total
    return (total - _ways_between(ac + 1, high, n, defectives, good)) / total


def _ways_between(first: int, last: int, n: int, defectives: int, good: int) -> int:
    """Σ C(D, d)·C(G, n - d) over first <= d <= last.

    Two coefficients for the first term, then each next one from the last by the exact
    ratio of small integers: one big-by-small product and division instead of two more
    big coefficients per term.
    """
    ways = math.comb(defectives, first) * math.comb(good, n - first)
    total = ways
    for d in range(first, last):
        ways = ways * ((defectives - d) * (n - d)) // ((d + 1) * (good - n + d + 1))
        total += ways
    return total


@lru_cache(maxsize=64)
def _comb(n: int, k: int) -> int:
    return math.comb(n, k)  # the same lot and sample recur through a bisection


def _exact_cost(lot_size: int, n: int, terms: int) -> float:
    """What an exact sum costs: bits of C(N, n) times the factors of a coefficient plus terms.

    math.comb(N, n) takes time about proportional to its bits times min(n, N - n); each
    further term, a big-by-small product and division, about ten times one such factor.
    """
    lgamma = math.lgamma
    bits = (lgamma(lot_size + 1) - lgamma(n + 1) - lgamma(lot_size - n + 1)) / math.log(2)
    return bits * (min(n, lot_size - n) + 10 * terms)


def _walk(log_first: float, ratio: Callable[[int], float], start: int, stop: int | None) -> float:
    """The sum of the terms from index ``start`` towards ``stop`` (inclusive; None: upwards).

    The first term is exp(log_first); ``ratio(d)`` gives term(next) / term(d). Terms are
    summed relative to the first, so that a first term too small for a float still counts.
    As the terms are log-concave and shrink, each ratio bounds the next: what is left after
    a term t is below t·r / (1 - r), and the walk stops when that is negligible.
    """
    indices = count(start) if stop is None else range(start, stop, -1 if stop < start else 1)
    term = total = 1.0
    for d in indices:
        r = ratio(d)
        term *= r
        total += term
        if term * r <= _NEGLIGIBLE * total * (1.0 - r):
            break
    return min(1.0, math.exp(log_first) * total)


def _log_binomial_term(d: int, n: int, p: float, q: float) -> float:
    """log of C(n, d)·p^d·q^(n-d), for 0 < p < 1 and q = 1 - p."""
    if d == 0:
        return n * math.log1p(-p)
    if d == n:
        return n * math.log(p)
    deviance = _bd0(d, n * p) + _bd0(n - d, n * q)
    stirling = _stirling_error(n) - _stirling_error(d) - _stirling_error(n - d)
    return stirling - deviance - _HALF_LOG_2PI - 0.5 * (math.log(d) + math.log1p(-d / n))


def _log_poisson_term(d: int, mean: float) -> float:
    """log of e^(-mean)·mean^d / d!, for mean > 0."""
    if d == 0:
        return -mean
    return -_stirling_error(d) - _bd0(d, mean) - _HALF_LOG_2PI - 0.5 * math.log(d)


def _log_hypergeometric_term(d: int, n: int, defectives: int, good: int) -> float:
    """log of C(D, d)·C(G, n - d) / C(D + G, n), for 0 < n < D + G.

    The three binomial coefficients as binomial terms at the sample fraction n/N: the powers
    of p and q cancel, and each term is of moderate size where the coefficients are not.
    """
    lot = defectives + good
    p, q = n / lot, (lot - n) / lot
    return (
        _log_binomial_term(d, defectives, p, q)
        + _log_binomial_term(n - d, good, p, q)
        - _log_binomial_term(n, lot, p, q)
    )


def _stirling_error(k: int) -> float:
    """log k! - log(sqrt(2πk)·(k/e)^k), for k >= 1: the small part Stirling's formula misses."""
    if k < _STIRLING_SERIES_FROM:
        return math.lgamma(k + 1) - (k + 0.5) * math.log(k) + k - _HALF_LOG_2PI
    kk = float(k) * k
    return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / (1188 * kk)) / kk) / kk) / kk) / k


def _bd0(x: float, m: float) -> float:
    """x·log(x/m) + m - x without the cancellation that the direct form has for x ≈ m."""
    if abs(x - m) >= 0.1 * (x + m):
        return x * math.log(x / m) + m - x
    v = (x - m) / (x + m)
    total, power = (x - m) * v, 2 * x * v
    for j in range(1, 1000):
        power *= v * v
        bigger = total + power / (2 * j + 1)
        if bigger == total:
            return total
        total = bigger
    return total
