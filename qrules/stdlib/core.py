"""Functions every ruleset may call: text, numbers, dates and durations.

Each function takes already-evaluated values and raises :class:`EvalError` on a value of
the wrong type; ``exists`` is not here because it looks at a path, not a value (the
compiler handles it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from qrules.model.values import Duration, Percent, parse_date, type_name


class EvalError(Exception):
    """A rule met a value it cannot work with (a duration compared with a number...)."""


@dataclass(frozen=True)
class Function:
    call: Callable[..., Any]
    min_args: int
    max_args: int
    doc: str
    returns: str = "any"  # the language's type of the result, for lint: number, date, plan...


def _expect(value: Any, kinds: tuple[type, ...], what: str, function: str) -> None:
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise EvalError(f"{function}() needs {what}, got {type_name(value)} {value!r}")


def _len(value: Any) -> int:
    if not isinstance(value, (list, tuple, str, dict)):
        raise EvalError(f"len() needs a list, string or record, got {type_name(value)}")
    return len(value)


def _lower(value: Any) -> str:
    _expect(value, (str,), "a string", "lower")
    return str(value).lower()


def _upper(value: Any) -> str:
    _expect(value, (str,), "a string", "upper")
    return str(value).upper()


ORDERED = {"number", "string", "date", "duration", "percentage"}


def _extreme(pick: Callable[..., Any], name: str) -> Callable[..., Any]:
    def extreme(*values: Any) -> Any:
        items = list(values[0]) if len(values) == 1 and isinstance(values[0], list) else values
        if not items:
            raise EvalError(f"{name}() of an empty list")
        kinds = {type_name(v) for v in items}
        if len(kinds) > 1:
            raise EvalError(f"{name}() of mixed types: {', '.join(sorted(kinds))}")
        if kinds - ORDERED:
            raise EvalError(f"{name}() needs numbers, strings, dates, durations or percentages")
        return pick(items)

    return extreme


def _abs(value: Any) -> Any:
    if isinstance(value, Duration):
        return Duration(abs(value.amount), value.unit)
    if isinstance(value, Percent):
        return Percent(abs(value.value))
    _expect(value, (int, float), "a number", "abs")
    return abs(value)


def _round(value: Any, digits: Any = 0) -> Any:
    _expect(value, (int, float), "a number", "round")
    _expect(digits, (int,), "a whole number of digits", "round")
    return round(value, digits) if digits else round(value)


def _days(value: Any) -> float:
    _expect(value, (Duration,), "a duration", "days")
    return float(value.days)


def _duration(value: Any) -> Duration:
    if isinstance(value, Duration):
        return value
    parsed = Duration.parse(value) if isinstance(value, str) else None
    if parsed is None:
        raise EvalError(f'duration() cannot read {value!r}; write e.g. "30 days"')
    return parsed


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    parsed = parse_date(str(value))
    if parsed is None:
        raise EvalError(f"date() cannot read {value!r}; write YYYY-MM-DD")
    return parsed


def _number(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, Percent):
        return value.value
    try:
        return float(str(value).strip().rstrip("%"))
    except ValueError:
        raise EvalError(f"number() cannot read {value!r}") from None


def _percent(value: Any) -> Percent:
    if isinstance(value, Percent):
        return value
    parsed = Percent.parse(value) if isinstance(value, str) else None
    if parsed is None:
        raise EvalError(f'percent() cannot read {value!r}; write e.g. "85%"')
    return parsed


FUNCTIONS: dict[str, Function] = {
    "len": Function(
        _len, 1, 1, "number of items of a list (characters of a string)", returns="number"
    ),
    "lower": Function(_lower, 1, 1, "a string in lower case", returns="string"),
    "upper": Function(_upper, 1, 1, "a string in upper case", returns="string"),
    "min": Function(_extreme(min, "min"), 1, 99, "the smallest of its arguments or of a list"),
    "max": Function(_extreme(max, "max"), 1, 99, "the largest of its arguments or of a list"),
    "abs": Function(_abs, 1, 1, "absolute value of a number, duration or percentage"),
    "round": Function(_round, 1, 2, "a number rounded to the given digits", returns="number"),
    "days": Function(
        _days, 1, 1, "the length of a duration in days, as a number", returns="number"
    ),
    "duration": Function(
        _duration, 1, 1, 'a duration read from text such as "30 days"', returns="duration"
    ),
    "date": Function(_date, 1, 1, 'a date read from text such as "2027-01-01"', returns="date"),
    "number": Function(
        _number, 1, 1, 'a number read from text such as "99.5" or "99.5%"', returns="number"
    ),
    "percent": Function(
        _percent, 1, 1, 'a percentage read from text such as "85%"', returns="percentage"
    ),
}


# ---------------------------------------------------------------------------- sampling
# ISO 2859-1 plans and OC curves (qrules.stdlib.sampling); percentages arrive as Percent
# values or plain numbers meaning percent, and a bad argument is a finding, not a crash.


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Percent) else value


def _sampling(function: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        from qrules.errors import UsageError

        try:
            return function(*(_plain(a) for a in args))
        except UsageError as error:
            raise EvalError(error.message + (f" ({error.hint})" if error.hint else "")) from None

    return call


def _plan(lot_size: Any, level: Any, aql: Any, mode: Any = "normal") -> dict[str, Any]:
    from qrules.stdlib.sampling import sampling_plan

    return sampling_plan(lot_size, level, aql, mode).as_record()


def _pa(n: Any, ac: Any, p: Any, model: Any = "binomial", lot_size: Any = None) -> float:
    from qrules.stdlib.sampling import acceptance_probability

    fraction = p.value / 100 if isinstance(p, Percent) else p
    return acceptance_probability(n, ac, fraction, model, lot_size)


def _risk(name: str) -> Callable[..., float]:
    """``risk(plan, quality)`` or ``risk(n, ac, quality)``: the agreement's own n and Ac."""

    def risk(*args: Any) -> float:
        from qrules.stdlib import sampling

        *plan, quality = args
        record = plan[0] if len(plan) == 1 else {"n": plan[0], "ac": plan[1]}
        return float(getattr(sampling, name)(record, quality))

    return risk


FUNCTIONS |= {
    "sampling_plan": Function(
        _sampling(_plan),
        3,
        4,
        "ISO 2859-1 single sampling plan {letter, n, ac, re, inspect_all} for lot size, "
        "inspection level, AQL and mode (normal, tightened, reduced)",
        returns="plan",
    ),
    "acceptance_probability": Function(
        _sampling(_pa),
        3,
        5,
        "probability of accepting a lot: n, ac, p (fraction or percentage), "
        "model (binomial, poisson, hypergeometric), lot size",
        returns="number",
    ),
    "producer_risk": Function(
        _sampling(_risk("producer_risk")),
        2,
        3,
        "1 - Pa at the AQL (in percent) for a plan, or for n and ac: "
        "the chance a good lot is rejected",
        returns="number",
    ),
    "consumer_risk": Function(
        _sampling(_risk("consumer_risk")),
        2,
        3,
        "Pa at the limiting quality (in percent) for a plan, or for n and ac: "
        "the chance a bad lot is accepted",
        returns="number",
    ),
}
