"""A progress bar on standard error for a person waiting on a large batch: files done of the
total, the rate and the time left. Never in pipes, files or CI logs (standard error is not
a terminal there), never for small batches, and never with ``--quiet``."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
MIN_FILES = 100  # below this a check is over before a bar would tell anything
_EVERY = 0.1  # seconds between redraws


def progress(items: Iterable[T], total: int, enabled: bool = True) -> Iterator[T]:
    """``items`` as they come, drawing the bar on standard error when it should be shown."""
    stream = sys.stderr
    if not enabled or total < MIN_FILES or not stream.isatty():
        yield from items
        return
    started = drawn = time.monotonic()
    done = 0
    try:
        for item in items:
            yield item
            done += 1
            now = time.monotonic()
            if now - drawn >= _EVERY:
                stream.write("\r" + bar(done, total, now - started))
                stream.flush()
                drawn = now
    finally:
        stream.write("\r\033[K")  # the bar leaves no trace above the report
        stream.flush()


def bar(done: int, total: int, elapsed: float, width: int = 30) -> str:
    """``[######------] 1,234/10,000 files  812/s  ETA 0:11``."""
    filled = width * done // total if total else width
    rate = done / elapsed if elapsed > 0 else 0.0
    left = (total - done) / rate if rate else 0.0
    eta = f"{int(left) // 60}:{int(left) % 60:02d}"
    drawn = "#" * filled + "-" * (width - filled)
    return f"[{drawn}] {done:,}/{total:,} files  {rate:,.0f}/s  ETA {eta}"
