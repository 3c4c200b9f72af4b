"""The shipped JSON Schemas (agreements, ``.qrules.yaml``) and the one way qrules reads a
schema's structure: ``$ref`` resolution, ``allOf`` extension and which fields hold typed
values.

Validation itself is jsonschema's (``document.validate``); this module serves what
validation does not answer: which fields are durations, percentages or dates (document
typing and lint), and which top-level names a rule may start a path with (ruleset loading).
An organisation's schema may extend the built-in one (``bundle``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from qrules.resources import schema_path
from qrules.schema.bundle import BUILTIN_ID, SchemaProblem, bundle

__all__ = ["BUILTIN_ID", "Schema", "SchemaProblem", "load_schema", "value_kind"]

MAX_REF_HOPS = 10  # a $ref chain longer than this (or a cycle) resolves to "anything"
TYPED_KINDS = ("duration", "percent", "date")


@dataclass(frozen=True)
class Schema:
    root: dict[str, Any]
    defs: dict[str, Any] = field(default_factory=dict)

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """The node a ``$ref`` chain ends at (local references into ``$defs``)."""
        for _ in range(MAX_REF_HOPS):
            if "$ref" not in node:
                return node
            node = self.defs.get(str(node["$ref"]).rsplit("/", 1)[-1], {})
        return {}

    def view(self, node: dict[str, Any], depth: int = 0) -> dict[str, Any]:
        """The node with its ``$ref`` resolved and its ``allOf`` branches merged in: the
        fields every branch names, so an extension's own fields sit beside the base's."""
        node = self.resolve(node)
        branches = node.get("allOf")
        if not isinstance(branches, list) or depth > MAX_REF_HOPS:
            return node
        merged = {key: value for key, value in node.items() if key != "allOf"}
        for branch in branches:
            if isinstance(branch, dict):
                _merge(merged, self.view(branch, depth + 1))
        return merged

    @property
    def roots(self) -> frozenset[str]:
        return frozenset(self.view(self.root).get("properties", {}))

    @property
    def closed(self) -> bool:
        """Whether the schema names every top-level field an agreement may have."""
        return self.view(self.root).get("additionalProperties") is False


def _merge(into: dict[str, Any], part: dict[str, Any]) -> None:
    for key, value in part.items():
        if key in ("properties", "patternProperties") and isinstance(value, dict):
            known = dict(into.get(key, {}))
            for name, sub in value.items():
                known[name] = {"allOf": [known[name], sub]} if name in known else sub
            into[key] = known
        elif key == "additionalProperties" and value is False:
            into[key] = False  # a field any branch forbids is not allowed
        else:
            into.setdefault(key, value)


def value_kind(node: dict[str, Any]) -> str | None:
    """``duration``, ``percent`` or ``date`` for a field whose text means such a value:
    ``"x-qrules-type": "duration"`` or ``"format": "duration"`` (``percent``, ``date``)."""
    if "x-qrules-type" in node:
        return str(node["x-qrules-type"])
    kind = node.get("format")
    return kind if kind in TYPED_KINDS else None


@cache
def load_schema(path: str) -> Schema:
    """A schema file, read once per process and bundled with the schemas it references
    (OSError when it cannot be read, ValueError when it is not a usable schema)."""
    file = Path(path)
    root = json.loads(file.read_text(encoding="utf-8"))
    if not isinstance(root, dict):
        raise SchemaProblem(f"the schema {file.name} is not a JSON object")
    root = bundle(root, file.resolve().parent, schema_path())
    defs = root.get("$defs", root.get("definitions"))
    return Schema(root, defs if isinstance(defs, dict) else {})


def extension_skeleton(base: str = BUILTIN_ID) -> str:
    """A starting point for an organisation's own schema: the built-in one (``base``: its
    ``$id``, or the path of a copy) plus fields of its own, typed where they hold durations,
    percentages or dates. Printed by ``qrules schema --extend``, written by ``qrules init``."""
    own = {
        "x-complaints": {
            "type": "object",
            "description": "How the supplier answers the complaints we pass on.",
            "properties": {
                "response": {
                    "type": "string",
                    "format": "duration",
                    "description": 'First response to a complaint, e.g. "48 hours".',
                },
                "escalation_share": {
                    "type": "string",
                    "format": "percent",
                    "description": 'Share of complaints escalated to us, e.g. "5%".',
                },
            },
            "patternProperties": {"^x-": {}},
            "additionalProperties": False,
        },
        "x-reviewed": {
            "type": "string",
            "format": "date",
            "description": "When our quality department last reviewed the agreement.",
        },
    }
    skeleton = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.org/schema/our-agreements.json",
        "title": "Our agreements: qrules/v1 and our own fields",
        "description": (
            "Extends the qrules/v1 schema with our own fields. Own fields start with x- "
            '(the built-in schema allows no other new names). "format": "duration", '
            '"percent" or "date" makes qrules read the text as that value ("48 hours").'
        ),
        "allOf": [{"$ref": base}],
        "properties": own,
    }
    return json.dumps(skeleton, indent=2, ensure_ascii=False) + "\n"
