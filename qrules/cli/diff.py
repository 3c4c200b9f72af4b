"""``qrules diff``: what changed between two revisions of agreements, which way each party's
terms moved, which findings are new or fixed; and ``qrules baseline create``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from qrules.cli.check import check_targets
from qrules.cli.choices import config_options, format_option, rulesets_option, today_option
from qrules.cli.negotiate import parties_option
from qrules.cli.output import emit
from qrules.cli.run import EXIT_FINDINGS, EXIT_OK, exits
from qrules.errors import UsageError

DIFF_FORMATS = ("text", "json", "markdown", "sarif", "html")


@click.command()
@click.argument("revisions", nargs=-1, metavar="OLD NEW | --git REV [PATH...]")
@click.option(
    "--git",
    "since",
    metavar="REV",
    help="Compare every agreement changed since REV (git diff REV) with its version at REV; "
    "the arguments, if any, narrow it to these files or folders.",
)
@rulesets_option(
    "Rules and terms to judge both revisions by; its terms are the positions of the "
    "party `us`. Repeatable. Default: the configuration's rulesets, else iso9001."
)
@click.option(
    "--party",
    "parties",
    multiple=True,
    metavar="NAME=RULESET",
    callback=parties_option,
    help="Another party and the ruleset of its positions (its terms). Repeatable.",
)
@format_option(
    DIFF_FORMATS,
    "text, json, sarif (findings with baselineState new/unchanged/absent), or the "
    "redline memo as markdown or one html page.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write it to this file.")
@click.option(
    "--fail-on",
    type=click.Choice(["weaker", "conflict", "none"]),
    default="none",
    show_default=True,
    help="weaker: exit 1 when a term got weaker for a party (the pre-commit mode); conflict: "
    "exit 1 on a new unwaived error finding.",
)
@click.option(
    "--for",
    "fail_for",
    multiple=True,
    metavar="PARTY",
    help="With --fail-on weaker: only terms that got weaker for this party count (us for the "
    "terms of --ruleset). Repeatable. Default: every party.",
)
@click.option("--schema", metavar="auto|none|FILE", help="As for qrules check.")
@today_option("Check both revisions as of this date (waiver expiry); default: the real date.")
@exits
def diff(
    revisions: tuple[str, ...],
    since: str | None,
    rulesets: tuple[str, ...],
    parties: dict[str, list[str]],
    output_format: str,
    output: str | None,
    fail_on: str,
    fail_for: tuple[str, ...],
    schema: str | None,
    today: dt.datetime | None,
) -> int:
    """Redline two revisions of an agreement: changed fields, terms weaker or stronger for
    each party, findings new, fixed or unchanged, waivers added, removed or expired.

    OLD and NEW are files or git revisions of a file (REV:path, read with `git show`; the
    working tree is never touched). With --git REV, every agreement changed since REV is
    compared with its version at REV.

    \b
    Exit codes:
      0    nothing reached --fail-on
      1    a term got weaker (--fail-on weaker) or a new conflict (--fail-on conflict)
      2    qrules cannot do its job: a bad ruleset, option or revision
    """
    from qrules import config as configuration
    from qrules.diff.compare import compare_revisions

    found = _configuration(list(revisions) if since else [])
    run = configuration.settings(found, rulesets=rulesets, fail_on=None, schema=schema)
    check_targets(output, [])
    report = compare_revisions(
        _pairs(revisions, since),
        run.rulesets,
        parties,
        today=today.date() if today else None,
        schema=run.schema,
        fail_on=fail_on,
        agreements_only=since is not None,
        params=run.params,
        fail_for=fail_for,
    )
    emit(_render(report, output_format), output)
    return EXIT_FINDINGS if report.failed else EXIT_OK


def _configuration(paths: list[str]) -> Any:
    """The .qrules.yaml nearest to the files compared (or the current folder), if any."""
    from qrules import config as configuration

    path = configuration.discover(paths)
    return configuration.load_config(path) if path else None


def _pairs(revisions: tuple[str, ...], since: str | None) -> list[tuple[Any, Any]]:
    from qrules.diff import sources

    if since is None:
        if len(revisions) != 2:
            raise UsageError(
                "qrules diff compares two revisions: OLD NEW",
                hint="e.g. qrules diff draft-3.yaml draft-4.yaml, or HEAD~1:a.yaml a.yaml; "
                "or qrules diff --git REV for every agreement changed since REV",
            )
        return [(sources.parse(revisions[0]), sources.parse(revisions[1]))]
    changed = sources.changed_since(since, list(revisions))
    then = sources.show_many(since, changed)  # one git process for all of them
    return [
        (
            sources.Revision(path, since) if then[path] is not None else None,
            sources.Revision(path) if _present(path) else None,
        )
        for path in changed
    ]


def _present(path: str) -> bool:
    from pathlib import Path

    return Path(path).is_file()


def _render(report: Any, output_format: str) -> str:
    from importlib import import_module

    module = import_module(f"qrules.report.diff_{output_format}")
    return str(module.render(report))


# ---------------------------------------------------------------------------- baseline


@click.group()
def baseline() -> None:
    """Baselines for `qrules check --baseline`: the findings a repository already has."""


@baseline.command("create")
@click.argument("paths", nargs=-1, type=click.Path())
@rulesets_option("As for qrules check: use the same rulesets as the checks that will read it.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=".qrules-baseline.json",
    show_default=True,
    help="Where to write the baseline (a JSON report), atomically.",
)
@click.option("--schema", metavar="auto|none|FILE", help="As for qrules check.")
@config_options
@today_option("Check as of this date; default: the real date.")
@exits
def create(
    paths: tuple[str, ...],
    rulesets: tuple[str, ...],
    output: str,
    schema: str | None,
    config_file: str | None,
    no_config: bool,
    today: dt.datetime | None,
) -> int:
    """Write the findings of PATHS as a baseline: later `qrules check --baseline FILE` runs
    fail only on findings that are not in it. Exit 0 whatever it finds."""
    from qrules import config as configuration
    from qrules.cli.check import agreement_files
    from qrules.engine.batch import check_files
    from qrules.report.json import render

    if config_file and no_config:
        raise click.UsageError("--config and --no-config exclude each other")
    found: Any
    if config_file:
        found = configuration.load_config(config_file)
    else:
        found = None if no_config else _configuration(list(paths))
    run = configuration.settings(found, rulesets=rulesets, fail_on=None, schema=schema)
    check_targets(output, [])
    files = agreement_files(list(paths), found, False)
    day = today.date() if today else None
    report = check_files(run.rulesets, files, today=day, schema=run.schema, params=run.params)
    report = configuration.apply_overrides(report, found)
    emit(render(report), output)
    total = sum(len(d.findings) for d in report.documents)
    agreements = f"{len(files)} agreement" + ("s" if len(files) != 1 else "")
    click.echo(f"wrote {output}: {total} findings in {agreements}", err=True)
    return EXIT_OK
