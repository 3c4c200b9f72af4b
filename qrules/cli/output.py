"""Reports out: each format module renders a report to text; written to standard output
or, atomically, to a file."""

from __future__ import annotations

import sys
from typing import Any

import click

REPORT_FORMATS = ("text", "json", "sarif", "junit", "markdown", "html", "coverage", "coverage-json")
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
    if output_format == "json":
        return str(module.render(report, passes=passes))
    if output_format == "text":
        return str(module.render(report, colour=colour, hints=hints))
    if output_format in AUDIENCE_FORMATS:
        return str(module.render(report, audience=audience))
    return str(module.render(report))


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
