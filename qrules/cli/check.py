"""``qrules check``: agreements in, findings out, with the exit code CI reads."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

import click

from qrules.cli.choices import (
    config_options,
    format_option,
    given_file,
    rulesets_option,
    run_options,
    today_option,
)
from qrules.cli.options import Jobs, Shard
from qrules.cli.output import REPORT_FORMATS, is_tty, outputs_for, render
from qrules.cli.progress import progress
from qrules.cli.run import EXIT_FINDINGS, EXIT_OK, exits
from qrules.errors import QrulesError
from qrules.model.findings import SEVERITIES


def _parse_reports(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> list[tuple[str, str]]:
    """``--report FORMAT=FILE`` values as (format, file) pairs."""
    pairs = []
    for value in values:
        name, sep, target = value.partition("=")
        if not sep or not target:
            raise click.BadParameter(f"{value!r} is not FORMAT=FILE, e.g. sarif=qrules.sarif")
        if name not in REPORT_FORMATS:
            raise click.BadParameter(f"unknown format {name!r}; one of {', '.join(REPORT_FORMATS)}")
        pairs.append((name, target))
    return pairs


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@rulesets_option(
    "A built-in ruleset (iso9001, automotive...) or a .qr file or folder. Repeatable. "
    "Default: the configuration's rulesets, else iso9001."
)
@format_option(
    REPORT_FORMATS,
    "Format of the report on standard output (or in --output). markdown is the review "
    "memo, html the same as one page; coverage is the clause coverage matrix in Markdown, "
    "coverage-json the same as JSON.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    help="Write the report here (atomically) instead of standard output. Checked before "
    "any agreement is read: a missing folder or an unwritable file is exit 2 at once.",
)
@click.option(
    "--report",
    "reports",
    multiple=True,
    metavar="FORMAT=FILE",
    callback=_parse_reports,
    help="Also write a report in FORMAT to FILE (atomically). Repeatable: "
    "--report sarif=qrules.sarif --report junit=qrules.xml.",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    help="Lowest severity that makes the check fail (exit 1). Default: the configuration's, "
    "else error.",
)
@run_options
@config_options
@click.option(
    "--agreements-only",
    is_flag=True,
    help="Skip named files that are not agreements: outside the configuration's include "
    "globs or, without them, not declaring `agreement:`; and excluded ones. For hooks, which "
    "pass every YAML, JSON and Markdown file. If no file is left, this is said on standard "
    "error, the reports are written empty (0 agreements) and the exit code is 0.",
)
@today_option("Check as of this date (waiver expiry, today()); default: the real date.")
@click.option(
    "--jobs",
    "-j",
    type=Jobs(),
    default="auto",
    show_default=True,
    help="Check files in this many processes (1-256). auto: one per core for batches of "
    "200 files or more, else one.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Check every file afresh: neither read nor write the result cache "
    "(.qrules/cache in the repository).",
)
@click.option(
    "--shard",
    type=Shard(),
    metavar="I/N",
    help="Check only shard I of N (1-based): a fixed share of the files, by a hash of each "
    "path. Join the shards' JSON reports with `qrules merge`.",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="local: this machine (--jobs). dask: a Dask cluster (pip install 'qrules[dask]').",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="With --executor dask: the scheduler (tcp://host:8786); default: a local cluster.",
)
@click.option(
    "--quiet", "-q", is_flag=True, help="No hint lines in text output, and no progress bar."
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False),
    help="An earlier JSON report (qrules baseline create): only findings not in it count "
    "toward --fail-on; the others are reported unchanged, and those gone are listed fixed.",
)
@click.option(
    "--baseline-rev",
    metavar="REV",
    help="As --baseline, with the findings of the same agreements at git revision REV.",
)
@click.option(
    "--show-passes",
    is_flag=True,
    help="In the JSON report, list per agreement the rules and terms that applied and passed.",
)
@click.option(
    "--select",
    multiple=True,
    metavar="RULE",
    help="Report only these rules: ids or patterns (ISO9001-8.4.*). Repeatable. qrules' "
    "checks that an agreement can be read are always kept.",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="RULE",
    help="Leave these rules out: ids or patterns. Repeatable; wins over --select.",
)
@click.option(
    "--statistics",
    is_flag=True,
    help="Count the findings per rule (with the clauses it cites), most frequent first: in "
    "place of the finding lines of the text report, else on standard error.",
)
@click.option(
    "--audience",
    type=click.Choice(["internal", "counterparty"]),
    default="internal",
    show_default=True,
    help="Who the markdown and html memos are for. The counterparty version says what must "
    "change and why, by clause, without our fallback positions, approvers or reasons.",
)
@exits
def check(
    paths: tuple[str, ...],
    rulesets: tuple[str, ...],
    output_format: str,
    output: str | None,
    reports: list[tuple[str, str]],
    fail_on: str | None,
    schema: str | None,
    params: tuple[Any, ...],
    config_file: str | None,
    no_config: bool,
    agreements_only: bool,
    today: dt.datetime | None,
    jobs: int | str,
    no_cache: bool,
    shard: tuple[int, int] | None,
    executor: str,
    scheduler: str | None,
    quiet: bool,
    baseline_file: str | None,
    baseline_rev: str | None,
    show_passes: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    statistics: bool,
    audience: str,
) -> int:
    """Check agreements (YAML, JSON, Markdown front matter) and report every conflict.

    PATHS are agreement files or folders, which are searched for .yaml, .yml, .json and
    .md files. Without PATHS, the agreements of the configuration's folder are checked.

    \b
    Exit codes:
      0    no finding reaches --fail-on (also: --agreements-only selected no file)
      1    a finding reaches --fail-on
      2    qrules cannot do its job: a bad ruleset or option, a report it cannot write
      130  interrupted (Ctrl-C); no report is left half-written
    """
    from qrules import config as configuration
    from qrules.cli.checking import cache_folder, prepare, write
    from qrules.engine import batch
    from qrules.model.findings import combined

    given_file(schema)
    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler needs --executor dask")
    targets = check_targets(output, reports)
    runs = [
        (
            found,
            configuration.settings(
                found, rulesets=rulesets, fail_on=fail_on, schema=schema, params=params
            ),
            agreement_files(group, found, agreements_only),
        )
        for found, group in _groups(paths, config_file, no_config)
    ]
    if not any(files for _, _, files in runs):
        _no_files(paths, agreements_only)
    _refuse_inputs(targets, [file for _, _, files in runs for file in files])
    day = today.date() if today else dt.date.today()
    options: dict[str, Any] = {"jobs": jobs, "executor": executor, "scheduler": scheduler}
    with _every_ruleset_error():
        earlier = _baseline(baseline_file, baseline_rev, runs, today)
        checks = [  # every ruleset loaded (a bad one stops here) before any file is read
            prepare(found, settings, batch.shard(files, *shard) if shard else files, day,
                    cache=None if no_cache else cache_folder(found), **options)
            for found, settings, files in runs
            if files or len(runs) == 1
        ]  # fmt: skip
    head = configuration.select_rules(combined([c.head for c in checks]), select, ignore)
    colour = output is None and is_tty()
    in_place = statistics and output_format == "text" and output is None
    outputs = [outputs_for(f, target, audience, passes=show_passes) for f, target in reports]
    outputs.append(
        outputs_for(output_format, output, audience, colour=colour, hints=not quiet,
                    passes=show_passes, statistics=in_place)
    )  # fmt: skip
    streamed = output is None and output_format == "jsonl" and is_tty()
    shown = not quiet and not streamed  # no bar across lines printed as they come
    total = sum(len(c.files) for c in checks)
    compared = (
        None if earlier is None else (earlier, baseline_file or f"git revision {baseline_rev}")
    )
    report = write(
        head, checks, outputs, (select, ignore), compared, lambda r: progress(r, total, shown)
    )
    if statistics and not in_place:
        click.echo(render(report, "statistics"), err=True, nl=False)
    if output is not None:
        from qrules.report.text import summary_line

        click.echo(summary_line(report), err=True)  # the one line a person reads
    return EXIT_FINDINGS if report.failed else EXIT_OK


@contextlib.contextmanager
def _every_ruleset_error() -> Iterator[None]:
    """A broken ruleset is refused with all its errors at once, not only the first."""
    try:
        yield
    except QrulesError as error:
        from qrules.authoring.recovery import file_errors

        *before, last = file_errors(error)
        for each in before:
            click.echo(each.render() + "\n", err=True)
        raise last from None


def _baseline(file: str | None, rev: str | None, runs: list[Any], today: dt.datetime | None) -> Any:
    """The findings to compare with, read before any agreement is checked: an earlier
    report, or each run's agreements at a git revision, checked by that run's rules."""
    if not file and not rev:
        return None
    from qrules.diff import baseline

    if file and rev:
        raise click.UsageError("--baseline and --baseline-rev exclude each other")
    if file:
        return baseline.read(file)
    assert rev is not None
    day = today.date() if today else None
    earlier: dict[str, Any] = {}
    for _, settings, files in runs:
        earlier |= baseline.at_revision(
            rev, files, settings.rulesets, day, settings.schema, settings.params
        )
    return earlier


def _groups(paths: tuple[str, ...], config_file: str | None, no_config: bool) -> list[Any]:
    """(configuration, paths) pairs: each folder's own .qrules.yaml, unless one is chosen."""
    from qrules import config as configuration

    if config_file and no_config:
        raise click.UsageError("--config and --no-config exclude each other")
    if no_config:
        return [(None, list(paths))]
    if config_file:
        return [(configuration.load_config(config_file), list(paths))]
    groups = configuration.group_by_config(list(paths))
    return [(configuration.load_config(found) if found else None, names) for found, names in groups]


def agreement_files(paths: list[str], found: Any, agreements_only: bool) -> list[str]:
    import os

    from qrules import config as configuration

    if paths:
        return configuration.select_files(paths, found, agreements_only=agreements_only)
    if found is None:
        raise click.UsageError(
            "name the agreement files or folders to check (or add a .qrules.yaml: "
            "then `qrules check` checks the agreements of its folder)"
        )
    return configuration.select_files([os.path.relpath(found.root)], found, agreements_only=True)


def _no_files(paths: tuple[str, ...], agreements_only: bool) -> None:
    if not agreements_only:
        raise click.UsageError(f"no agreement files found in {', '.join(paths or ('.',))}")
    # A hook handed only other files: not a failure, but say so, and still write the
    # (empty) reports that the CI steps after it expect to find.
    click.echo("qrules: no agreements selected (--agreements-only skipped every file)", err=True)


def check_targets(output: str | None, reports: list[tuple[str, str]]) -> dict[str, str]:
    """Fail before any agreement is read if a report could not be written at the end:
    distinct files, each writable. The targets by resolved path."""
    import os

    from qrules.fileio import check_writable

    targets: dict[str, str] = {}
    for target in [target for _, target in reports] + ([output] if output else []):
        real = os.path.realpath(target)  # ./a.json, a.json and a link to it are one file
        if real in targets:
            also = "" if targets[real] == target else f" (named {target} too)"
            raise click.UsageError(f"two reports would be written to {targets[real]}{also}")
        check_writable(target)
        targets[real] = target
    return targets


def _refuse_inputs(targets: dict[str, str], files: list[str]) -> None:
    """A report written over an agreement it checks would destroy the agreement. Compared
    as files (device and inode: links and hard links too), and only with reports that
    exist already: a new file cannot be one of the agreements."""
    import os

    from qrules.fileio import cannot_write

    existing: dict[tuple[int, int], str] = {}
    for real, target in targets.items():
        with contextlib.suppress(OSError):
            status = os.stat(real)
            existing[status.st_dev, status.st_ino] = target
    if not existing:
        return
    for file in files:
        try:
            status = os.stat(file)
        except OSError:
            continue  # the check says why it cannot read it
        overwritten = existing.get((status.st_dev, status.st_ino))
        if overwritten is not None:
            raise cannot_write(
                overwritten, f"it is the agreement {file}", hint="write the report to another file"
            )
