"""ISO 2859-1 single sampling plans from the tables in ``iso2859_1.json`` (MIL-STD-105E
values, which ISO 2859-1 and ANSI/ASQ Z1.4 carry over; see ``ISO2859_ORIGIN.md``): lot size
and inspection level give a code letter, the code letter and AQL give n, Ac and Re.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
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
    mode_name = choose(mode, MODES, "inspection mode")
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
    sizes = tables()["sample_sizes"][choose(mode, MODES, "inspection mode")]
    if letter not in sizes:
        raise UsageError(f"unknown code letter {letter!r}", hint="code letters run A … R")
    return int(sizes[letter])


def table_cell(letter: str, aql: float | str, mode: str = "normal") -> TableCell:
    """Table 2-A/2-B (reduced: MIL-STD-105E II-C) at a code letter and AQL, arrows followed."""
    rows = tables()["plans"][choose(mode, MODES, "inspection mode")]
    if letter not in rows:
        raise UsageError(f"unknown code letter {letter!r}", hint="code letters run A … R")
    target, n, ac, re_ = rows[letter][aql_key(aql)]
    return TableCell(target, n, ac, re_)


def is_edge_cell(letter: str, aql: float | str, mode: str = "normal") -> bool:
    """True where the printed arrow points off the table, so the plan is a convention."""
    edges = tables()["edge_cells"].get(choose(mode, MODES, "inspection mode"), [])
    return [letter, aql_key(aql)] in edges


def oc_model(aql: float | str) -> str:
    """The OC model that fits an AQL: Poisson for nonconformities per 100 units (AQL > 10)."""
    return "poisson" if _aql_value(aql) > LARGEST_PERCENT_AQL else "binomial"


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


def choose(value: object, options: tuple[str, ...], what: str) -> str:
    text = str(value).strip().lower()
    if text not in options:
        raise UsageError(f"unknown {what} {value!r}", hint="use one of: " + ", ".join(options))
    return text


def _show(value: object) -> str:
    return value if isinstance(value, str) else repr(value)
