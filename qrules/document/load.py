"""One agreement file, read → composed → built → validated; never raises for a bad one:
whatever is wrong is a finding of that document, so a batch goes on past it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qrules.document.model import Document
from qrules.document.read import front_matter, read_text
from qrules.document.strict_yaml import Builder, compose
from qrules.document.validate import choose_schema, validate


def load_document(
    path: str | Path, schema: str | Path | None = "auto", raw: bytes | None = None
) -> Document:
    """Read an agreement. ``schema``: ``"auto"`` (the built-in one for ``qrules/v1``
    documents, none otherwise), ``None``/``"none"``, or a JSON Schema file. ``raw``: the
    file's bytes, where the caller read them (to hash them, or from a remote store)."""
    document = Document(str(path))
    text = read_text(Path(path), document, raw)
    if text is None:
        return document
    if str(path).endswith(".md"):
        text = front_matter(text, document)
        if text is None:
            return document
    return parse_document(text, document, schema)


def parse_document(text: str, document: Document, schema: str | Path | None = "auto") -> Document:
    root = compose(text, document)
    if root is None:
        return document
    builder = Builder(document)
    document.locations[()] = (root.start_mark.line + 1, root.start_mark.column + 1)
    data = builder.build(root, (), 0)
    if builder.aborted:
        return document
    if not isinstance(data, dict):
        document.problem(
            "yaml-syntax", f"{document.a_kind} is a mapping of fields, not a {_kind(data)}"
        )
        return document
    document.data = data
    validate(document, choose_schema(document, schema))
    return document


def _kind(value: Any) -> str:
    return {list: "list", str: "string", type(None): "empty document"}.get(type(value), "value")
