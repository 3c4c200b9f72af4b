"""Files → text: regular files only, bounded by the size limit, UTF-8 (a BOM is fine);
UTF-16/32, binary and undecodable bytes are problems at their place. Markdown agreements
keep their YAML front matter, padded so that lines stay the file's lines.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

from qrules.document.model import Document
from qrules.fileio import byte_position
from qrules.limits import MAX_AGREEMENT_BYTES


def read_text(path: Path, document: Document) -> str | None:
    raw = _read_bytes(path, document)
    if raw is None:
        return None
    encoding = _wide_encoding(raw)
    if encoding:
        document.problem(
            "document-unreadable",
            f"the file is {encoding}, not UTF-8",
            hint="save the file as UTF-8 (most editors: File > Save with Encoding)",
        )
        return None
    if b"\x00" in raw:
        document.problem(
            "document-unreadable",
            "the file is binary (it contains NUL bytes), not a text agreement",
            at=(byte_position(raw, raw.index(b"\x00"))[0], 1),
        )
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        document.problem(
            "document-unreadable",
            f"the file is not UTF-8: byte 0x{raw[error.start]:02x} cannot be decoded",
            at=byte_position(raw, error.start),
            hint="save the file as UTF-8",
        )
        return None


def _read_bytes(path: Path, document: Document) -> bytes | None:
    """A regular file's bytes, bounded by the size limit: a FIFO would block forever and
    ``/dev/zero`` never ends, so the kind is checked on the open descriptor (no race)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        document.problem("document-unreadable", f"cannot read the file: {error.strerror or error}")
        return None
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        mode = status.st_mode
        if not stat.S_ISREG(mode):
            document.problem(
                "document-unreadable",
                f"not a regular file ({_file_kind(mode)}); qrules reads agreements from files",
            )
            return None
        try:
            raw = handle.read(MAX_AGREEMENT_BYTES + 1)
        except OSError as error:
            document.problem("document-unreadable", f"cannot read the file: {error.strerror}")
            return None
    if len(raw) > MAX_AGREEMENT_BYTES:
        size = max(status.st_size, len(raw))
        document.problem(
            "yaml-limits",
            f"the file is {size:,} bytes; agreements are limited to {MAX_AGREEMENT_BYTES:,}",
        )
        return None
    return raw


def _file_kind(mode: int) -> str:
    kinds = [
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "not a file")


def _wide_encoding(raw: bytes) -> str | None:
    """UTF-16 or UTF-32, by byte-order mark or by the NUL bytes of ASCII text in them."""
    boms = [
        (codecs.BOM_UTF32_LE, "UTF-32"),
        (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16"),
        (codecs.BOM_UTF16_BE, "UTF-16"),
    ]
    for bom, name in boms:
        if raw.startswith(bom):
            return name
    head = raw[:64]
    if len(head) >= 8 and head.count(0) >= 0.7 * len(head):
        return "UTF-32"
    halves = (head[0::2], head[1::2])
    if len(head) >= 4 and any(half.count(0) >= 0.9 * len(half) for half in halves):
        return "UTF-16"
    return None


def front_matter(text: str, document: Document) -> str | None:
    """The YAML between the leading ``---`` lines of a Markdown agreement."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        document.problem(
            "yaml-syntax",
            "a Markdown agreement starts with YAML front matter between `---` lines",
            hint="put the agreement's fields between two `---` lines at the top",
        )
        return None
    for end, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            # Keep the first line blank so YAML marks match the Markdown file's lines.
            return "\n" + "".join(lines[1:end])
    document.problem("yaml-syntax", "the front matter's closing `---` line is missing")
    return None
