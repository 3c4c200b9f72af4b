"""Checking many agreements: results one by one in output order (by path), checked in this
process, in worker processes (``workers``) or on a Dask cluster (``dask``), each result
taken from the result cache (``cached``) where an earlier run checked the same bytes.

Nothing here keeps the results: ``check_stream`` yields them as they come, so a report
written as they go (``report/stream.py``) holds one at a time, however large the batch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from qrules import __version__
from qrules.cache import caching_off
from qrules.engine import workers
from qrules.engine.cached import ResultCache, cache_spec
from qrules.engine.catalogue import catalogue
from qrules.engine.workers import Checked, Loading, check_one, in_workers
from qrules.model.evidence import gather
from qrules.model.findings import CheckReport, DocumentResult
from qrules.resources import schema_path
from qrules.ruleset import Params, Rulebook, load_ruleset

# Below this many files, starting workers costs more than they save (`--jobs auto`).
AUTO_MIN_FILES = 200


def check_files(
    rulesets: Sequence[str | Path],
    files: Sequence[str],
    *,
    today: dt.date | None = None,
    schema: str | Path | None = "auto",
    params: Params | None = None,
    fail_on: str = "error",
    jobs: int | str = 1,
    cache: Path | None = None,
) -> CheckReport:
    """Every agreement's result, in one report (kept whole: for small batches and tests;
    the CLI streams them)."""
    rules = load_ruleset(*rulesets, schema=schema, params=params)  # raises if one is bad
    today = today or dt.date.today()
    head = report_head(rules, fail_on, today, schema)
    stream = check_stream(
        rules, rulesets, files, today=today, schema=schema, params=params, jobs=jobs, cache=cache
    )
    return replace(head, documents=tuple(stream))


def report_head(
    rules: Rulebook, fail_on: str, today: dt.date, schema: str | Path | None = "auto"
) -> CheckReport:
    """A report of the run without its documents: what a streamed report starts from."""
    return CheckReport(
        version=__version__,
        rulesets=tuple(r.summary() for r in rules.rulesets),
        documents=(),
        fail_on=fail_on,
        rules=catalogue(rules),
        checked_on=today,
        evidence=gather(
            __version__,
            today,
            (r.evidence() for r in rules.rulesets),
            rules.schema if schema == "auto" else schema,  # the rulesets' own, if they name one
            schema_path(),
        ),
    )


def check_stream(
    rules: Rulebook,
    specs: Sequence[str | Path],
    files: Sequence[str],
    *,
    today: dt.date,
    schema: str | Path | None = "auto",
    params: Params | None = None,
    jobs: int | str = 1,
    cache: Path | None = None,
    executor: str = "local",
    scheduler: str | None = None,
) -> Iterator[DocumentResult]:
    """The results of ``files`` in output order (by path), checked by ``rules`` (loaded from
    ``specs`` with ``schema`` and ``params``: what workers load them from). ``jobs``: a
    number of processes or ``"auto"``; ``cache``: the result cache's folder, or None."""
    ordered = sorted(files)
    loading = Loading(tuple(specs), schema, dict(params or {}))
    if executor == "dask":
        from qrules.engine.dask import on_dask

        yield from on_dask(loading, ordered, today=today, scheduler=scheduler)
        return
    spec = None if cache is None or caching_off() else cache_spec(cache, rules, loading, today)
    writer = None if spec is None else ResultCache(spec)
    try:
        for result, keep in _checked(rules, loading, ordered, jobs, today, writer):
            if keep is not None and writer is not None:
                writer.put(keep[0], result, keep[1])
            yield result
    finally:
        if writer is not None:
            writer.close()


def _checked(
    rules: Rulebook,
    loading: Loading,
    files: list[str],
    jobs: int | str,
    today: dt.date,
    cache: ResultCache | None,
) -> Iterator[Checked]:
    count = resolve_jobs(jobs, len(files))
    if count > 1:
        spec = None if cache is None else cache.spec
        return in_workers(rules, loading, files, count, today, spec)
    return (check_one(rules, path, today, loading.schema, cache) for path in files)


def resolve_jobs(jobs: int | str, files: int) -> int:
    """How many processes check ``files`` files: ``auto`` is one per core, but one alone
    for a batch too small to pay for starting workers."""
    if jobs == "auto":
        return 1 if files < AUTO_MIN_FILES else min(workers.cores(), files)
    return max(1, min(int(jobs), files))


def shard(files: Sequence[str], index: int, count: int) -> list[str]:
    """Shard ``index`` (1-based) of ``count``: each file by a hash of its path, so a file
    stays in its shard when others are added or removed, on every machine."""
    return [f for f in files if _bucket(f, count) == index - 1]


def _bucket(path: str, count: int) -> int:
    digest = hashlib.sha256(Path(path).as_posix().encode()).digest()
    return int.from_bytes(digest[:8], "big") % count
