"""How every command ends: with an exit code it returns. qrules' own errors become a
located message and exit 2 here, once; Ctrl-C becomes exit 130 in the command group.

Exit codes (stable): 0 nothing reached ``--fail-on``; 1 something did; 2 qrules could not
do its job (a bad ruleset, a bad option, an output it cannot write); 130 interrupted.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from qrules.errors import QrulesError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for a command stopped by Ctrl-C
F = TypeVar("F", bound=Callable[..., Any])


def exits(command: F) -> F:
    """The command returns its exit code; a QrulesError is printed where it happened and
    is exit 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            code = command(*args, **kwargs)
        except QrulesError as error:
            click.echo(error.render(), err=True)
            code = EXIT_ERROR
        raise click.exceptions.Exit(code or EXIT_OK)

    return wrapper  # type: ignore[return-value]
