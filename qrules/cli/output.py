"""Reports out: each format module renders a report to text; written to standard output
or, atomically, to a file."""

from __future__ import annotations

import sys
from typing import Any

import click

REPORT_FORMATS = (
    "text",
    "json",
    "jsonl",
    "sarif",
    "junit",
    "markdown",
    "html",
    "coverage",
    "coverage-json",
)
# "statistics" is --statistics, not a --format
REPORTERS = {
    name: f"qrules.report.{name.replace('-', '_')}" for name in (*REPORT_FORMATS, "statistics")
}
AUDIENCE_FORMATS = ("markdown", "html")  # the formats a person outside the company may read


def render(
    report: Any,
    output_format: str,
    *,
    colour: bool = False,
    hints: bool = True,
    audience: str = "internal",
    passes: bool = False,
) -> str:
    """The report in one format; every format module has ``render(report, ...) -> str``."""
    from importlib import import_module

    module = import_module(REPORTERS[output_format])
    if output_format in ("json", "jsonl"):
        return str(module.render(report, passes=passes))
    if output_format == "text":
        return str(module.render(report, colour=colour, hints=hints))
    if output_format in AUDIENCE_FORMATS:
        return str(module.render(report, audience=audience))
    return str(module.render(report))


def outputs_for(
    output_format: str,
    target: str | None,
    audience: str = "internal",
    *,
    colour: bool = False,
    hints: bool = True,
    passes: bool = False,
    statistics: bool = False,
) -> Any:
    """A report to write as results arrive (``report.stream.Output``)."""
    from functools import partial

    from qrules.report.stream import Output

    whole = partial(
        render,
        output_format=output_format,
        colour=colour,
        hints=hints,
        audience=audience,
        passes=passes,
    )
    return Output(
        output_format,
        target,
        whole,
        colour=colour,
        hints=hints,
        passes=passes,
        statistics=statistics,
    )


def emit(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from qrules.fileio import write_atomic

    write_atomic(output, text)


def is_tty() -> bool:
    """Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org)."""
    import os

    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")
