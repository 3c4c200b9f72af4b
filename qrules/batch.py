"""Checking many agreements: in this process, or spread over worker processes.

Compiled rules are closures and do not pickle, so each worker loads the rulesets once
from their specs and then checks its share of the files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from qrules import __version__
from qrules.catalogue import catalogue
from qrules.engine import check
from qrules.findings import CheckReport, DocumentResult
from qrules.ruleset import Rulebook, load_ruleset

_worker_rules: Rulebook | None = None


def check_files(
    rulesets: Sequence[str | Path],
    files: Sequence[str],
    *,
    today: dt.date | None = None,
    schema: str | Path | None = "auto",
    fail_on: str = "error",
    jobs: int = 1,
) -> CheckReport:
    rules = load_ruleset(*rulesets)  # raises before any work if a ruleset is bad
    today = today or dt.date.today()
    jobs = min(max(jobs, 1), len(files) or 1)
    if jobs == 1:
        results = [check(rules, path, today=today, schema=schema) for path in files]
    else:
        results = _parallel(rulesets, files, today, schema, jobs)
    return CheckReport(
        version=__version__,
        rulesets=tuple(r.summary() for r in rules.rulesets),
        documents=tuple(sorted(results, key=lambda r: r.path)),
        fail_on=fail_on,
        rules=catalogue(rules),
        checked_on=today,
    )


def _parallel(
    rulesets: Sequence[str | Path],
    files: Sequence[str],
    today: dt.date,
    schema: str | Path | None,
    jobs: int,
) -> list[DocumentResult]:
    chunk = max(1, min(64, len(files) // (jobs * 4)))
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(tuple(rulesets),)) as pool:
        return list(
            pool.map(
                _check_one, files, [today] * len(files), [schema] * len(files), chunksize=chunk
            )
        )


def _init_worker(rulesets: tuple[str | Path, ...]) -> None:
    global _worker_rules
    _worker_rules = load_ruleset(*rulesets)


def _check_one(path: str, today: dt.date, schema: str | Path | None) -> DocumentResult:
    assert _worker_rules is not None
    return check(_worker_rules, path, today=today, schema=schema)
