"""``qrules init`` and ``qrules schema``: setting a repository up for qrules."""

from __future__ import annotations

import click

from qrules.cli.output import emit
from qrules.cli.run import EXIT_OK, exits


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option(
    "--ruleset",
    metavar="NAME",
    help="Also start a ruleset: rulesets/NAME/NAME.qr with one rule and one term, annotated "
    "rule tests in its tests/, listed in .qrules.yaml (added to an existing one).",
)
@exits
def init(directory: str, force: bool, ruleset: str | None) -> int:
    """Set up a repository: .qrules.yaml, pre-commit hooks and an example agreement.

    DIRECTORY defaults to the current folder. Existing files are left alone (and nothing
    is written) unless --force is given.
    """
    from pathlib import Path

    from qrules.config import display
    from qrules.config.scaffold import write_init

    for path in write_init(Path(directory), force=force, ruleset=ruleset):
        click.echo(f"wrote {display(path)}")
    if ruleset:
        click.echo(f"next: edit rulesets/{ruleset}/{ruleset}.qr, then qrules test")
    else:
        click.echo("next: git init (if needed), pip install pre-commit, pre-commit install")
    return EXIT_OK


@click.command()
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), help="Write it to this file (atomically)."
)
@click.option(
    "--config", "of_config", is_flag=True, help="The schema of .qrules.yaml instead of agreements."
)
@click.option(
    "--extend",
    is_flag=True,
    help="A starting point for your own schema: the built-in one by $ref, plus typed fields "
    "of your own.",
)
@exits
def schema(output: str | None, of_config: bool, extend: bool) -> int:
    """Print the JSON Schema (2020-12) of qrules/v1 agreements, or with --config of the
    .qrules.yaml configuration, for editors and validators; with --extend, a schema of your
    own that extends it."""
    from qrules.resources import config_schema_path, schema_path
    from qrules.schema import extension_skeleton

    if extend and of_config:
        raise click.UsageError("--extend and --config exclude each other")
    if extend:
        emit(extension_skeleton(), output)
        return EXIT_OK
    path = config_schema_path() if of_config else schema_path()
    emit(path.read_text(encoding="utf-8"), output)
    return EXIT_OK
