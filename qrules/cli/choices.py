"""What every command that loads rulesets takes from the command line and the nearest
``.qrules.yaml`` alike: the agreement schema (``--schema``) and the rulesets' parameters
(``--param``). One precedence for ``check``, ``test``, ``lint``, ``explain``, ``doc`` and
``negotiate``: the command line, then the configuration, then the rulesets' own headers
and defaults."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

SCHEMA_HELP = (
    "Agreement schema: a JSON Schema file, none, or auto (the rulesets' own `schema`, else "
    "the built-in one for `agreement: qrules/v1`). Default: the configuration's, else auto."
)


def schema_option(command: F) -> F:
    return click.option("--schema", metavar="auto|none|FILE", help=SCHEMA_HELP)(command)


def run_schema(schema: str | None, paths: Sequence[str], found: Any = ...) -> str | None:
    """The run's schema choice: ``--schema``, else the configuration's, else ``"auto"``
    (None: no schema). ``found``: the configuration already read, if the caller has it."""
    from qrules import config as configuration

    given_file(schema)
    if found is ...:
        path = configuration.discover([p for p in paths if _is_path(p)])
        found = configuration.load_config(path) if path else None
    return configuration.settings(found, schema=schema).schema


def _is_path(spec: str) -> bool:
    from pathlib import Path

    return Path(spec).exists()


def given_file(schema: str | None) -> None:
    """A ``--schema FILE`` that is no file is a usage error, not a ruleset's."""
    from pathlib import Path

    if schema not in (None, "auto", "none") and not Path(str(schema)).is_file():
        raise click.BadParameter(
            f"no file {schema!r} (give auto, none or a JSON Schema file)", param_hint="--schema"
        )
