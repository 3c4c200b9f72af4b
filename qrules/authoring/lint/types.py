"""What lint knows of a value's type: literals, the functions' results (from the one
function table), and agreement fields read from a JSON Schema."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from qrules.model.values import Duration, Percent
from qrules.schema import Schema, value_kind


@dataclass(frozen=True)
class Type:
    """What the linter knows of a value: its kind, and for records and lists, more."""

    kind: str  # number string boolean date duration percentage list record null any
    item: Type | None = None
    schema: dict[str, Any] | None = field(default=None, compare=False, hash=False)
    enum: tuple[Any, ...] | None = None

    def __str__(self) -> str:
        return {"list": "list", "record": "record"}.get(self.kind, self.kind)


ANY, NUMBER, STRING, BOOLEAN = Type("any"), Type("number"), Type("string"), Type("boolean")


DATE, DURATION, PERCENT = Type("date"), Type("duration"), Type("percentage")


PLAN = Type(
    "record",
    schema={
        "properties": {
            "letter": {"type": "string"},
            "n": {"type": "integer"},
            "ac": {"type": "integer"},
            "re": {"type": "integer"},
            "inspect_all": {"type": "boolean"},
        },
        "additionalProperties": False,
    },
)


KINDS = {t.kind: t for t in (NUMBER, STRING, BOOLEAN, DATE, DURATION, PERCENT, ANY)} | {
    "plan": PLAN
}


def function_result(name: str) -> Type:
    """A function's result type, from the one function table (stdlib) and the compiler's
    two special functions."""
    from qrules.stdlib.core import FUNCTIONS

    if name == "exists":
        return BOOLEAN
    if name == "today":
        return DATE
    function = FUNCTIONS.get(name)
    return KINDS.get(function.returns, ANY) if function else ANY


ORDERED_KINDS = {"number", "string", "date", "duration", "percentage"}


def literal_type(value: Any) -> Type:
    if value is None:
        return Type("null")
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, (int, float)):
        return NUMBER
    if isinstance(value, str):
        return STRING
    if isinstance(value, Duration):
        return DURATION
    if isinstance(value, Percent):
        return PERCENT
    return DATE


X_TYPES = {"duration": DURATION, "percent": PERCENT, "date": DATE}


class SchemaTypes:
    """Types of agreement fields, read from a JSON Schema (``$ref``s, ``allOf``)."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.root = schema.view(schema.root)

    def type_of(self, node: dict[str, Any]) -> Type:
        node = self.schema.view(node)
        typed = value_kind(node)
        if typed in X_TYPES:
            return X_TYPES[typed]
        kinds = node.get("type")
        kind = next((k for k in kinds if k != "null"), None) if isinstance(kinds, list) else kinds
        if kind == "string":
            return Type("string", enum=tuple(node["enum"]) if "enum" in node else None)
        if kind in ("integer", "number"):
            return NUMBER
        if kind == "boolean":
            return BOOLEAN
        if kind == "array":
            items = node.get("items")
            return Type("list", item=self.type_of(items) if isinstance(items, dict) else ANY)
        if kind == "object" or "properties" in node:
            return Type("record", schema=node)
        return self._union(node)

    def _union(self, node: dict[str, Any]) -> Type:
        branches = node.get("oneOf") or node.get("anyOf")
        if not branches:
            return ANY
        kinds = {self.type_of(b).kind for b in branches}
        return self.type_of(branches[0]) if len(kinds) == 1 else ANY

    def field(self, record: Type, name: str) -> Type | None:
        """The field's type; None when the schema forbids the field."""
        node = record.schema or {}
        properties = node.get("properties", {})
        if name in properties:
            return self.type_of(properties[name])
        if any(re.search(p, name) for p in node.get("patternProperties", {})):
            return ANY
        return None if node.get("additionalProperties") is False else ANY

    def names(self, record: Type) -> list[str]:
        return sorted((record.schema or {}).get("properties", {}))


ARITHMETIC: dict[tuple[str, str, str], Type] = {
    **{("number", op, "number"): NUMBER for op in "+-*/"},
    ("duration", "+", "duration"): DURATION,
    ("duration", "-", "duration"): DURATION,
    ("duration", "*", "number"): DURATION,
    ("number", "*", "duration"): DURATION,
    ("duration", "/", "number"): DURATION,
    ("duration", "/", "duration"): NUMBER,
    ("percentage", "+", "percentage"): PERCENT,
    ("percentage", "-", "percentage"): PERCENT,
    ("percentage", "*", "number"): PERCENT,
    ("number", "*", "percentage"): PERCENT,
    ("date", "+", "duration"): DATE,
    ("date", "-", "duration"): DATE,
    ("date", "-", "date"): DURATION,
}
