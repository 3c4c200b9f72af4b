"""The command line: thin click commands over the Python API; each returns an exit code
(``run``). A command's module is imported only when the command runs, so the pre-commit
hook's ``qrules check`` pays for nothing else.

``check`` checks agreements, ``setup`` has ``init`` and ``schema``, ``authoring`` the
ruleset authors' commands, ``sample`` sampling plans; ``output`` renders and writes reports.
"""

from __future__ import annotations

import contextlib
import os
import sys
from importlib import import_module
from typing import Any

import click

from qrules import __version__
from qrules.cli.run import EXIT_ERROR, EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK
from qrules.fileio import UNENCODABLE

__all__ = ["EXIT_ERROR", "EXIT_FINDINGS", "EXIT_INTERRUPTED", "EXIT_OK", "cli", "main"]

# command name → (module, function), in the order `qrules --help` lists them
COMMANDS = {
    "check": ("qrules.cli.check", "check"),
    "merge": ("qrules.cli.merge", "merge"),
    "init": ("qrules.cli.setup", "init"),
    "schema": ("qrules.cli.setup", "schema"),
    "lint": ("qrules.cli.authoring", "lint"),
    "test": ("qrules.cli.authoring", "test_command"),
    "fmt": ("qrules.cli.authoring", "fmt"),
    "explain": ("qrules.cli.authoring", "explain"),
    "doc": ("qrules.cli.authoring", "doc"),
    "rulesets": ("qrules.cli.rulesets", "rulesets"),
    "sample": ("qrules.cli.sample", "sample"),
    "negotiate": ("qrules.cli.negotiate", "negotiate"),
    "diff": ("qrules.cli.diff", "diff"),
    "baseline": ("qrules.cli.diff", "baseline"),
}


class Commands(click.Group):
    """The qrules command group: commands load on first use, and Ctrl-C in any of them is
    exit 130. Click's own handling prints "Aborted!" and exits 1, the findings code, which a
    CI script would read as "the agreements fail"."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, function = COMMANDS[name]
        command = getattr(import_module(module), function)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("qrules: interrupted", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qrules")
def cli() -> None:
    """Check quality agreements against ISO 9001 and your organisation's rules."""


def main() -> None:
    for stream in (sys.stdout, sys.stderr):  # a report never fails on text UTF-8 cannot hold
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors=UNENCODABLE)  # type: ignore[union-attr]
    try:
        cli(prog_name="qrules")
    except SystemExit as done:
        if done.code != EXIT_INTERRUPTED:
            raise
        # After Ctrl-C, leave without the exit hooks: the worker pool's hook would write to
        # the pipes of workers the same Ctrl-C has killed, and print a traceback.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)
