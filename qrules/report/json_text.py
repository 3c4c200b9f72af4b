"""JSON text as ``json.dumps(value, indent=2, ensure_ascii=False)`` writes it, about three
times as fast: Python's C encoder is used only without ``indent``, and the pure-Python one
it falls back to costs more per agreement of a batch than checking the agreement's rules.
Strings still go through the C string encoder, so escapes are exactly ``json``'s.
"""

from __future__ import annotations

import json.encoder
import re
from collections.abc import Callable
from typing import Any

_basestring: Any = json.encoder.encode_basestring  # the C version where there is one
_ascii: Any = json.encoder.encode_basestring_ascii
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_float = float.__repr__
_INDENT = "  "


def dumps(value: Any, level: int = 0) -> str:
    """``value`` as indented JSON text; ``level``: the indentation it starts at (an entry
    written into a surrounding list)."""
    text = _text(value, level, _basestring)
    if _LONE_SURROGATE.search(text) is None:
        return text
    # A lone surrogate (text read from a JSON `\ud800` escape) has no UTF-8 form: such a
    # string is written with escapes, as ``json.dumps(ensure_ascii=True)`` writes it.
    return _text(value, level, _escaped)


def _escaped(value: str) -> str:
    return str((_basestring if _LONE_SURROGATE.search(value) is None else _ascii)(value))


Strings = Callable[[str], str]


def _text(value: Any, level: int, string: Strings) -> str:
    parts: list[str] = []
    _encode(value, "\n" + _INDENT * level, parts, string)
    return "".join(parts)


def _encode(value: Any, newline: str, parts: list[str], string: Strings) -> None:
    if isinstance(value, str):
        parts.append(string(value))
    elif isinstance(value, dict):
        _object(value, newline, parts, string)
    elif isinstance(value, (list, tuple)):
        _array(value, newline, parts, string)
    else:
        parts.append(_scalar(value))


def _object(value: dict[Any, Any], newline: str, parts: list[str], string: Strings) -> None:
    if not value:
        parts.append("{}")
        return
    inner = newline + _INDENT
    separator = "{" + inner
    for key, item in value.items():
        name = string(key if isinstance(key, str) else _scalar(key, "keys"))
        if type(item) is str:  # most values: one part, no call deeper
            parts.append(f"{separator}{name}: {string(item)}")
        else:
            parts.append(f"{separator}{name}: ")
            _encode(item, inner, parts, string)
        separator = "," + inner
    parts.append(newline + "}")


def _array(
    value: list[Any] | tuple[Any, ...], newline: str, parts: list[str], string: Strings
) -> None:
    if not value:
        parts.append("[]")
        return
    inner = newline + _INDENT
    separator = "[" + inner
    for item in value:
        parts.append(separator)
        _encode(item, inner, parts, string)
        separator = "," + inner
    parts.append(newline + "]")


def _scalar(value: Any, where: str = "values") -> str:
    """A number, boolean or null (as a key too, where ``json`` writes it as a string)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value) if value - value == 0 else _NON_FINITE[str(value)]
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable ({where})")


_NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}
