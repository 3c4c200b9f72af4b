"""Commands for ruleset authors: ``test``, ``lint``, ``fmt``, ``explain``, ``doc``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from qrules.cli.choices import (
    format_option,
    rulesets_option,
    run_choices,
    run_options,
    today_option,
)
from qrules.cli.output import emit
from qrules.cli.run import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, exits
from qrules.errors import QrulesError

FORMATS = ("text", "json")


@click.command("test")
@click.argument("rulesets", nargs=-1)
@today_option("Check date for tests without a `# today:` line (default: the real date).")
@click.option(
    "--require-coverage",
    is_flag=True,
    help="Fail when a rule has no test that makes it fire, or a tier of a term (prefer "
    "tiers too) decides in no test.",
)
@format_option(
    ["text", "json", "junit"],
    "text: a dot per test and each failure; json; junit: JUnit XML for CI test views.",
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), help="Write the results to this file."
)
@run_options
@exits
def test_command(
    rulesets: tuple[str, ...],
    today: dt.datetime | None,
    require_coverage: bool,
    output_format: str,
    output: str | None,
    schema: str | None,
    params: tuple[Any, ...],
) -> int:
    """Run the annotated example agreements in each ruleset's tests/ folder.

    RULESETS are built-in names, .qr files or folders (searched for ruleset folders with a
    tests/ folder). Default: the rulesets of the .qrules.yaml, else every built-in ruleset.

    \b
    A test's header says what must fire:
      # expect: RULE, RULE@LINE, RULE@LINE[accept|reject], RULE[warning],
      #         RULE@LINE ~ "part of the message"     (or: # expect: none)
      # today: YYYY-MM-DD
    """
    from qrules.authoring.test_report import render, totals
    from qrules.authoring.testing import run_suite, test_folders

    if output:
        from qrules.fileio import check_writable

        check_writable(output)
    day = today.date() if today else dt.date.today()
    specs = _own_rulesets(rulesets)
    chosen = run_choices(schema, params, specs)
    suites = [
        run_suite(spec, tests, day, chosen.schema, chosen.params)
        for spec, tests in test_folders(specs)
    ]
    emit(render(suites, output_format, require_coverage), output)
    if output:
        passed, failed = totals(suites)
        click.echo(f"{passed} passed, {failed} failed", err=True)
    uncovered = require_coverage and any(s.uncovered or s.uncovered_tiers for s in suites)
    if any(s.error for s in suites):
        return EXIT_ERROR  # a ruleset that does not load is not a failing test
    failed = sum(s.failed for s in suites)
    cases = sum(len(s.cases) for s in suites)
    return EXIT_FINDINGS if failed or uncovered or not cases else EXIT_OK


@click.command()
@click.argument("paths", nargs=-1)
@format_option(
    FORMATS,
    "text: file:line:col: severity check message; json: for tools.",
)
@run_options
@exits
def lint(
    paths: tuple[str, ...], output_format: str, schema: str | None, params: tuple[Any, ...]
) -> int:
    """Find mistakes in rulesets before anything runs.

    PATHS are .qr files, folders of them, or built-in ruleset names; default: the rulesets
    of the .qrules.yaml that are files or folders. Checks syntax, field
    paths against the agreement schema, types, enum values, unreachable tiers, unused lets,
    regular expressions, duplicate ids and missing refs.
    """
    from qrules.authoring.lint import conflicts, duplicate_ids, lint_text
    from qrules.ruleset import display_path, read_ruleset_text, resolve

    specs = _own_files(paths, "lint")
    chosen = run_choices(schema, params, specs)
    located = {display_path(f): f for p in specs for f in resolve(p)}
    files = {shown: read_ruleset_text(path) for shown, path in located.items()}
    findings = [
        f
        for shown, text in files.items()
        for f in lint_text(text, shown, located[shown].parent, chosen.schema, chosen.params)
    ]
    findings = sorted(findings + duplicate_ids(files) + conflicts(files))
    if output_format == "json":
        import json

        data = {"files": len(files), "findings": [f.to_json() for f in findings]}
        click.echo(json.dumps(data, indent=2))
    else:
        for f in findings:
            click.echo(f"{f.source}:{f.line}:{f.column}: {f.severity} {f.check} {f.message}")
            if f.context:
                click.echo(f.context)
            if f.hint:
                click.echo(f"    hint: {f.hint}")
        click.echo(f"{len(files)} ruleset files linted: {len(findings)} findings")
    return EXIT_FINDINGS if findings else EXIT_OK


@click.command()
@click.argument("paths", nargs=-1)
@click.option("--check", "mode", flag_value="check", help="Exit 1 if a file would change.")
@click.option("--diff", "mode", flag_value="diff", help="Print a unified diff of the changes.")
@click.option("--write", "mode", flag_value="write", help="Rewrite files in place (atomically).")
@exits
def fmt(paths: tuple[str, ...], mode: str | None) -> int:
    """Put rulesets in the one canonical layout, keeping every comment.

    Without an option the formatted text is printed. PATHS are .qr files, folders of them, or
    built-in ruleset names; default: the rulesets of the .qrules.yaml that are files or
    folders.
    """
    import difflib

    from qrules.ruleset import read_ruleset_text, resolve
    from qrules.syntax.format import format_text

    changed, broken = [], False
    for path in (f for p in _own_files(paths, "fmt") for f in resolve(p)):
        text = read_ruleset_text(path)
        try:
            formatted = format_text(text, str(path))
        except QrulesError as error:
            click.echo(error.render(), err=True)
            broken = True
            continue
        if mode is None:
            click.echo(formatted, nl=False)
        elif formatted != text:
            changed.append(str(path))
            if mode == "diff":
                diff = difflib.unified_diff(
                    text.splitlines(True),
                    formatted.splitlines(True),
                    f"{path} (original)",
                    f"{path} (formatted)",
                )
                click.echo("".join(diff), nl=False)
            elif mode == "check":
                click.echo(f"would reformat {path}")
            elif not _write_formatted(path, formatted):
                changed.pop()  # "N files reformatted" counts the files written
                broken = True
    if mode is not None:
        verb = "reformatted" if mode == "write" else "would be reformatted"
        click.echo(f"{len(changed)} file{'s' * (len(changed) != 1)} {verb}", err=mode != "write")
    return EXIT_ERROR if broken else EXIT_FINDINGS if changed and mode != "write" else EXIT_OK


def _write_formatted(path: Any, text: str) -> bool:
    """Rewrite one file; a file that cannot be written is reported and the others still
    formatted, as for a file that does not parse (exit 2 at the end)."""
    from qrules.fileio import write_atomic

    try:
        write_atomic(path, text)
    except QrulesError as error:
        click.echo(error.render(), err=True)
        return False
    click.echo(f"formatted {path}")
    return True


@click.command()
@click.argument("rule_id")
@rulesets_option(
    "Where to look. Repeatable. Default: the rulesets of the .qrules.yaml and every "
    "built-in ruleset."
)
@run_options
@exits
def explain(
    rule_id: str, rulesets: tuple[str, ...], schema: str | None, params: tuple[Any, ...]
) -> int:
    """Show a rule: title, severity, refs, scope, source with file:line, hint, test examples."""
    from qrules.authoring import docs as ruledoc

    entry = ruledoc.find(rule_id, _rulesets_for_docs(rulesets, schema, params, with_builtins=True))
    click.echo(ruledoc.explain(entry), nl=False)
    return EXIT_OK


@click.command()
@click.argument("rulesets", nargs=-1)
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(["markdown", "html"]),
    default="markdown",
    show_default=True,
    help="markdown (docs/rulesets.md is one) or html: one self-contained page.",
)
@click.option("--title", help="Page title (default: the ruleset's own, or 'Built-in rulesets').")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write it to this file.")
@run_options
@exits
def doc(
    rulesets: tuple[str, ...],
    output_format: str,
    title: str | None,
    output: str | None,
    schema: str | None,
    params: tuple[Any, ...],
) -> int:
    """Write a reference page for rulesets: rules grouped by the clause they cite.

    RULESETS are built-in names, .qr files or folders; default: the rulesets of the
    .qrules.yaml, else every built-in ruleset.
    """
    from qrules.authoring import docs as ruledoc
    from qrules.fileio import check_writable

    if output:
        check_writable(output)  # before the rulesets load
    loaded = _rulesets_for_docs(rulesets, schema, params)
    if title is None and len(loaded) != 1:
        title = "Built-in rulesets" if not rulesets else "Rulesets"
    if output_format == "html":
        page = ruledoc.html_page(loaded, title or loaded[0].title or loaded[0].name)
    else:
        page = ruledoc.markdown(loaded, title)
    emit(page, output)
    return EXIT_OK


def _rulesets_for_docs(
    specs: tuple[str, ...],
    schema: str | None,
    params: tuple[Any, ...],
    with_builtins: bool = False,
) -> tuple[Any, ...]:
    """The rulesets named; else the configuration's (with the built-in ones for lookups),
    else the built-in ones."""
    from qrules.config import nearest_config
    from qrules.resources import rulesets_dir
    from qrules.ruleset import load_ruleset

    chosen = run_choices(schema, params, specs)
    if not specs:
        config = nearest_config()
        builtins = (str(rulesets_dir()),)
        configured = config.rulesets if config else ()
        specs = (*configured, *builtins) if with_builtins or not configured else configured
    return load_ruleset(*specs, schema=chosen.schema, params=chosen.params).rulesets


def _own_files(given: tuple[str, ...], command: str) -> list[str]:
    """The rulesets named, else the files and folders the .qrules.yaml names."""
    own = list(given) or _configured_files()
    if not own:
        raise click.UsageError(
            f"name the rulesets to {command} (.qr files or folders), or list them under "
            "`rulesets:` in .qrules.yaml"
        )
    return own


def _own_rulesets(given: tuple[str, ...]) -> list[str]:
    """The rulesets named, else the configuration's, else the built-in ones."""
    from qrules.config import nearest_config
    from qrules.resources import rulesets_dir

    config = nearest_config() if not given else None
    return list(given or (config.rulesets if config else ()) or (str(rulesets_dir()),))


def _configured_files() -> list[str]:
    """The rulesets of the nearest .qrules.yaml that are files or folders (not built-in)."""
    from qrules.config import nearest_config

    config = nearest_config()
    return [spec for spec in config.rulesets if Path(spec).exists()] if config else []
