"""The shipped JSON Schemas (agreements, ``.qrules.yaml``) and the one way qrules reads a
schema's structure: ``$ref`` resolution and which fields hold typed values.

Validation itself is jsonschema's (``document.validate``); this module serves what
validation does not answer: which fields are durations, percentages or dates (document
typing and lint), and which top-level names a rule may start a path with (ruleset loading).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

MAX_REF_HOPS = 10  # a $ref chain longer than this (or a cycle) resolves to "anything"


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

    @property
    def roots(self) -> frozenset[str]:
        return frozenset(self.root.get("properties", {}))


def value_kind(node: dict[str, Any]) -> str | None:
    """``duration``, ``percent`` or ``date`` for a field whose text means such a value."""
    if "x-qrules-type" in node:
        return str(node["x-qrules-type"])
    return "date" if node.get("format") == "date" else None


@cache
def load_schema(path: str) -> Schema:
    """A schema file, read once per process."""
    root = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(root, dict):
        return Schema({})
    defs = root.get("$defs", root.get("definitions"))
    return Schema(root, defs if isinstance(defs, dict) else {})
