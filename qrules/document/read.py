"""Files → text (``fileio.read_source_hashed``: regular files only, bounded by the size limit,
UTF-8 with or without a BOM), each problem a finding at its place. Markdown agreements keep
their YAML front matter, padded so that lines stay the file's lines.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from qrules.document.model import Document
from qrules.fileio import Unreadable, decode_source, read_source_hashed
from qrules.limits import MAX_AGREEMENT_BYTES


def read_text(path: Path, document: Document, raw: bytes | None = None) -> str | None:
    """The file's text (from ``raw``, its bytes, when the caller has read them already), or
    None with the reason recorded as a finding of the document."""
    try:
        if raw is None:
            text, document.sha256 = read_source_hashed(path, MAX_AGREEMENT_BYTES, "file")
            return text
        if len(raw) > MAX_AGREEMENT_BYTES:
            limit = f"{MAX_AGREEMENT_BYTES:,}"
            raise Unreadable(
                f"the file is over {limit} bytes; the limit is {limit}", (1, 1), limit=True
            )
        text = decode_source(raw, "file")
        document.sha256 = hashlib.sha256(raw).hexdigest()
    except Unreadable as error:
        rule = "yaml-limits" if error.limit else "document-unreadable"
        document.problem(rule, error.message, at=error.at, hint=error.hint)
        return None
    return text


def front_matter(text: str, document: Document) -> str | None:
    """The YAML between the leading ``---`` lines of a Markdown agreement."""
    split = split_front_matter(text)
    if split is None:
        document.problem(
            "yaml-syntax",
            "a Markdown agreement starts with YAML front matter between `---` lines",
            hint="put the agreement's fields between two `---` lines at the top",
        )
        return None
    yaml_text, closed = split
    if not closed:
        document.problem("yaml-syntax", "the front matter's closing `---` line is missing")
        return None
    return yaml_text


def split_front_matter(text: str) -> tuple[str, bool] | None:
    """The YAML of Markdown front matter and whether its closing line is there; None when
    the text does not start with ``---``. The YAML keeps a blank first line, so that its
    marks are the Markdown file's lines."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for end, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return "\n" + "".join(lines[1:end]), True
    return "\n" + "".join(lines[1:]), False
