"""An organisation's schema, made whole: every ``$ref`` to another schema — the built-in
agreement schema by its ``$id``, or a file by its path relative to the referring schema —
is copied into the schema's own ``$defs``, so validators, the field typer and lint all see
one self-contained schema and nothing is ever fetched from the network.

A schema ``{"allOf": [{"$ref": "https://qrules.dev/schema/agreement/v1.json"}],
"properties": {...}}`` thus extends the built-in one without copying it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qrules.limits import MAX_SCHEMA_FILES

BUILTIN_ID = "https://qrules.dev/schema/agreement/v1.json"


class SchemaProblem(ValueError):
    """A schema that cannot be made whole: a referenced file missing or not JSON."""


def bundle(root: dict[str, Any], folder: Path, builtin: Path) -> dict[str, Any]:
    """``root`` with every external ``$ref`` replaced by a local one into ``$defs``."""
    bundler = _Bundler(folder, builtin)
    key = "$defs" if "$defs" in root or "definitions" not in root else "definitions"
    result = bundler.rewrite(root, folder, "")
    if bundler.defs:
        result[key] = {**result.get(key, {}), **bundler.defs}
    return result  # type: ignore[no-any-return]


class _Bundler:
    def __init__(self, folder: Path, builtin: Path) -> None:
        self.builtin = builtin
        self.defs: dict[str, Any] = {}
        self.names: dict[str, str] = {}  # resolved document → its name in $defs

    def rewrite(self, node: Any, folder: Path, prefix: str) -> Any:
        """A copy of ``node`` with its references made local; ``prefix`` names the
        document ``node`` belongs to inside the bundle ("" for the root schema)."""
        if isinstance(node, list):
            return [self.rewrite(item, folder, prefix) for item in node]
        if not isinstance(node, dict):
            return node
        copy = {key: self.rewrite(value, folder, prefix) for key, value in node.items()}
        ref = node.get("$ref")
        if isinstance(ref, str):
            copy["$ref"] = self.reference(ref, folder, prefix)
        return copy

    def reference(self, ref: str, folder: Path, prefix: str) -> str:
        target, _, pointer = ref.partition("#")
        name = self.document(target, folder) if target else prefix
        if not name:
            return ref  # a local reference of the root schema stays as written
        for defs in ("/$defs/", "/definitions/"):
            if pointer.startswith(defs):
                return f"#/$defs/{name}.{pointer.removeprefix(defs)}"
        return f"#/$defs/{name}{pointer.rstrip('/')}"

    def document(self, target: str, folder: Path) -> str:
        """The name in ``$defs`` of the schema ``target`` points to (bundled once)."""
        path = self.builtin if target == BUILTIN_ID else (folder / target).resolve()
        key = str(path)
        if key in self.names:
            return self.names[key]
        if len(self.names) >= MAX_SCHEMA_FILES:
            raise SchemaProblem(f"more than {MAX_SCHEMA_FILES} schema files are referenced")
        name = "qrules-agreement" if path == self.builtin else f"schema-{len(self.names) + 1}"
        self.names[key] = name
        document = _read(path, target)
        own_defs = document.pop("$defs", None) or document.pop("definitions", None) or {}
        for drop in ("$schema", "$id"):
            document.pop(drop, None)
        self.defs[name] = self.rewrite(document, path.parent, name)
        for definition, body in own_defs.items():
            self.defs[f"{name}.{definition}"] = self.rewrite(body, path.parent, name)
        return name


def _read(path: Path, target: str) -> dict[str, Any]:
    if target.startswith(("http://", "https://")) and target != BUILTIN_ID:
        raise SchemaProblem(
            f"cannot use $ref {target!r}: qrules reads schemas from files only "
            f"(the built-in one is {BUILTIN_ID})"
        )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SchemaProblem(f"cannot read the schema {target!r}: {error.strerror}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise SchemaProblem(f"the schema {target!r} is not JSON: {error}") from None
    if not isinstance(document, dict):
        raise SchemaProblem(f"the schema {target!r} is not a JSON object")
    return document
