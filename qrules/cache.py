"""A per-user cache of work that depends only on file contents: the generated code of a
schema's validator and the parsed syntax of a ruleset. A pre-commit hook runs qrules once
per commit; without this, every run would parse the same rulesets and generate the same
validator again (together most of a one-file check's time).

Entries live in ``$QRULES_CACHE_DIR``, else ``$XDG_CACHE_HOME/qrules``, else
``~/.cache/qrules``, in a folder only the user may write (loading an entry runs it, so a
folder others can write is never used). The key hashes everything an entry depends on,
qrules' and Python's versions included; a missing, unwritable or corrupt cache only costs
the time to build the entry again. ``QRULES_CACHE_DIR=off`` turns it off.

:class:`ResultStore` is the other cache, of check results, kept in a repository's
``.qrules/cache`` (see ``qrules/engine/cached.py`` for what a result depends on).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

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


def caching_off() -> bool:
    """``QRULES_CACHE_DIR=off``: no cache of any kind (the result cache too)."""
    return os.environ.get("QRULES_CACHE_DIR") == "off"


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


class ResultStore:
    """Entries by key in one SQLite file: one transaction per batch of writes, so runs at
    the same time never see half an entry (a run that finds the file locked goes on without
    it). Each entry carries a digest of its key and value: one that does not match (a flipped
    bit, a truncated write) is a miss, never trusted. Past ``max_entries`` the oldest
    written go. Any trouble with the file only turns the store off.
    """

    def __init__(self, path: Path, max_entries: int = 200_000) -> None:
        self.path, self.max_entries = path, max_entries
        self._pending: list[tuple[str, str, str]] = []
        self._db: Any = None
        self._opened = False  # on first use: a connection must not cross a fork

    @property
    def _connection(self) -> Any:
        if not self._opened:
            self._opened = True
            try:
                self._db = self._connect()
            except Exception:  # sqlite3.Error, OSError: no cache, only slower
                self._db = None
        return self._db

    def _connect(self) -> Any:
        import sqlite3  # only when results are cached: ~2 ms

        self.path.parent.mkdir(parents=True, exist_ok=True)
        ignore = self.path.parent / ".gitignore"
        if not ignore.exists():  # never committed, whoever made the folder
            ignore.write_text("# written by qrules: a cache of check results\n*\n")
        db = sqlite3.connect(self.path, timeout=2, isolation_level=None)
        try:
            db.execute(
                "CREATE TABLE IF NOT EXISTS results "
                "(key TEXT PRIMARY KEY, digest TEXT NOT NULL, value TEXT NOT NULL)"
            )
        except sqlite3.DatabaseError:  # not a database: start a new one
            db.close()
            self.path.unlink()
            db = sqlite3.connect(self.path, timeout=2, isolation_level=None)
            db.execute("CREATE TABLE results (key TEXT PRIMARY KEY, digest TEXT, value TEXT)")
        with contextlib.suppress(sqlite3.Error):  # readers and a writer at once
            db.execute("PRAGMA journal_mode=WAL")
        return db

    def get(self, key: str) -> str | None:
        db = self._connection
        if db is None:
            return None
        try:
            row = db.execute("SELECT digest, value FROM results WHERE key = ?", (key,)).fetchone()
        except Exception:
            return None
        if row is None or not isinstance(row[1], str) or row[0] != _digest(key, row[1]):
            return None
        return str(row[1])

    def put(self, key: str, value: str) -> None:
        if self._connection is not None:
            self._pending.append((key, _digest(key, value), value))
            if len(self._pending) >= 2000:
                self.flush()

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        if self._db is None or not pending:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?)", pending)
            self._db.execute(
                "DELETE FROM results WHERE rowid <= (SELECT MAX(rowid) FROM results) - ?",
                (self.max_entries,),
            )
            self._db.execute("COMMIT")
        except Exception:  # locked by another run for too long, disk full: not kept
            with contextlib.suppress(Exception):
                self._db.execute("ROLLBACK")

    def close(self) -> None:
        self.flush()
        if self._db is not None:
            with contextlib.suppress(Exception):
                self._db.close()
            self._db = None


def _digest(key: str, value: str) -> str:
    return hashlib.blake2b(f"{key}\0{value}".encode(), digest_size=16).hexdigest()
