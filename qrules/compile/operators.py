"""The language's operators on values: one step down a path, comparisons of like with
like, membership, arithmetic on numbers, dates, durations and percentages. Every value an
operator cannot work with is an EvalError (a finding), never a Python exception."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from typing import Any

from qrules.compile.env import Located, MissingField
from qrules.model.paths import DocPath, dotted
from qrules.model.values import Ambiguous, Duration, Percent, show, type_name
from qrules.stdlib.core import EvalError


def step_into(value: Any, path: DocPath | None, key: Any) -> Located:
    """One step down a path: a record field or a list index."""
    if isinstance(value, dict):
        if not isinstance(key, str):
            raise EvalError(f"a record is indexed by field names, not {type_name(key)}")
        item = value.get(key)
        child = None if path is None else (*path, key)
        if item is None:
            if path is None:
                raise EvalError(f"the record has no field `{key}`")
            raise MissingField(child or (key,), path)
        return item, child
    if isinstance(value, list):
        if isinstance(key, bool) or not isinstance(key, int):
            raise EvalError(f"a list is indexed by whole numbers, not {type_name(key)}")
        if not -len(value) <= key < len(value):
            if path is None:
                raise EvalError(f"index {key} is outside a list of {len(value)}")
            raise MissingField((*path, key), path)
        index = key % len(value)
        return value[index], (None if path is None else (*path, index))
    where = dotted(path) if path else "the value"
    raise EvalError(f"{where} is a {type_name(value)} {show(value)}, it has no `{key}`")


def boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise EvalError(f"`{where}` needs true or false, got {type_name(value)} {show(value)}")
    return value


def negate(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, Duration, Percent)):
        raise EvalError(f"cannot negate {type_name(value)} {show(value)}")
    return -value


ORDERED = (int, float, str, dt.date, Duration, Percent)


def _comparable(left: Any, right: Any, op: str) -> None:
    kinds = type_name(left), type_name(right)
    if kinds[0] != kinds[1] and "null" not in kinds:
        raise EvalError(
            f"cannot compare {kinds[0]} {show(left)} with {kinds[1]} {show(right)} using {op}"
        )
    if op not in ("==", "!=") and (
        "null" in kinds or isinstance(left, bool) or not isinstance(left, ORDERED)
    ):
        raise EvalError(f"{op} needs numbers, strings, dates, durations or percentages")


def _comparison(op: str, compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def apply(left: Any, right: Any) -> bool:
        _comparable(left, right, op)
        if isinstance(left, Duration) and isinstance(right, Duration):
            try:
                return left.holds(op, right)
            except Ambiguous as error:  # business days against calendar days
                raise EvalError(str(error)) from None
        return compare(left, right)

    return apply


def _membership(left: Any, right: Any) -> bool:
    if isinstance(right, str) and isinstance(left, str):
        return left in right
    if not isinstance(right, list):
        raise EvalError(f"`in` needs a list on its right, got {type_name(right)} {show(right)}")
    return any(type_name(item) == type_name(left) and _same(item, left) for item in right)


def _same(item: Any, value: Any) -> bool:
    """Equal; for business days against calendar days, only where the weekday decides
    nothing (else the finding says so)."""
    if isinstance(item, Duration) and isinstance(value, Duration):
        try:
            return value.holds("==", item)
        except Ambiguous as error:
            raise EvalError(str(error)) from None
    return bool(item == value)


def _contains(left: Any, right: Any) -> bool:
    return _membership(right, left)


def _arithmetic(op: str, apply: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def compute(left: Any, right: Any) -> Any:
        if isinstance(left, bool) or isinstance(right, bool):
            raise EvalError(f"cannot use {op} on true/false")
        if op == "/" and right == 0:
            raise EvalError("division by zero")
        try:
            result = _calendar(op, left, right)
            if result is NotImplemented:
                result = apply(left, right)
        except TypeError:
            result = NotImplemented
        except (ValueError, ArithmeticError) as error:  # dates beyond year 9999, overflow
            message = f"{show(left)} {op} {show(right)} cannot be computed: {error}"
            raise EvalError(message) from None
        if result is NotImplemented:
            raise EvalError(
                f"cannot compute {type_name(left)} {show(left)} {op} "
                f"{type_name(right)} {show(right)}"
            )
        return result

    return compute


def _calendar(op: str, left: Any, right: Any) -> Any:
    """Date arithmetic, which Python's operators do not do the calendar's way."""
    if isinstance(left, dt.date) and isinstance(right, Duration) and op in "+-":
        return right.add_to(left) if op == "+" else (-right).add_to(left)
    if isinstance(left, dt.date) and isinstance(right, dt.date) and op == "-":
        return Duration((left - right).days, "days")
    return NotImplemented


BINARY_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "==": _comparison("==", operator.eq),
    "!=": _comparison("!=", operator.ne),
    "<": _comparison("<", operator.lt),
    "<=": _comparison("<=", operator.le),
    ">": _comparison(">", operator.gt),
    ">=": _comparison(">=", operator.ge),
    "in": _membership,
    "not in": lambda left, right: not _membership(left, right),
    "contains": _contains,
    "+": _arithmetic("+", operator.add),
    "-": _arithmetic("-", operator.sub),
    "*": _arithmetic("*", operator.mul),
    "/": _arithmetic("/", operator.truediv),
}
