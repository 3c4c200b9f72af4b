"""Checking many agreements: in this process, or spread over worker processes.

Compiled rules are closures and do not pickle, so each worker loads the rulesets once
from their specs and then checks its share of the files.
"""

from __future__ import annotations

import datetime as dt
import signal
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qrules import __version__
from qrules.engine import check
from qrules.engine.catalogue import catalogue
from qrules.model.evidence import gather
from qrules.model.findings import CheckReport, DocumentResult
from qrules.resources import schema_path
from qrules.ruleset import Params, Rulebook, load_ruleset

_worker_rules: Rulebook | None = None


def check_files(
    rulesets: Sequence[str | Path],
    files: Sequence[str],
    *,
    today: dt.date | None = None,
    schema: str | Path | None = "auto",
    params: Params | None = None,
    fail_on: str = "error",
    jobs: int = 1,
) -> CheckReport:
    rules = load_ruleset(*rulesets, schema=schema, params=params)  # raises if one is bad
    today = today or dt.date.today()
    jobs = min(max(jobs, 1), len(files) or 1)
    if jobs == 1:
        results = [check(rules, path, today=today, schema=schema) for path in files]
    else:
        results = _parallel(rulesets, files, today, schema, jobs, params or {})
    return CheckReport(
        version=__version__,
        rulesets=tuple(r.summary() for r in rules.rulesets),
        documents=tuple(sorted(results, key=lambda r: r.path)),
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


def _parallel(
    rulesets: Sequence[str | Path],
    files: Sequence[str],
    today: dt.date,
    schema: str | Path | None,
    jobs: int,
    params: Params,
) -> list[DocumentResult]:
    chunk = max(1, min(64, len(files) // (jobs * 4)))
    from concurrent.futures import ProcessPoolExecutor  # only with --jobs: ~7 ms to load

    arguments = (tuple(rulesets), schema, dict(params))
    pool = ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=arguments)
    try:
        results = list(
            pool.map(
                _check_one, files, [today] * len(files), [schema] * len(files), chunksize=chunk
            )
        )
    except BaseException:
        # Ctrl-C (or a failure): leaving the pool through `with` would first wait for every
        # queued file. Drop the queue and stop the workers, then let the error through.
        _stop(pool)
        raise
    pool.shutdown()
    return results


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


def _init_worker(
    rulesets: tuple[str | Path, ...], schema: str | Path | None, params: Params
) -> None:
    # A terminal's Ctrl-C reaches the whole process group. The parent alone handles it
    # (it stops the workers); a worker would only print its own KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _worker_rules
    _worker_rules = load_ruleset(*rulesets, schema=schema, params=params)


def _check_one(path: str, today: dt.date, schema: str | Path | None) -> DocumentResult:
    assert _worker_rules is not None
    return check(_worker_rules, path, today=today, schema=schema)
