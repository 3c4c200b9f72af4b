"""Plain scalars → values, as PyYAML's safe constructor reads them (the common spellings
without its Python-level dispatch), and how YAML 1.1 and 1.2 readers differ on them."""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from qrules.document.model import excerpt
from qrules.limits import MAX_NUMBER_DIGITS

_CONSTRUCTOR = yaml.SafeLoader("")  # only its scalar constructors are used


def _construct(node: yaml.ScalarNode) -> Any:
    kind = node.tag.rsplit(":", 1)[1]
    text = node.value
    # The common spellings, read as PyYAML's SafeConstructor reads them, without its
    # Python-level dispatch: decimal integers and fractions, the boolean words, null.
    if kind == "int" and _PLAIN_INT.fullmatch(text):
        return int(text)
    if kind == "float" and _PLAIN_FLOAT.fullmatch(text):
        return float(text)
    if kind == "bool" and text.lower() in _BOOL_WORDS:
        return _BOOL_WORDS[text.lower()]
    if kind == "null":
        return None
    return getattr(_CONSTRUCTOR, f"construct_yaml_{kind}")(node)


_PLAIN_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")  # no sign `+`, `_`, octal, base 60
_PLAIN_FLOAT = re.compile(r"-?[0-9]{1,17}\.[0-9]{1,17}")  # no exponent, `_`, `.inf`, base 60
_BOOL_WORDS = dict(yaml.constructor.SafeConstructor.bool_values)


def scalar_value(node: yaml.ScalarNode) -> tuple[Any, tuple[str, str] | None]:
    """A typed scalar's value, or why it cannot become one: an explicit tag on text that is
    not of its type (``!!int abc``), a number too long for Python, or one not finite."""
    kind = node.tag.rsplit(":", 1)[1]
    if kind in ("int", "float") and len(node.value) > MAX_NUMBER_DIGITS:
        digits = f"{len(node.value):,} digits; the limit is {MAX_NUMBER_DIGITS:,}"
        return None, ("yaml-limits", f"a number of {digits}")
    try:
        value = _construct(node)
    except (ValueError, TypeError, KeyError, IndexError, ArithmeticError):
        written = f"`{excerpt(node.value)}`" if node.value else "an empty value"
        return None, ("yaml-tag", f"{written} is not a valid {kind} (tagged !!{kind})")
    if isinstance(value, float) and not math.isfinite(value):
        return None, ("non-finite", f"`{excerpt(node.value)}` is not a finite number")
    return value, None


# YAML 1.2's core schema, for plain scalars that YAML 1.1 (PyYAML) reads otherwise.
_YAML12_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")


_YAML12_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


_YAML12_BOOL = {word: True for word in ("true", "True", "TRUE")} | {
    word: False for word in ("false", "False", "FALSE")
}


def yaml12_reading(text: str) -> Any:
    """What a YAML 1.2 reader makes of a plain scalar (strings for anything else)."""
    if text in _YAML12_BOOL:
        return _YAML12_BOOL[text]
    if _YAML12_INT.fullmatch(text):
        return int(text, 8 if text.startswith("0o") else 16 if text.startswith("0x") else 10)
    if _YAML12_FLOAT.fullmatch(text):
        return float(text)
    return text


def retyped(text: str, value: Any) -> bool:
    """A plain scalar that does not read back as written (``NO``, ``1.10``, ``0777``)."""
    if isinstance(value, bool):
        return text.lower() not in ("true", "false")
    return isinstance(value, (int, float)) and str(value) != text.lstrip("+")


def is_yaml11_only(text: str, value: Any) -> bool:
    """Plain scalars YAML 1.1 and 1.2 readers disagree on (``NO``, ``0777``, ``1:30``); the
    same number written with more digits (``0.10``, ``1.50``) means the same to both."""
    other = yaml12_reading(text)
    return type(other) is not type(value) or other != value
