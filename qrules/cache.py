"""A per-user cache of work that depends only on file contents: the generated code of a
schema's validator and the parsed syntax of a ruleset. A pre-commit hook runs qrules once
per commit; without this, every run would parse the same rulesets and generate the same
validator again (together most of a one-file check's time).

Entries live in ``$QRULES_CACHE_DIR``, else ``$XDG_CACHE_HOME/qrules``, else
``~/.cache/qrules``, in a folder only the user may write (loading an entry runs it, so a
folder others can write is never used). The key hashes everything an entry depends on,
qrules' and Python's versions included; a missing, unwritable or corrupt cache only costs
the time to build the entry again. ``QRULES_CACHE_DIR=off`` turns it off.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from qrules import __version__

T = TypeVar("T")


def cached(
    namespace: str,
    key: str,
    build: Callable[[], T],
    dumps: Callable[[T], bytes],
    loads: Callable[[bytes], T],
) -> T:
    """The entry for ``key``: loaded when cached, else built and stored."""
    folder = _folder()
    if folder is None:
        return build()
    digest = hashlib.sha256(f"{__version__}\0{sys.version}\0{key}".encode()).hexdigest()
    path = folder / f"{namespace}-{digest[:32]}"
    try:
        return loads(path.read_bytes())
    except Exception:  # missing, unreadable or from another version: build it again
        pass
    value = build()
    try:
        data = dumps(value)
    except Exception:  # e.g. too deep to serialise: used, not kept
        return value
    _store(path, data)
    return value


def _folder() -> Path | None:
    setting = os.environ.get("QRULES_CACHE_DIR")
    if setting == "off":
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(setting) if setting else Path(base) / "qrules"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = folder.stat()
    except OSError:
        return None
    private = status.st_mode & (stat.S_IWGRP | stat.S_IWOTH) == 0
    ours = not hasattr(os, "getuid") or status.st_uid == os.getuid()
    return folder if private and ours else None


def _store(path: Path, data: bytes) -> None:
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".entry.")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except OSError:
        return  # a cache that cannot be written is only slower
