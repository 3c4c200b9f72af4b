"""Files: written atomically (a reader sees the old file or the new one, never half of
one), checked for writability before long work, and positions in files that cannot be
decoded."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

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


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside the real target.

    A symbolic link is followed, so the file it points at changes and the link stays; an
    existing file keeps its mode. Devices and pipes (``/dev/stdout``) cannot be replaced, so
    they are written directly. Any OSError becomes a :class:`WriteError`.
    """
    try:
        if _is_special(path):
            with open(path, "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
        else:
            _replace(Path(os.path.realpath(path)), text)
    except OSError as error:
        # The OS says "No such file or directory" for a missing folder; say which.
        raise (_problem(path) or cannot_write(path, _reason(error))) from None


def _replace(target: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
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
