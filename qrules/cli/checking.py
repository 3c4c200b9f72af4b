"""How ``qrules check`` runs a batch: each configuration's files checked as a stream, the
streams joined in path order, every report written as results arrive."""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from qrules import config as configuration
from qrules.model.findings import CheckReport, DocumentResult


@dataclass
class Prepared:
    """One configuration's part of a run: its report head and its results to come."""

    head: CheckReport
    files: list[str]
    results: Iterator[DocumentResult]


def prepare(
    found: Any,
    settings: Any,
    files: list[str],
    today: dt.date,
    *,
    cache: Path | None,
    jobs: int | str,
    executor: str,
    scheduler: str | None,
) -> Prepared:
    from qrules.engine import batch
    from qrules.ruleset import load_ruleset

    rules = load_ruleset(*settings.rulesets, schema=settings.schema, params=settings.params)
    head = batch.report_head(rules, settings.fail_on, today, settings.schema)
    stream = batch.check_stream(
        rules, settings.rulesets, files, today=today, schema=settings.schema,
        params=settings.params, jobs=jobs, cache=cache, executor=executor, scheduler=scheduler,
    )  # fmt: skip
    results = (configuration.override_document(result, found) for result in stream)
    return Prepared(configuration.apply_overrides(head, found), files, results)


def write(
    head: CheckReport,
    checks: list[Prepared],
    outputs: list[Any],
    selection: tuple[tuple[str, ...], tuple[str, ...]],
    compared: tuple[Any, str] | None,
    shown: Callable[[Iterable[DocumentResult]], Iterable[DocumentResult]],
) -> CheckReport:
    """Every result into every output, in path order, marked against the baseline
    ``compared`` (its findings by agreement, and what it is); the finished report."""
    from qrules.engine.workers import batch_collection
    from qrules.report.stream import writing

    batch_collection()  # this process is the command's: its rules are loaded, keep them
    disabled = {entry.id for entry in head.rules if not entry.enabled}
    fixed: list[Any] = []
    joined = heapq.merge(*(c.results for c in checks), key=lambda result: result.path)
    with writing(head, outputs, _Echo()) as written:
        for result in shown(joined):
            result = configuration.select_document(result, *selection)
            if compared is not None:
                from qrules.diff import baseline  # only with --baseline: a hook pays nothing

                result, gone = baseline.mark(result, compared[0], disabled)
                fixed += gone
            written.add(result)
        if compared is not None:
            written.complete(baseline=compared[1], fixed=tuple(fixed))
    return written.finished


class _Echo:
    """Standard output as click writes it (the test runner's, in tests)."""

    def write(self, text: str) -> int:
        click.echo(text, nl=False)
        return len(text)

    def flush(self) -> None:
        """click.echo flushes after each write."""


def cache_folder(found: Any) -> Path | None:
    """``.qrules/cache`` of the repository: the configuration's folder, else the folder
    holding ``.git`` above the working folder; outside a repository, no cache."""
    from qrules.engine.cached import CACHE_FOLDER

    if found is not None:
        return Path(found.root) / CACHE_FOLDER
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder / CACHE_FOLDER
    return None
