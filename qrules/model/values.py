"""Value types beyond JSON's: durations and percentages, and how values are shown in messages.

A duration keeps the amount and unit it was written with (so messages say "90 days", not
"7776000 seconds") and compares by its length in days, the way contracts count: a year is
365 days and a month a twelfth of it, so 12 months == 1 year == 365 days and 6 months is
182.5 days. Added to a date, months and years are calendar arithmetic (a month after 31
January is the last day of February).

Business days (Monday to Friday) are no fixed number of calendar days: 5 business days are 5
to 7 calendar days, depending on the weekday they start. Compared with calendar durations
they are decided only where the answer is the same whatever that day (5 business days <= 7
days); otherwise :class:`Ambiguous` names the ambiguity, never a guess.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import total_ordering
from typing import Any

BUSINESS_DAYS = "business days"
DAYS_PER_UNIT = {
    "minutes": 1 / 1440,
    "hours": 1 / 24,
    "days": 1.0,
    "weeks": 7.0,
    "months": 365 / 12,
    "years": 365.0,
}
UNITS = (*DAYS_PER_UNIT, BUSINESS_DAYS)
_UNIT_ALIASES = {unit.rstrip("s"): unit for unit in UNITS} | {unit: unit for unit in UNITS}
DURATION_TEXT = re.compile(
    r"^\s*([0-9]+(?:\.[0-9]+)?)\s*"
    r"(minutes?|hours?|days?|weeks?|months?|years?|business\s+days?)\s*$"
)
PERCENT_TEXT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*$")
_TOLERANCE = 1e-9
_SHOWN_BITS = 1_000  # about 300 digits


def _number_text(number: float) -> str:
    if float(number).is_integer():
        return str(int(number))
    return f"{number:g}"


@dataclass(frozen=True, eq=False)
class Duration:
    amount: float
    unit: str  # one of UNITS, plural

    @classmethod
    def of(cls, amount: float, unit: str) -> Duration:
        return cls(amount, _UNIT_ALIASES[" ".join(unit.lower().split())])

    @classmethod
    def parse(cls, text: str) -> Duration | None:
        match = DURATION_TEXT.match(text)
        amount = float(match.group(1)) if match else math.inf
        # A 400-digit amount reads as infinity: not a duration anyone can agree to.
        return cls.of(amount, match.group(2)) if match and math.isfinite(amount) else None

    @property
    def business(self) -> bool:
        return self.unit == BUSINESS_DAYS

    @property
    def days(self) -> float:
        """The length in calendar days (Ambiguous for business days: it depends)."""
        if self.business:
            low, high = business_span(self.amount)
            if low != high:
                raise Ambiguous(
                    f"{self} is {_number_text(low)} to {_number_text(high)} "
                    "calendar days, depending on the weekday it starts"
                )
            return low
        return self.amount * DAYS_PER_UNIT[self.unit]

    def bounds(self) -> tuple[float, float]:
        """The fewest and most calendar days it can be."""
        if self.business:
            return business_span(self.amount)
        days = self.amount * DAYS_PER_UNIT[self.unit]
        return days, days

    def holds(self, op: str, other: Duration) -> bool:
        """``self OP other`` for a comparison operator; Ambiguous where the calendar decides
        (business days against calendar days whose spans overlap)."""
        if not (self.business or other.business):  # the common case, once per comparison
            mine = self.amount * DAYS_PER_UNIT[self.unit]
            return bool(_COMPARE[op](_order(mine, other.amount * DAYS_PER_UNIT[other.unit])))
        if self.business and other.business:
            return bool(_COMPARE[op](_order(self.amount, other.amount)))
        spans = (*self.bounds(), *other.bounds())
        if _always(op, *spans):
            return True
        if _always(_NEGATION[op], *spans):
            return False
        business = self if self.business else other
        low, high = business.bounds()
        raise Ambiguous(
            f"whether {self} {op} {other} depends on the calendar: {business} is "
            f"{_number_text(low)} to {_number_text(high)} calendar days, depending on the "
            "weekday it starts"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Duration):
            return NotImplemented
        try:
            return self.holds("==", other)
        except Ambiguous:
            return False  # not known to be equal; the language's == asks `holds` and says so

    def __lt__(self, other: object) -> bool:
        return self.holds("<", other) if isinstance(other, Duration) else NotImplemented

    def __le__(self, other: object) -> bool:
        return self.holds("<=", other) if isinstance(other, Duration) else NotImplemented

    def __gt__(self, other: object) -> bool:
        return self.holds(">", other) if isinstance(other, Duration) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return self.holds(">=", other) if isinstance(other, Duration) else NotImplemented

    def __hash__(self) -> int:
        return hash((self.amount, self.unit)) if self.business else hash(round(self.days, 6))

    def __add__(self, other: object) -> Duration:
        if not isinstance(other, Duration):
            return NotImplemented
        if other.unit == self.unit:
            return Duration(self.amount + other.amount, self.unit)
        if self.business or other.business:
            raise Ambiguous(f"{self} + {other} depends on the calendar: add each to a date")
        return Duration(self.days + other.days, "days")

    def __sub__(self, other: object) -> Duration:
        if not isinstance(other, Duration):
            return NotImplemented
        return self + Duration(-other.amount, other.unit)

    def __mul__(self, factor: object) -> Duration:
        if isinstance(factor, bool) or not isinstance(factor, (int, float)):
            return NotImplemented
        return Duration(self.amount * factor, self.unit)

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> Duration | float:
        if isinstance(other, Duration):
            if self.business and other.business:
                return self.amount / other.amount
            return self.days / other.days
        if isinstance(other, bool) or not isinstance(other, (int, float)):
            return NotImplemented
        return Duration(self.amount / other, self.unit)

    def __neg__(self) -> Duration:
        return Duration(-self.amount, self.unit)

    def __str__(self) -> str:
        unit = self.unit[:-1] if self.amount == 1 else self.unit
        return f"{_number_text(self.amount)} {unit}"

    def add_to(self, date: dt.date) -> dt.date:
        """Calendar arithmetic: 1 month after 31 January is the last day of February.

        Raises ValueError when the result is not a date of the years 1 to 9999.
        """
        try:
            if self.business:
                return add_business_days(date, self.amount)
            if self.unit in ("months", "years") and float(self.amount).is_integer():
                months = int(self.amount) * (12 if self.unit == "years" else 1)
                return _add_months(date, months)
            return date + dt.timedelta(days=self.days)
        except (ValueError, OverflowError):  # Python's own messages name its internals
            raise ValueError("the date would fall outside the years 1 to 9999") from None


class Ambiguous(ArithmeticError):
    """The answer depends on the calendar (which weekday a span of business days starts)."""


_COMPARE = {
    "==": lambda order: order == 0,
    "!=": lambda order: order != 0,
    "<": lambda order: order < 0,
    "<=": lambda order: order <= 0,
    ">": lambda order: order > 0,
    ">=": lambda order: order >= 0,
}


_NEGATION = {"<": ">=", ">=": "<", "<=": ">", ">": "<=", "==": "!=", "!=": "=="}


def _always(op: str, low: float, high: float, other_low: float, other_high: float) -> bool:
    """Whether ``x OP y`` holds for every x in [low, high] and y in [other_low, other_high]."""
    if op == "==":
        return _order(low, high) == _order(high, other_low) == _order(other_low, other_high) == 0
    if op == "!=":
        return _order(high, other_low) < 0 or _order(low, other_high) > 0
    if op in ("<", "<="):
        return bool(_COMPARE[op](_order(high, other_low)))
    return bool(_COMPARE[op](_order(low, other_high)))


def _order(one: float, other: float) -> int:
    if math.isclose(one, other, rel_tol=_TOLERANCE, abs_tol=_TOLERANCE):
        return 0
    return -1 if one < other else 1


def business_span(amount: float) -> tuple[float, float]:
    """The fewest and most calendar days that ``amount`` business days (Monday to Friday)
    span, over the seven weekdays they may start after."""
    if amount < 0 or not float(amount).is_integer():
        raise Ambiguous(f"{_number_text(amount)} business days is not a whole number of days")
    count = int(amount)
    walked = count if count < 5 else 5 + count % 5  # each further 5 add exactly a week
    weeks = (count - walked) // 5
    spans = [_walk(start, walked) + 7 * weeks for start in range(7)]
    return float(min(spans)), float(max(spans))


def _walk(weekday: int, count: int) -> int:
    days = 0
    while count:
        days += 1
        weekday = (weekday + 1) % 7
        count -= weekday < 5
    return days


def add_business_days(date: dt.date, amount: float) -> dt.date:
    """The date ``amount`` business days (Monday to Friday) after ``date``."""
    if amount < 0 or not float(amount).is_integer():
        raise ValueError("business days are counted in whole days")
    count = int(amount)
    walked = count if count < 5 else 5 + count % 5
    start = date + dt.timedelta(days=_walk(date.weekday(), walked))
    return start + dt.timedelta(weeks=(count - walked) // 5)


def _add_months(date: dt.date, months: int) -> dt.date:
    year, month = divmod(date.month - 1 + months, 12)
    year += date.year
    day = min(date.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day)


@total_ordering
@dataclass(frozen=True)
class Percent:
    value: float  # 95% is Percent(95.0)

    @classmethod
    def parse(cls, text: str) -> Percent | None:
        match = PERCENT_TEXT.match(text)
        value = float(match.group(1)) if match else math.inf
        return cls(value) if math.isfinite(value) else None

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Percent):
            return NotImplemented
        return self.value < other.value

    def __add__(self, other: object) -> Percent:
        if not isinstance(other, Percent):
            return NotImplemented
        return Percent(self.value + other.value)

    def __sub__(self, other: object) -> Percent:
        if not isinstance(other, Percent):
            return NotImplemented
        return Percent(self.value - other.value)

    def __mul__(self, factor: object) -> Percent:
        if isinstance(factor, bool) or not isinstance(factor, (int, float)):
            return NotImplemented
        return Percent(self.value * factor)

    __rmul__ = __mul__

    def __neg__(self) -> Percent:
        return Percent(-self.value)

    def __str__(self) -> str:
        return f"{_number_text(self.value)}%"


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str) -> dt.date | None:
    """A calendar date written YYYY-MM-DD, or None (``date.fromisoformat`` alone also reads
    week dates and compact forms, on some Pythons only)."""
    if not ISO_DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def read_untyped(text: str) -> Any:
    """What text means where nothing else gives its type: a duration, percentage or date
    when it reads exactly as one, else the text itself.

    Agreement values without a schema and quoted literals in rules are both read this way,
    so that ``"72 hours"`` in a rule and in an agreement compare like with like.
    """
    return Duration.parse(text) or Percent.parse(text) or parse_date(text) or text


def type_name(value: Any) -> str:
    """The language's name for a value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, Duration):
        return "duration"
    if isinstance(value, Percent):
        return "percentage"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, dict):
        return "record"
    return type(value).__name__


def show(value: Any) -> str:
    """How a value reads in a message: ``30 days``, ``true``, ``0.65``, ``[a, b]``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and value.bit_length() > _SHOWN_BITS:
        # str() refuses ints beyond 4,300 digits, and nobody reads that many anyway.
        return f"(a number of {int(value.bit_length() * math.log10(2)) + 1} digits)"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {show(item)}" for key, item in value.items()) + "}"
    return str(value)
