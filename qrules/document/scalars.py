"""Scalars → tags and values, as PyYAML's resolver and safe constructor read them (the
common spellings without their Python-level dispatch), and how YAML 1.1 and 1.2 readers
differ on them. Both YAML readers (libyaml's nodes, and the fast path's lines) type every
scalar here."""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from qrules.document.model import excerpt
from qrules.limits import MAX_NUMBER_DIGITS

_CONSTRUCTOR = yaml.SafeLoader("")  # only its scalar constructors are used
_RESOLVER = yaml.resolver.Resolver()  # the implicit types every PyYAML loader resolves

TAG = "tag:yaml.org,2002:"
STR_TAG = f"{TAG}str"
# The tags a value may carry: plain values only (no `!!python/...`, `!!binary`, `!!set`).
SCALAR_TAGS = frozenset(
    f"{TAG}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_TEXT_TAGS = (STR_TAG, f"{TAG}timestamp")

# The first characters of implicit types: a plain scalar starting otherwise is text.
STARTS = frozenset(key for key in _RESOLVER.yaml_implicit_resolvers if key is not None)
assert None not in _RESOLVER.yaml_implicit_resolvers  # no resolver for every first character

_RESOLVED: dict[str, str] = {}
_MEMO_LENGTH = 24  # numbers, dates, booleans are short; long text is mostly unique
_MEMO_SIZE = 20_000


def plain_tag(text: str) -> str:
    """The tag PyYAML's resolver gives a plain scalar, without calling it for text that
    starts no implicit type; the rest, short, is memoised: such values repeat across
    thousands of agreements, and resolving runs regexes in Python."""
    if text[:1] not in STARTS:
        return STR_TAG
    tag = _RESOLVED.get(text)
    if tag is None:
        tag = str(_RESOLVER.resolve(yaml.ScalarNode, text, (True, False)))  # type: ignore[no-untyped-call]
        if len(text) <= _MEMO_LENGTH and len(_RESOLVED) < _MEMO_SIZE:
            _RESOLVED[text] = tag
    return tag


RETYPED, AMBIGUOUS = 1, 2  # flags of a plain scalar: not read as written; read apart by 1.2


def read_scalar(tag: str, text: str, plain: bool) -> tuple[Any, tuple[str, str] | None, int]:
    """A scalar's value (dates stay text), the problem that keeps it from having one, and
    for a plain scalar whether YAML re-typed it (``RETYPED``) and whether YAML 1.1 and 1.2
    readers read it apart (``AMBIGUOUS``)."""
    # Dates stay text until the schema says a field is a date: JSON has no dates, and the
    # schema sees the agreement as an editor would.
    if tag in _TEXT_TAGS:
        return text, None, 0
    value, problem = scalar_value(tag, text)
    if problem or not plain or not retyped(text, value):
        return value, problem, 0
    return value, None, RETYPED | (AMBIGUOUS if is_yaml11_only(text, value) else 0)


def _construct(tag: str, text: str) -> Any:
    kind = tag.rsplit(":", 1)[1]
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
    return getattr(_CONSTRUCTOR, f"construct_yaml_{kind}")(yaml.ScalarNode(tag, text))


_PLAIN_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")  # no sign `+`, `_`, octal, base 60
_PLAIN_FLOAT = re.compile(r"-?[0-9]{1,17}\.[0-9]{1,17}")  # no exponent, `_`, `.inf`, base 60
_BOOL_WORDS = dict(yaml.constructor.SafeConstructor.bool_values)


def scalar_value(tag: str, text: str) -> tuple[Any, tuple[str, str] | None]:
    """A typed scalar's value, or why it cannot become one: an explicit tag on text that is
    not of its type (``!!int abc``), a number too long for Python, or one not finite."""
    kind = tag.rsplit(":", 1)[1]
    if kind in ("int", "float") and len(text) > MAX_NUMBER_DIGITS:
        digits = f"{len(text):,} digits; the limit is {MAX_NUMBER_DIGITS:,}"
        return None, ("yaml-limits", f"a number of {digits}")
    try:
        value = _construct(tag, text)
    except (ValueError, TypeError, KeyError, IndexError, ArithmeticError):
        written = f"`{excerpt(text)}`" if text else "an empty value"
        return None, ("yaml-tag", f"{written} is not a valid {kind} (tagged !!{kind})")
    if isinstance(value, float) and not math.isfinite(value):
        return None, ("non-finite", f"`{excerpt(text)}` is not a finite number")
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
