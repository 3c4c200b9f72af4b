"""What every command that loads rulesets takes from the command line and the nearest
``.qrules.yaml`` alike: the agreement schema (``--schema``) and values for the rulesets'
parameters (``--param``). One precedence for ``check``, ``test``, ``lint``, ``explain``,
``doc`` and ``negotiate``: the command line, then the configuration, then the rulesets' own
headers and defaults."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

SCHEMA_HELP = (
    "Agreement schema: a JSON Schema file, none, or auto (the rulesets' own `schema`, else "
    "the built-in one for `agreement: qrules/v1`). Default: the configuration's, else auto."
)
PARAM_HELP = (
    "A value for a ruleset's `param NAME`, written as in a ruleset (180 days, 95%, 3, "
    "\"text\", true), of the param's type. Repeatable; wins over the configuration's params."
)


def _read_params(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> Any:
    from qrules.compile import ParamValue, literal_value
    from qrules.compile.constants import NOT_LITERAL
    from qrules.errors import QrulesError
    from qrules.syntax.parser import parse_expression

    read = []
    for text in values:
        name, sep, written = text.partition("=")
        if not sep or not name.strip() or not written.strip():
            raise click.BadParameter(f"{text!r} is not NAME=VALUE, e.g. NOTICE=180 days")
        try:
            value = literal_value(parse_expression(written, "--param"))
        except QrulesError:
            value = NOT_LITERAL
        if value is NOT_LITERAL:
            raise click.BadParameter(
                f"{written!r} is not a value: write it as in a ruleset (180 days, 95%, "
                '"text", true, [1, 2])'
            )
        read.append(ParamValue(name.strip(), value, "--param"))
    return tuple(read)


def schema_option(command: F) -> F:
    return click.option("--schema", metavar="auto|none|FILE", help=SCHEMA_HELP)(command)


def param_option(command: F) -> F:
    return click.option(
        "--param",
        "params",
        multiple=True,
        metavar="NAME=VALUE",
        callback=_read_params,
        help=PARAM_HELP,
    )(command)


def config_options(command: F) -> F:
    """``--config FILE`` and ``--no-config``: which ``.qrules.yaml``, if any, to read."""
    command = click.option("--no-config", is_flag=True, help="Use no .qrules.yaml.")(command)
    return click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, exists=True),
        help="Use this configuration file instead of the nearest .qrules.yaml.",
    )(command)


def today_option(help: str) -> Callable[[F], F]:
    """``--today YYYY-MM-DD``: the date a command judges by; each command says what for."""
    return click.option(
        "--today", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD", help=help
    )


def rulesets_option(help: str, dest: str = "rulesets") -> Callable[[F], F]:
    """``--ruleset/-r NAME|PATH``, repeatable; each command says what the rulesets are for."""
    return click.option("--ruleset", "-r", dest, multiple=True, metavar="NAME|PATH", help=help)


def format_option(choices: Sequence[str], help: str) -> Callable[[F], F]:
    """``--format/-f``: one of the command's formats, text by default."""
    return click.option(
        "--format",
        "-f",
        "output_format",
        type=click.Choice(list(choices)),
        default="text",
        show_default=True,
        help=help,
    )


def run_options(command: F) -> F:
    """``--schema`` and ``--param``."""
    return schema_option(param_option(command))


@dataclass(frozen=True)
class Choices:
    schema: str | None  # a file, None for none, or "auto"
    params: dict[str, Any] = field(default_factory=dict)  # ParamValue by name


def run_choices(
    schema: str | None, params: Sequence[Any], paths: Sequence[str], found: Any = ...
) -> Choices:
    """The run's schema and params: the command line's, else the configuration's, else
    ``"auto"`` and none. ``found``: the configuration already read, if the caller has it."""
    from qrules import config as configuration

    given_file(schema)
    if found is ...:
        path = configuration.discover([p for p in paths if _is_path(p)])
        found = configuration.load_config(path) if path else None
    chosen = configuration.settings(found, schema=schema, params=params)
    return Choices(chosen.schema, dict(chosen.params))


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
