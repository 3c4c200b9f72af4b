"""``qrules merge``: shards' JSON reports in, one report of any format out."""

from __future__ import annotations

import click

from qrules.cli.choices import format_option, rulesets_option
from qrules.cli.output import REPORT_FORMATS, emit, is_tty, render
from qrules.cli.run import EXIT_FINDINGS, EXIT_OK, exits
from qrules.model.findings import SEVERITIES, RuleEntry


@click.command()
@click.argument("reports", nargs=-1, required=True, type=click.Path(dir_okay=False))
@format_option(
    REPORT_FORMATS,
    "Format of the merged report.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write it here, atomically.")
@rulesets_option(
    "The rulesets the shards were checked with, for reports of an older qrules "
    "that do not describe their rules (SARIF rules, JUnit testcases)."
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default="error",
    show_default=True,
    help="Lowest severity that fails the merged check (exit 1), as for check.",
)
@click.option(
    "--audience",
    type=click.Choice(["internal", "counterparty"]),
    default="internal",
    show_default=True,
    help="Who the markdown and html memos are for.",
)
@exits
def merge(
    reports: tuple[str, ...],
    output_format: str,
    output: str | None,
    rulesets: tuple[str, ...],
    fail_on: str,
    audience: str,
) -> int:
    """Join the JSON reports of shards (check --shard I/N --format json) into one report.

    The reports must come from one check (the same qrules and rulesets); every agreement
    may be in one of them only. Exit codes as for check: 0, 1 when a finding reaches
    --fail-on, 2 when the reports cannot be merged.
    """
    from qrules.report.merge import merge_reports

    entries: tuple[RuleEntry, ...] | None = None
    if rulesets:
        from qrules.engine.catalogue import catalogue
        from qrules.ruleset import load_ruleset

        entries = catalogue(load_ruleset(*rulesets))
    report, passes = merge_reports(list(reports), fail_on, entries)
    if not passes:
        _without_passes(output_format)
    colour = output is None and is_tty()
    emit(render(report, output_format, colour=colour, audience=audience), output)
    return EXIT_FINDINGS if report.failed else EXIT_OK


def _without_passes(output_format: str) -> None:
    """Clause coverage needs the rules that applied to each agreement, which only shards
    written with --show-passes record: refuse a coverage report, warn on a memo without it."""
    remedy = "write the shards with `qrules check --shard I/N -f json --show-passes`"
    if output_format.startswith("coverage"):
        raise click.UsageError(
            f"clause coverage needs the rules that applied to each agreement: {remedy}"
        )
    if output_format in ("markdown", "html"):
        click.echo(f"qrules merge: the memo has no clause coverage; {remedy}", err=True)
