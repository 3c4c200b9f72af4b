"""JSON text → the same node graph libyaml composes, with exact lines and columns.

JSON agreements go through the builder that YAML agreements go through, so duplicate keys,
limits and locations are judged alike. libyaml cannot stand in for a JSON parser: it refuses
escaped surrogate pairs (``"\\ud83d\\ude00"``, what ``json.dumps`` writes), keys over 1,024
characters and deep nesting, and ``json.loads`` keeps no positions and drops duplicate keys.
Strings are decoded by the standard library's scanner; the grammar is RFC 8259's, so
``NaN``, ``Infinity``, comments and trailing commas are syntax errors.
"""

from __future__ import annotations

import bisect
import json.decoder
import re
from collections.abc import Callable

import yaml

from qrules.limits import MAX_DEPTH

# The standard library's string scanner (C-accelerated); typeshed does not declare it.
_scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_TAG = "tag:yaml.org,2002:"
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_WORD = re.compile(r"[A-Za-z0-9_.+-]+")
_LITERALS = {"true": "bool", "false": "bool", "null": "null"}


class JsonError(Exception):
    """Text that is not JSON, or nests deeper than the limit; ``position`` is an index."""

    def __init__(self, message: str, position: int, *, limit: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.limit = limit


class _Marks:
    """Index → 0-based line and column, as libyaml's marks have them."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, position: int) -> yaml.Mark:
        line = bisect.bisect_right(self.starts, position) - 1
        return yaml.Mark("<json>", position, line, position - self.starts[line], None, 0)

    def line_column(self, position: int) -> tuple[int, int]:
        mark = self.at(position)
        return mark.line + 1, mark.column + 1


def compose_json(text: str) -> yaml.Node:
    """The document's root node; raises :class:`JsonError` at the first problem."""
    return _Parser(text).document()


def json_location(text: str, position: int) -> tuple[int, int]:
    return _Marks(text).line_column(position)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.marks = _Marks(text)
        self.position = 0

    def document(self) -> yaml.Node:
        self._skip()
        if self.position == len(self.text):
            raise JsonError("the agreement is empty", 0)
        root = self._value(0)
        self._skip()
        if self.position != len(self.text):
            raise JsonError("unexpected text after the JSON value", self.position)
        return root

    def _skip(self) -> None:
        match = _WHITESPACE.match(self.text, self.position)
        self.position = match.end() if match else self.position

    def _value(self, depth: int) -> yaml.Node:
        if depth > MAX_DEPTH:
            raise JsonError(f"nesting deeper than {MAX_DEPTH}", self.position, limit=True)
        char = self.text[self.position : self.position + 1]
        if char == "{":
            return self._object(depth)
        if char == "[":
            return self._array(depth)
        if char == '"':
            start = self.position
            return self._scalar("str", self._string(), start)
        return self._literal()

    def _object(self, depth: int) -> yaml.MappingNode:
        start, pairs = self.position, list[tuple[yaml.Node, yaml.Node]]()
        self.position += 1
        self._skip()
        if self._take("}"):
            return yaml.MappingNode(f"{_TAG}map", pairs, *self._span(start), True)
        while True:
            if self.text[self.position : self.position + 1] != '"':
                raise JsonError("expected a key in double quotes", self.position)
            key_start = self.position
            key = self._scalar("str", self._string(), key_start)
            self._skip()
            self._expect(":", "expected `:` after the key")
            self._skip()
            pairs.append((key, self._value(depth + 1)))
            self._skip()
            if self._take("}"):
                return yaml.MappingNode(f"{_TAG}map", pairs, *self._span(start), True)
            self._expect(",", "expected `,` or `}` after a value")
            self._skip()

    def _array(self, depth: int) -> yaml.SequenceNode:
        start, items = self.position, list[yaml.Node]()
        self.position += 1
        self._skip()
        if self._take("]"):
            return yaml.SequenceNode(f"{_TAG}seq", items, *self._span(start), True)
        while True:
            items.append(self._value(depth + 1))
            self._skip()
            if self._take("]"):
                return yaml.SequenceNode(f"{_TAG}seq", items, *self._span(start), True)
            self._expect(",", "expected `,` or `]` after a list item")
            self._skip()

    def _string(self) -> str:
        try:
            value, self.position = _scanstring(self.text, self.position + 1, True)
        except ValueError as error:
            # JSONDecodeError carries its message and index apart from the rendered text.
            message = getattr(error, "msg", str(error))
            raise JsonError(
                message.lower().removesuffix(" starting at"), getattr(error, "pos", self.position)
            ) from None
        return value

    def _literal(self) -> yaml.ScalarNode:
        start = self.position
        number = _NUMBER.match(self.text, start)
        if number and number.end() > start:
            self.position = number.end()
            kind = "float" if number.group(1) or number.group(2) else "int"
            return self._scalar(kind, number.group(), start)
        for word, kind in _LITERALS.items():
            if self.text.startswith(word, start):
                self.position += len(word)
                return self._scalar(kind, word, start)
        word_match = _WORD.match(self.text, start)
        found = word_match.group() if word_match else self.text[start : start + 1]
        if found.lstrip("+-") in ("NaN", "Infinity"):
            raise JsonError(f"`{found}` is not a JSON number; write a finite number", start)
        raise JsonError(f"expected a JSON value, found `{found or 'the end'}`", start)

    def _take(self, char: str) -> bool:
        if self.text.startswith(char, self.position):
            self.position += 1
            return True
        return False

    def _expect(self, char: str, message: str) -> None:
        if not self._take(char):
            raise JsonError(message, self.position)

    def _scalar(self, kind: str, value: str, start: int) -> yaml.ScalarNode:
        # Quoted style: JSON has one reading, so YAML-1.1-ambiguity checks never apply.
        return yaml.ScalarNode(f"{_TAG}{kind}", value, *self._span(start), '"')

    def _span(self, start: int) -> tuple[yaml.Mark, yaml.Mark]:
        return self.marks.at(start), self.marks.at(self.position)
