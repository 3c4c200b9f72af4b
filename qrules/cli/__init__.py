"""The command line: thin click commands over the Python API; each returns an exit code.

Exit codes (stable): 0 nothing reached ``--fail-on``; 1 something did; 2 qrules could not
do its job (a bad ruleset, a bad option, an output it cannot write); 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from qrules import __version__
from qrules.errors import QrulesError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for a command stopped by Ctrl-C
FORMATS = ("text", "json")
F = TypeVar("F", bound=Callable[..., Any])


def handles_errors(command: F) -> F:
    """Turn qrules' own errors into a located message and exit code 2, never a traceback."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except QrulesError as error:
            click.echo(error.render(), err=True)
            sys.exit(EXIT_ERROR)

    wrapper.__name__ = command.__name__
    wrapper.__doc__ = command.__doc__
    return wrapper  # type: ignore[return-value]


class Commands(click.Group):
    """The qrules command group: Ctrl-C in any command is exit 130. Click's own handling
    prints "Aborted!" and exits 1, the findings code, which a CI script would read as
    "the agreements fail"."""

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


REPORT_FORMATS = ("text", "json", "sarif", "junit", "markdown", "html", "coverage", "coverage-json")
REPORTERS = {name: f"qrules.report.{name.replace('-', '_')}" for name in REPORT_FORMATS}
AUDIENCE_FORMATS = ("markdown", "html")  # the formats a person outside the company may read


def _parse_reports(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> list[tuple[str, str]]:
    """``--report FORMAT=FILE`` values as (format, file) pairs."""
    pairs = []
    for value in values:
        name, sep, target = value.partition("=")
        if not sep or not target:
            raise click.BadParameter(f"{value!r} is not FORMAT=FILE, e.g. sarif=qrules.sarif")
        if name not in REPORT_FORMATS:
            raise click.BadParameter(f"unknown format {name!r}; one of {', '.join(REPORT_FORMATS)}")
        pairs.append((name, target))
    return pairs


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--ruleset",
    "-r",
    "rulesets",
    multiple=True,
    metavar="NAME|PATH",
    help="A built-in ruleset (iso9001, automotive...) or a .qr file or folder. Repeatable. "
    "Default: the configuration's rulesets, else iso9001.",
)
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    show_default=True,
    help="Format of the report on standard output (or in --output). markdown is the review "
    "memo, html the same as one page; coverage is the clause coverage matrix in Markdown, "
    "coverage-json the same as JSON.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    help="Write the report here (atomically) instead of standard output. Checked before "
    "any agreement is read: a missing folder or an unwritable file is exit 2 at once.",
)
@click.option(
    "--report",
    "reports",
    multiple=True,
    metavar="FORMAT=FILE",
    callback=_parse_reports,
    help="Also write a report in FORMAT to FILE (atomically). Repeatable: "
    "--report sarif=qrules.sarif --report junit=qrules.xml.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "note"]),
    help="Lowest severity that makes the check fail (exit 1). Default: the configuration's, "
    "else error.",
)
@click.option(
    "--schema",
    metavar="auto|none|FILE",
    help="Agreement schema: the built-in one for `agreement: qrules/v1`, none, or a "
    "JSON Schema file. Default: the configuration's, else auto.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, exists=True),
    help="Use this configuration file instead of the nearest .qrules.yaml.",
)
@click.option("--no-config", is_flag=True, help="Use no .qrules.yaml.")
@click.option(
    "--agreements-only",
    is_flag=True,
    help="Skip named files that are not agreements: outside the configuration's include "
    "globs or, without them, not declaring `agreement:`; and excluded ones. For hooks, which "
    "pass every YAML, JSON and Markdown file. If no file is left, this is said on standard "
    "error, the reports are written empty (0 agreements) and the exit code is 0.",
)
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Check as of this date (waiver expiry, today()); default: the real date.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 256),
    default=1,
    show_default=True,
    help="Check files in this many processes.",
)
@click.option("--quiet", "-q", is_flag=True, help="No hint lines in text output.")
@click.option(
    "--audience",
    type=click.Choice(["internal", "counterparty"]),
    default="internal",
    show_default=True,
    help="Who the markdown and html memos are for. The counterparty version says what must "
    "change and why, by clause, without our fallback positions, approvers or reasons.",
)
@handles_errors
def check(
    paths: tuple[str, ...],
    rulesets: tuple[str, ...],
    output_format: str,
    output: str | None,
    reports: list[tuple[str, str]],
    fail_on: str | None,
    schema: str | None,
    config_file: str | None,
    no_config: bool,
    agreements_only: bool,
    today: dt.datetime | None,
    jobs: int,
    quiet: bool,
    audience: str,
) -> None:
    """Check agreements (YAML, JSON, Markdown front matter) and report every conflict.

    PATHS are agreement files or folders, which are searched for .yaml, .yml, .json and
    .md files. Without PATHS, the agreements of the configuration's folder are checked.

    \b
    Exit codes:
      0    no finding reaches --fail-on (also: --agreements-only selected no file)
      1    a finding reaches --fail-on
      2    qrules cannot do its job: a bad ruleset or option, a report it cannot write
      130  interrupted (Ctrl-C); no report is left half-written
    """
    from qrules import config as configuration
    from qrules.engine.batch import check_files

    found = _configuration(paths, config_file, no_config)
    run = configuration.settings(found, rulesets=rulesets, fail_on=fail_on, schema=schema)
    targets = _check_targets(output, reports)
    files = _files(paths, found, agreements_only)
    _refuse_inputs(targets, files)
    report = check_files(
        run.rulesets,
        files,
        today=today.date() if today else None,
        schema=run.schema,
        fail_on=run.fail_on,
        jobs=jobs,
    )
    report = configuration.apply_overrides(report, found)
    for report_format, target in reports:
        emit(render(report, report_format, audience=audience), target)
    colour = output is None and _is_tty()
    emit(render(report, output_format, colour=colour, hints=not quiet, audience=audience), output)
    sys.exit(EXIT_FINDINGS if report.failed else EXIT_OK)


def _configuration(paths: tuple[str, ...], config_file: str | None, no_config: bool) -> Any:
    from qrules import config as configuration

    if config_file and no_config:
        raise click.UsageError("--config and --no-config exclude each other")
    if no_config:
        return None
    path = config_file or configuration.discover(list(paths))
    return configuration.load_config(path) if path else None


def _files(paths: tuple[str, ...], found: Any, agreements_only: bool) -> list[str]:
    import os

    from qrules import config as configuration

    if paths:
        files = configuration.select_files(list(paths), found, agreements_only=agreements_only)
    elif found is None:
        raise click.UsageError(
            "name the agreement files or folders to check (or add a .qrules.yaml: "
            "then `qrules check` checks the agreements of its folder)"
        )
    else:
        paths = (os.path.relpath(found.root),)
        files = configuration.select_files(list(paths), found, agreements_only=True)
    if not files and not agreements_only:
        raise click.UsageError(f"no agreement files found in {', '.join(paths)}")
    if not files:
        # A hook handed only other files: not a failure, but say so, and still write the
        # (empty) reports that the CI steps after it expect to find.
        click.echo(
            "qrules: no agreements selected (--agreements-only skipped every file)", err=True
        )
    return files


def _check_targets(output: str | None, reports: list[tuple[str, str]]) -> dict[str, str]:
    """Fail before any agreement is read if a report could not be written at the end:
    distinct files, each writable. The targets by resolved path."""
    import os

    from qrules.fileio import check_writable

    targets: dict[str, str] = {}
    for target in [target for _, target in reports] + ([output] if output else []):
        real = os.path.realpath(target)  # ./a.json, a.json and a link to it are one file
        if real in targets:
            also = "" if targets[real] == target else f" (named {target} too)"
            raise click.UsageError(f"two reports would be written to {targets[real]}{also}")
        check_writable(target)
        targets[real] = target
    return targets


def _refuse_inputs(targets: dict[str, str], files: list[str]) -> None:
    """A report written over an agreement it checks would destroy the agreement."""
    import os

    from qrules.fileio import cannot_write

    for file in files:
        target = targets.get(os.path.realpath(file))
        if target is not None:
            raise cannot_write(
                target, f"it is the agreement {file}", hint="write the report to another file"
            )


def render(
    report: Any,
    output_format: str,
    *,
    colour: bool = False,
    hints: bool = True,
    audience: str = "internal",
) -> str:
    """The report in one format; every format module has ``render(report, ...) -> str``."""
    from importlib import import_module

    module = import_module(REPORTERS[output_format])
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


def _is_tty() -> bool:
    """Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org)."""
    import os

    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


@cli.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@handles_errors
def init(directory: str, force: bool) -> None:
    """Set up a repository: .qrules.yaml, a pre-commit hook and an example agreement.

    DIRECTORY defaults to the current folder. Existing files are left alone (and nothing
    is written) unless --force is given.
    """
    from pathlib import Path

    from qrules.config import display
    from qrules.config.scaffold import write_init

    for path in write_init(Path(directory), force=force):
        click.echo(f"wrote {display(path)}")
    click.echo("next: git init (if needed), pip install pre-commit, pre-commit install")


@cli.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write it to this file.")
@handles_errors
def schema(output: str | None) -> None:
    """Print the JSON Schema (2020-12) of qrules/v1 agreements, for editors and validators."""
    from qrules.resources import schema_path

    emit(schema_path().read_text(encoding="utf-8"), output)


def main() -> None:
    cli(prog_name="qrules")


def _register_commands() -> None:
    from qrules.cli.sample import sample

    cli.add_command(sample)


_register_commands()


# ---------------------------------------------------------------------------- ruleset authors


@cli.command("test")
@click.argument("rulesets", nargs=-1)
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Default check date for tests without `# today:` (default: the real date).",
)
@click.option(
    "--require-coverage", is_flag=True, help="Fail when a rule has no test that makes it fire."
)
@handles_errors
def test_command(
    rulesets: tuple[str, ...], today: dt.datetime | None, require_coverage: bool
) -> None:
    """Run the annotated example agreements in each ruleset's tests/ folder.

    RULESETS are built-in names, .qr files or folders (searched for ruleset folders with a
    tests/ folder). Default: every built-in ruleset.
    """
    from qrules.authoring.testing import run_suite, test_folders
    from qrules.resources import rulesets_dir

    specs = list(rulesets) or [str(rulesets_dir())]
    day = today.date() if today else dt.date.today()
    suites = [run_suite(spec, tests, day) for spec, tests in test_folders(specs)]
    click.echo(render_tests(suites), nl=False)
    cases = sum(len(s.cases) for s in suites)
    failed = sum(s.failed for s in suites)
    uncovered = require_coverage and any(s.uncovered for s in suites)
    if any(s.error for s in suites):
        sys.exit(EXIT_ERROR)  # a ruleset that does not load is not a failing test
    sys.exit(EXIT_FINDINGS if failed or uncovered or not cases else EXIT_OK)


def render_tests(suites: list[Any]) -> str:
    lines = [f"{s.name} " + "".join("." if c.passed else "F" for c in s.cases) for s in suites]
    for suite in suites:
        if suite.error:
            lines += ["", f"ERROR {suite.name}", suite.error]
        for case in (c for c in suite.cases if not c.passed):
            lines += ["", f"FAILED {case.path}"] + [f"  {p}" for p in case.problems]
    gaps = [(s.name, s.uncovered) for s in suites if s.uncovered]
    if gaps:
        lines.append("")
        lines += [f"coverage: {name}: no test makes {', '.join(ids)} fire" for name, ids in gaps]
    cases = [c for s in suites for c in s.cases]
    passed = sum(c.passed for c in cases)
    if not cases:
        lines += ["", "no rule tests found (put annotated agreements in a ruleset's tests/)"]
    failed = len(cases) - passed + sum(bool(s.error) for s in suites)
    lines += ["", f"{passed} passed, {failed} failed"]
    return "\n".join(lines) + "\n"


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format", "-f", "output_format", type=click.Choice(FORMATS), default="text", show_default=True
)
@handles_errors
def lint(paths: tuple[str, ...], output_format: str) -> None:
    """Find mistakes in rulesets before anything runs.

    PATHS are .qr files, folders of them, or built-in ruleset names. Checks syntax, field
    paths against the agreement schema, types, enum values, unreachable tiers, unused lets,
    regular expressions, duplicate ids and missing refs.
    """
    from qrules.authoring.lint import duplicate_ids, lint_text
    from qrules.ruleset import display_path, read_ruleset_text, resolve

    located = {display_path(f): f for p in paths for f in resolve(p)}
    files = {shown: read_ruleset_text(path) for shown, path in located.items()}
    findings = [
        f for shown, text in files.items() for f in lint_text(text, shown, located[shown].parent)
    ]
    findings = sorted(findings + duplicate_ids(files))
    if output_format == "json":
        import json

        data = {"files": len(files), "findings": [f.to_json() for f in findings]}
        click.echo(json.dumps(data, indent=2))
    else:
        for f in findings:
            click.echo(f"{f.source}:{f.line}:{f.column}: {f.severity} {f.check} {f.message}")
            if f.hint:
                click.echo(f"    hint: {f.hint}")
        click.echo(f"{len(files)} ruleset files linted: {len(findings)} findings")
    sys.exit(EXIT_FINDINGS if findings else EXIT_OK)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--check", "mode", flag_value="check", help="Exit 1 if a file would change.")
@click.option("--diff", "mode", flag_value="diff", help="Print a unified diff of the changes.")
@click.option("--write", "mode", flag_value="write", help="Rewrite files in place (atomically).")
@handles_errors
def fmt(paths: tuple[str, ...], mode: str | None) -> None:
    """Put rulesets in the one canonical layout, keeping every comment.

    Without an option the formatted text is printed. PATHS are .qr files, folders of them, or
    built-in ruleset names.
    """
    import difflib

    from qrules.ruleset import read_ruleset_text, resolve
    from qrules.syntax.format import format_text

    changed, broken = [], False
    for path in (f for p in paths for f in resolve(p)):
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
    sys.exit(EXIT_ERROR if broken else EXIT_FINDINGS if changed and mode != "write" else EXIT_OK)


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


@cli.command()
@click.argument("rule_id")
@click.option(
    "--ruleset",
    "-r",
    "rulesets",
    multiple=True,
    metavar="NAME|PATH",
    help="Where to look (default: every built-in ruleset).",
)
@handles_errors
def explain(rule_id: str, rulesets: tuple[str, ...]) -> None:
    """Show a rule: title, severity, refs, scope, source with file:line, hint, test examples."""
    from qrules.authoring import docs as ruledoc

    entry = ruledoc.find(rule_id, _rulesets_for_docs(rulesets))
    click.echo(ruledoc.explain(entry), nl=False)


@cli.command()
@click.argument("rulesets", nargs=-1)
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(["markdown", "html"]),
    default="markdown",
    show_default=True,
)
@click.option("--title", help="Page title (default: the ruleset's own, or 'Built-in rulesets').")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write it to this file.")
@handles_errors
def doc(
    rulesets: tuple[str, ...], output_format: str, title: str | None, output: str | None
) -> None:
    """Write a reference page for rulesets: rules grouped by the clause they cite.

    RULESETS are built-in names, .qr files or folders; default: every built-in ruleset.
    """
    from qrules.authoring import docs as ruledoc
    from qrules.fileio import check_writable

    if output:
        check_writable(output)  # before the rulesets load
    loaded = _rulesets_for_docs(rulesets)
    if title is None and len(loaded) != 1:
        title = "Built-in rulesets" if not rulesets else "Rulesets"
    if output_format == "html":
        page = ruledoc.html_page(loaded, title or loaded[0].title or loaded[0].name)
    else:
        page = ruledoc.markdown(loaded, title)
    emit(page, output)


def _rulesets_for_docs(specs: tuple[str, ...]) -> tuple[Any, ...]:
    from qrules.resources import rulesets_dir
    from qrules.ruleset import load_ruleset

    return load_ruleset(*(specs or (str(rulesets_dir()),))).rulesets
