"""Checking files in worker processes, results back in the files' order.

Compiled rules are closures and do not pickle. Where ``fork`` is safe (Linux, and this
process runs no other thread) workers inherit the rules the parent compiled; elsewhere each
worker loads the rulesets once from their specs. At most a few chunks are in flight, so a
batch of any size holds only those in memory.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qrules.engine.cached import CacheSpec, ResultCache, dated
from qrules.engine.run import check
from qrules.fileio import Unreadable, read_bounded
from qrules.limits import MAX_AGREEMENT_BYTES
from qrules.model.findings import DocumentResult
from qrules.ruleset import Rulebook, load_ruleset

# What checking one file gives: its result and, for a result the cache should keep, its
# key and whether it depends on the check date.
Checked = tuple[DocumentResult, tuple[str, bool] | None]

_worker_rules: Rulebook | None = None


@dataclass(frozen=True)
class Loading:
    """How a worker loads the rules of a run: ``load_ruleset(*specs, schema=, params=)``."""

    specs: tuple[str | Path, ...]
    schema: str | Path | None = "auto"
    params: dict[str, Any] = field(default_factory=dict)

    def load(self) -> Rulebook:
        return load_ruleset(*self.specs, schema=self.schema, params=self.params)


_worker_cache: ResultCache | None = None


def check_one(
    rules: Rulebook,
    path: str,
    today: dt.date,
    schema: str | Path | None,
    cache: ResultCache | None = None,
) -> Checked:
    """One file, read once: the bytes checked are the bytes hashed for the cache key."""
    from qrules.document import load_document

    try:
        raw: bytes | None = read_bounded(Path(path), MAX_AGREEMENT_BYTES, "file")
    except Unreadable:
        raw = None  # the loader reads it again and says why it cannot
    key = cache.key(path, raw) if cache is not None and raw is not None else None
    if key is not None and cache is not None:
        hit = cache.get(key, path)
        if hit is not None:
            return hit, None
    document = load_document(path, rules.schema if schema == "auto" else schema, raw)
    result = check(rules, document, today=today, schema=schema)
    return result, (None if key is None else (key, dated(document.data)))


def in_workers(
    rules: Rulebook,
    loading: Loading,
    files: Sequence[str],
    jobs: int,
    today: dt.date,
    cache: CacheSpec | None,
) -> Iterator[Checked]:
    from concurrent.futures import ProcessPoolExecutor  # only with workers: ~7 ms to load

    global _worker_rules
    context = _fork_context()
    _worker_rules = rules if context is not None else None
    pool = ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_init_worker, initargs=(loading, cache)
    )
    size = max(1, min(64, len(files) // (jobs * 4)))
    try:
        window: deque[Any] = deque()
        for chunk in _chunks(files, size):
            window.append(pool.submit(_check_chunk, chunk, today, loading.schema))
            if len(window) > jobs * 3:
                yield from window.popleft().result()
        while window:
            yield from window.popleft().result()
    except BaseException:
        # Ctrl-C, a failure, or a reader that stopped early: leaving the pool through `with`
        # would first wait for every queued chunk. Drop them and stop the workers.
        _stop(pool)
        raise
    finally:
        _worker_rules = None
    pool.shutdown()


def batch_collection() -> None:
    """Garbage collection for a process that checks agreements by the thousand: what is
    loaded so far (the compiled rules) is never collected again, and the youngest objects
    less often. Each agreement's nodes and values die by reference counting; the default
    threshold (700 new objects) ran the collector several times per agreement."""
    import gc

    gc.freeze()
    gc.set_threshold(10_000, 20, 100)


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _fork_context() -> Any:
    """``fork`` where it is safe: on Linux (macOS frameworks break in forked children) and
    with no other thread whose locks the child would inherit held."""
    import multiprocessing
    import threading

    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return None


def _chunks(files: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for file in files:
        chunk.append(file)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _stop(pool: Any) -> None:
    # Python 3.14 has pool.terminate_workers(); before it, the pool's process table is the
    # only handle on its workers (taken before shutdown, which forgets it).
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.join(timeout=5)  # reaped here, so no zombie outlives the command
        if worker.is_alive():
            worker.kill()
            worker.join()


def _init_worker(loading: Loading, cache: CacheSpec | None) -> None:
    # A terminal's Ctrl-C reaches the whole process group. The parent alone handles it
    # (it stops the workers); a worker would only print its own KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _worker_rules, _worker_cache
    if _worker_rules is None:  # spawned, not forked: compile them once, here
        _worker_rules = loading.load()
    batch_collection()
    _worker_cache = None if cache is None else ResultCache(cache)  # its own connection


def _check_chunk(files: list[str], today: dt.date, schema: str | Path | None) -> list[Checked]:
    assert _worker_rules is not None
    return [check_one(_worker_rules, path, today, schema, _worker_cache) for path in files]
