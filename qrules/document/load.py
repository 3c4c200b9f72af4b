"""One agreement file, read → composed → built → validated; never raises for a bad one:
whatever is wrong is a finding of that document, so a batch goes on past it. YAML in the
common subset is read by ``fast_yaml`` to the same values and marks; the rest, and every
text with a problem, by ``strict_yaml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qrules.document.fast_yaml import fast_load
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
    loaded = None if document.path.endswith(".json") else fast_load(text)
    if loaded is not None:
        document.data = loaded.data
        document.locations.update(loaded.locations)
        document.written_as.update(loaded.written_as)
        document.ambiguous.update(loaded.ambiguous)
    elif not _strict_load(text, document):
        return document
    validate(document, choose_schema(document, schema))
    return document


def _strict_load(text: str, document: Document) -> bool:
    """Compose with libyaml (or read JSON) and build; False where the document has no
    mapping of fields, with the reason recorded."""
    root = compose(text, document)
    if root is None:
        return False
    builder = Builder(document)
    document.locations[()] = (root.start_mark.line + 1, root.start_mark.column + 1)
    data = builder.build(root, (), 0)
    if builder.aborted:
        return False
    if not isinstance(data, dict):
        document.problem(
            "yaml-syntax", f"{document.a_kind} is a mapping of fields, not a {_kind(data)}"
        )
        return False
    document.data = data
    return True


def _kind(value: Any) -> str:
    return {list: "list", str: "string", type(None): "empty document"}.get(type(value), "value")
