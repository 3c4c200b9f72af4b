"""Files: written atomically (a reader sees the old file or the new one, never half of
one), checked for writability before long work, and positions in files that cannot be
decoded."""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from qrules.errors import UsageError

NEW_FILE_MODE = 0o644  # mkstemp makes 0o600; a report is for others to read too


class WriteError(UsageError):
    """A file qrules was asked to write cannot be written. The path is in the message, so
    the message reads ``error: cannot write PATH: reason`` (no ``<input>:`` location)."""

    def render(self) -> str:
        lines = [f"error: {self.message}"]
        if self.hint:
            lines.append(f"hint: {self.hint}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message


def cannot_write(path: str | Path, reason: str, hint: str | None = None) -> WriteError:
    return WriteError(f"cannot write {path}: {reason}", hint=hint)


# A lone surrogate (text from a JSON `\ud800` escape in an agreement) has no UTF-8 form:
# reports write it as that escape rather than fail (JSON reads it back as the same text).
UNENCODABLE = "backslashreplace"


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside the real target.

    A symbolic link is followed, so the file it points at changes and the link stays; an
    existing file keeps its mode. Devices and pipes (``/dev/stdout``) cannot be replaced, so
    they are written directly. Any OSError becomes a :class:`WriteError`.
    """
    with open_atomic(path) as stream:
        stream.write(text)


@contextlib.contextmanager
def open_atomic(path: str | Path) -> Iterator[TextIO]:
    """A text stream whose content replaces ``path`` when the block ends without an error,
    as :func:`write_atomic` writes it (for reports written piece by piece); after an error,
    Ctrl-C included, the file is as it was."""
    try:
        if _is_special(path):
            with open(path, "w", encoding="utf-8", errors=UNENCODABLE, newline="") as stream:
                yield stream
        else:
            with _replacing(Path(os.path.realpath(path))) as stream:
                yield stream
    except OSError as error:
        # The OS says "No such file or directory" for a missing folder; say which.
        raise (_problem(path) or cannot_write(path, _reason(error))) from None


@contextlib.contextmanager
def _replacing(target: Path) -> Iterator[TextIO]:
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", errors=UNENCODABLE, newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())  # the rename must not publish a file still in cache
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except BaseException:  # also Ctrl-C: never leave the temporary file behind
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return NEW_FILE_MODE


def _is_special(path: str | Path) -> bool:
    """An existing device, pipe or socket (followed through links): not a file to replace."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def check_writable(path: str | Path) -> None:
    """Raise :class:`WriteError` now if ``write_atomic(path, ...)`` would fail later.

    Commands call it before their work, so a long batch is not lost to a typo in an
    output path.
    """
    problem = _problem(path)
    if problem is not None:
        raise problem


def _problem(path: str | Path) -> WriteError | None:
    """Why ``path`` cannot be written, found by trying what the write does: create a
    temporary file in the target's folder (permission bits say nothing to root)."""
    if _is_special(path):
        return None if os.access(path, os.W_OK) else cannot_write(path, "permission denied")
    target = Path(os.path.realpath(path))
    if target.is_dir():
        return cannot_write(path, "it is a directory", hint="name a file inside it")
    folder = target.parent
    shown = _shown_folder(path, folder)
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        return cannot_write(path, f"folder {shown} {what}", hint="create the folder first")
    try:
        handle, probe = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    except FileNotFoundError:  # the folder is there, yet refuses files (/proc)
        return cannot_write(path, f"{shown} accepts no new files")
    except OSError as error:
        return cannot_write(path, _reason(error), hint=f"check that {shown} is writable")
    os.close(handle)
    os.unlink(probe)
    return None


def _shown_folder(path: str | Path, folder: Path) -> str:
    """The folder as the user named it, unless a link makes it another one."""
    named = os.path.dirname(path) or "."
    return named if os.path.realpath(named) == str(folder) else str(folder)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a byte, for errors about undecodable files."""
    before = raw[:offset]
    return before.count(b"\n") + 1, offset - (before.rfind(b"\n") + 1) + 1


# ---------------------------------------------------------------------------- reading


class Unreadable(Exception):
    """A file qrules cannot read as text; ``limit`` when it is only too large."""

    def __init__(
        self,
        message: str,
        at: tuple[int, int] | None = None,
        hint: str | None = None,
        *,
        limit: bool = False,
    ) -> None:
        super().__init__(message)
        self.message, self.at, self.hint, self.limit = message, at, hint, limit


def read_source(path: Path, max_bytes: int, what: str) -> str:
    """A regular file's text, the one way qrules reads agreements, rulesets and its
    configuration: the kind checked on the open descriptor (a FIFO would block forever,
    ``/dev/zero`` never ends), at most ``max_bytes``, UTF-8 with or without a BOM. Raises
    :class:`Unreadable` saying what ``what`` (``file``, ``ruleset``) is instead."""
    return read_source_hashed(path, max_bytes, what)[0]


def read_source_hashed(path: Path, max_bytes: int, what: str) -> tuple[str, str]:
    """``read_source``, and the sha256 of the bytes read: reports name the exact bytes
    that were judged (a byte-order mark included)."""
    raw = read_bounded(path, max_bytes, what)
    return decode_source(raw, what), hashlib.sha256(raw).hexdigest()


def read_json_report(path: str, max_bytes: int, what: str, not_json: str, hint: str) -> Any:
    """A JSON report qrules wrote (a baseline, a shard), parsed; anything else, a file that
    cannot be read, is not JSON or nests deeper than Python's parser goes, is a located
    :class:`UsageError`. ``not_json`` starts the message for text that is not JSON."""
    try:
        return json.loads(read_source(Path(path), max_bytes, what))
    except Unreadable as error:
        raise UsageError(error.message, source=path, hint=error.hint) from None
    except RecursionError:  # nesting deeper than any report: not one
        raise UsageError(
            f"the {what} nests too deeply to be a qrules report", source=path
        ) from None
    except json.JSONDecodeError as error:
        raise UsageError(
            f"{not_json}: {error.msg}",
            source=path,
            line=error.lineno,
            column=error.colno,
            hint=hint,
        ) from None


def decode_source(raw: bytes, what: str) -> str:
    """Bytes as text, or :class:`Unreadable`: UTF-8 with or without a BOM, never UTF-16,
    UTF-32 or binary (also for bytes that come from elsewhere than a file: ``git show``)."""
    encoding = _wide_encoding(raw)
    if encoding:
        hint = "save it as UTF-8 (most editors: File > Save with Encoding)"
        raise Unreadable(f"the {what} is {encoding}, not UTF-8", hint=hint)
    if b"\x00" in raw:
        line = byte_position(raw, raw.index(b"\x00"))[0]
        raise Unreadable(f"the {what} is binary (it contains NUL bytes), not text", (line, 1))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unreadable(
            f"the {what} is not UTF-8: byte 0x{raw[error.start]:02x} cannot be decoded",
            byte_position(raw, error.start),
            "save it as UTF-8",
        ) from None


def read_bounded(path: Path, max_bytes: int, what: str) -> bytes:
    """A regular file's bytes, or :class:`Unreadable` (also when over ``max_bytes``)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise Unreadable(f"cannot read the {what}: {error.strerror or error}") from None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            kind = _file_kind(status.st_mode)
            raise Unreadable(f"the {what} is not a regular file but {kind}", hint="name a file")
        raw = _read_at_most(descriptor, max_bytes + 1, status.st_size)
    except OSError as error:
        raise Unreadable(f"cannot read the {what}: {error.strerror}") from None
    finally:
        os.close(descriptor)
    if len(raw) > max_bytes:
        size = max(status.st_size, len(raw))
        raise Unreadable(
            f"the {what} is {size:,} bytes; the limit is {max_bytes:,}", (1, 1), limit=True
        )
    return raw


def _read_at_most(descriptor: int, limit: int, expected: int) -> bytes:
    """Up to ``limit`` bytes (the file may grow after fstat), in as few reads as its size
    allows: a batch reads tens of thousands of small files."""
    chunks, remaining = [], limit
    while remaining > 0:
        chunk = os.read(descriptor, min(remaining, max(expected + 1, 65_536)))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _file_kind(mode: int) -> str:
    kinds = [
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "something else")


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
