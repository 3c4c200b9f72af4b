"""Value types beyond JSON's: durations and percentages, and how values are shown in messages.

A duration keeps the amount and unit it was written with (so messages say "90 days", not
"7776000 seconds") and compares by its length in days. Months and years use the mean
Gregorian lengths, so that 12 months == 1 year and 36 months == 3 years.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import total_ordering
from typing import Any

DAYS_PER_UNIT = {
    "minutes": 1 / 1440,
    "hours": 1 / 24,
    "days": 1.0,
    "weeks": 7.0,
    "months": 365.2425 / 12,
    "years": 365.2425,
}
_UNIT_ALIASES = {unit.rstrip("s"): unit for unit in DAYS_PER_UNIT} | {
    unit: unit for unit in DAYS_PER_UNIT
}
DURATION_TEXT = re.compile(
    r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(minutes?|hours?|days?|weeks?|months?|years?)\s*$"
)
PERCENT_TEXT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*$")
_TOLERANCE = 1e-9
_SHOWN_BITS = 1_000  # about 300 digits


def _number_text(number: float) -> str:
    if float(number).is_integer():
        return str(int(number))
    return f"{number:g}"


@total_ordering
@dataclass(frozen=True, eq=False)
class Duration:
    amount: float
    unit: str  # one of DAYS_PER_UNIT, plural

    @classmethod
    def of(cls, amount: float, unit: str) -> Duration:
        return cls(amount, _UNIT_ALIASES[unit.lower()])

    @classmethod
    def parse(cls, text: str) -> Duration | None:
        match = DURATION_TEXT.match(text)
        amount = float(match.group(1)) if match else math.inf
        # A 400-digit amount reads as infinity: not a duration anyone can agree to.
        return cls.of(amount, match.group(2)) if match and math.isfinite(amount) else None

    @property
    def days(self) -> float:
        return self.amount * DAYS_PER_UNIT[self.unit]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Duration):
            return NotImplemented
        return math.isclose(self.days, other.days, rel_tol=_TOLERANCE, abs_tol=_TOLERANCE)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Duration):
            return NotImplemented
        return self.days < other.days and not self == other

    def __hash__(self) -> int:
        return hash(round(self.days, 6))

    def __add__(self, other: object) -> Duration:
        if not isinstance(other, Duration):
            return NotImplemented
        if other.unit == self.unit:
            return Duration(self.amount + other.amount, self.unit)
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
            if self.unit in ("months", "years") and float(self.amount).is_integer():
                months = int(self.amount) * (12 if self.unit == "years" else 1)
                return _add_months(date, months)
            return date + dt.timedelta(days=self.days)
        except (ValueError, OverflowError):  # Python's own messages name its internals
            raise ValueError("the date would fall outside the years 1 to 9999") from None


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
