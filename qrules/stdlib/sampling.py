"""ISO 2859-1 single sampling plans and their operating characteristic (OC).

A plan comes from the tables in ``iso2859_1.json`` (MIL-STD-105E values, which ISO 2859-1 and
ANSI/ASQ Z1.4 carry over; see ``ISO2859_ORIGIN.md``): lot size and inspection level give a
code letter, the code letter and AQL give n, Ac and Re. The OC functions tell what a plan
(n, Ac) does: the probability Pa that it accepts a lot of a given quality p.

Units: ``p`` is a fraction (0.015), AQLs and limiting qualities are percentages (1.5), as
they are printed in the standard and written in agreements.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from itertools import count
from pathlib import Path
from typing import Any

from qrules.errors import UsageError

DATA_PATH = Path(__file__).resolve().parent / "iso2859_1.json"
MODES = ("normal", "tightened", "reduced")
MODELS = ("binomial", "poisson", "hypergeometric")
LEVEL_HINT = "valid levels: I, II, III (general) and S-1, S-2, S-3, S-4 (special)"
# Tabulated AQLs above 10 are for nonconformities per 100 units, where counts follow Poisson.
LARGEST_PERCENT_AQL = Decimal(10)
# The grid ends where the plan almost never accepts: beyond it the curve is flat at 0.
GRID_END_PA = 0.01
CONSUMER_PA = 0.10


@dataclass(frozen=True)
class SamplingPlan:
    """A single sampling plan for one lot: inspect n units, accept with Ac or fewer found."""

    letter: str
    n: int
    ac: int
    re: int
    inspect_all: bool
    lot_size: int
    level: str
    aql: str
    mode: str

    def as_record(self) -> dict[str, Any]:
        """What the rule language sees: the plan, without how it was looked up."""
        return {
            "letter": self.letter,
            "n": self.n,
            "ac": self.ac,
            "re": self.re,
            "inspect_all": self.inspect_all,
        }


@dataclass(frozen=True)
class TableCell:
    """One resolved cell of a master table: the plan an arrow leads to, with its letter."""

    letter: str
    n: int
    ac: int
    re: int


@cache
def tables() -> dict[str, Any]:
    """The packaged ISO 2859-1 / MIL-STD-105E tables, read once."""
    with DATA_PATH.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def levels() -> tuple[str, ...]:
    return tuple(tables()["levels"])


def tabulated_aqls() -> tuple[str, ...]:
    """The AQL series exactly as printed: "0.010" … "10", "15" … "1000"."""
    return tuple(tables()["aqls"])


# --- looking plans up -----------------------------------------------------------------------


def sampling_plan(
    lot_size: int, level: str, aql: float | str, mode: str = "normal"
) -> SamplingPlan:
    """The single sampling plan for a lot: Table 1 for the code letter, Table 2 for the plan.

    When the sample would be at least the whole lot, every unit is inspected: n becomes the
    lot size and ``inspect_all`` is true (the standard's footnote to Tables 2).
    """
    lots = check_lot_size(lot_size)
    level_name = normalise_level(level)
    key = aql_key(aql)
    mode_name = _choice(mode, MODES, "inspection mode")
    cell = table_cell(code_letter(lots, level_name), key, mode_name)
    inspect_all = cell.n >= lots
    n = lots if inspect_all else cell.n
    return SamplingPlan(
        cell.letter, n, cell.ac, cell.re, inspect_all, lots, level_name, key, mode_name
    )


def code_letter(lot_size: int, level: str) -> str:
    """Table 1: the sample size code letter for a lot size and inspection level."""
    lots = check_lot_size(lot_size)
    for low, high, letter in tables()["code_letters"][normalise_level(level)]:
        if low <= lots and (high is None or lots <= high):
            return str(letter)
    raise AssertionError(f"Table 1 has no row for lot size {lots}")  # rows cover 2 … ∞


def sample_size(letter: str, mode: str = "normal") -> int:
    """The sample size of a code letter (reduced inspection has its own, smaller sizes)."""
    sizes = tables()["sample_sizes"][_choice(mode, MODES, "inspection mode")]
    if letter not in sizes:
        raise UsageError(f"unknown code letter {letter!r}", hint="code letters run A … R")
    return int(sizes[letter])


def table_cell(letter: str, aql: float | str, mode: str = "normal") -> TableCell:
    """Table 2-A/2-B (reduced: MIL-STD-105E II-C) at a code letter and AQL, arrows followed."""
    rows = tables()["plans"][_choice(mode, MODES, "inspection mode")]
    if letter not in rows:
        raise UsageError(f"unknown code letter {letter!r}", hint="code letters run A … R")
    target, n, ac, re_ = rows[letter][aql_key(aql)]
    return TableCell(target, n, ac, re_)


def is_edge_cell(letter: str, aql: float | str, mode: str = "normal") -> bool:
    """True where the printed arrow points off the table, so the plan is a convention."""
    edges = tables()["edge_cells"].get(_choice(mode, MODES, "inspection mode"), [])
    return [letter, aql_key(aql)] in edges


def oc_model(aql: float | str) -> str:
    """The OC model that fits an AQL: Poisson for nonconformities per 100 units (AQL > 10)."""
    return "poisson" if _aql_value(aql) > LARGEST_PERCENT_AQL else "binomial"


# --- checking input --------------------------------------------------------------------------


def check_lot_size(lot_size: object) -> int:
    if isinstance(lot_size, float) and lot_size.is_integer():
        lot_size = int(lot_size)
    if isinstance(lot_size, bool) or not isinstance(lot_size, int):
        raise UsageError(
            f"lot size must be a whole number of units, not {lot_size!r}",
            hint="give the number of units in the lot, e.g. 1000",
        )
    if lot_size < 2:
        raise UsageError(
            f"lot size {lot_size} is too small to sample",
            hint="ISO 2859-1 Table 1 starts at lots of 2 units; inspect a single unit directly",
        )
    return lot_size


def normalise_level(level: object) -> str:
    """Level names as printed: "ii" → "II", "s3" → "S-3"; an unknown level is an error."""
    text = str(level).strip().upper().replace(" ", "")
    if re.fullmatch(r"S-?[1-4]", text):
        text = f"S-{text[-1]}"
    if text not in levels():
        raise UsageError(f"unknown inspection level {level!r}", hint=LEVEL_HINT)
    return text


def aql_key(aql: object) -> str:
    """The printed key of a tabulated AQL: 1, 1.0 and "1.0" all give "1.0"; 0.01 gives "0.010"."""
    value = _aql_value(aql)
    for key in tabulated_aqls():
        if Decimal(key) == value:
            return key
    raise UsageError(f"AQL {_show(aql)} is not in the ISO 2859-1 series", hint=_aql_hint(value))


def _aql_value(aql: object) -> Decimal:
    if isinstance(aql, bool) or not isinstance(aql, (int, float, str, Decimal)):
        raise UsageError(f"AQL must be a number, not {aql!r}", hint=_series_text())
    try:
        value = Decimal(str(aql).strip().rstrip("%").strip())
    except InvalidOperation:
        raise UsageError(f"AQL {aql!r} is not a number", hint=_series_text()) from None
    if not value.is_finite() or value < 0:
        raise UsageError(f"AQL {_show(aql)} is not a percentage", hint=_series_text())
    return value


def _aql_hint(value: Decimal) -> str:
    if value == 0:
        return (
            "'AQL 0' is not a tabulated AQL: it means an acceptance number of zero; "
            "choose a tabulated AQL whose plan has Ac 0, or give the plan (n, ac=0) directly"
        )
    nearest = min(tabulated_aqls(), key=lambda key: abs(math.log(float(key) / float(value))))
    return f"the nearest tabulated AQL is {nearest}; {_series_text()}"


def _series_text() -> str:
    return "tabulated AQLs (percent): " + ", ".join(tabulated_aqls())


def _choice(value: object, options: tuple[str, ...], what: str) -> str:
    text = str(value).strip().lower()
    if text not in options:
        raise UsageError(f"unknown {what} {value!r}", hint="use one of: " + ", ".join(options))
    return text


def _show(value: object) -> str:
    return value if isinstance(value, str) else repr(value)


# --- operating characteristic ----------------------------------------------------------------


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
    return _hypergeometric(n, ac, p, _check_lot_for(lot_size, n))


def check_model(model: object) -> str:
    """Model names in any case ("Poisson"); an unknown model is an error listing the three."""
    return _choice(model, MODELS, "OC model")


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


def _check_lot_for(lot_size: object, n: int) -> int:
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


# --- OC values: how the sums are computed ------------------------------------------------------
# Pa is a sum of probabilities of d nonconforming units, d <= Ac. Summing all Ac + 1 terms with
# exact binomial coefficients costs minutes at n = 10^5, so each model computes one term
# accurately in log space and adds its neighbours through the ratio of successive terms,
# walking from Ac away from the mode. The three distributions are log-concave: the terms only
# shrink on that walk, and it stops when what is left cannot change the sum, after a few
# standard deviations of terms at most (for n = 10^7 about 10^4 steps, milliseconds).
# Below the mean Pa is that lower tail; above it, 1 minus the upper tail from Ac + 1, so a
# small Pa or a small 1 - Pa is always the directly summed side and keeps its relative accuracy.
# (These are the sums behind I_{1-p}(n - Ac, Ac + 1) and Q(Ac + 1, np), the regularised
# incomplete beta and gamma functions; one walk serves all three models, hypergeometric too.)

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


# Loader's saddle-point form of the terms ("Fast and accurate computation of binomial
# probabilities", 2000; as in R's dbinom and dhyper): exp(lgamma) differences lose about
# lgamma(n)·10^-16 in relative accuracy, 10^-7 at n = 10^8, this form keeps about 10^-14.


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
        return _lot_quality_at(n, ac, pa, _check_lot_for(lot_size, n))
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


# --- risks -----------------------------------------------------------------------------------


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
