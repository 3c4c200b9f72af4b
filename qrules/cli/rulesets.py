"""``qrules rulesets``: the built-in rulesets, each with its version, size and description."""

from __future__ import annotations

import click

from qrules.cli.run import EXIT_OK, exits


@click.command()
@exits
def rulesets() -> int:
    """List the built-in rulesets: name (for --ruleset), version, rules and terms, title."""
    from qrules.ruleset import builtin_names, load_ruleset

    rows = [("name", "version", "rules", "description")]
    for name in builtin_names():
        for ruleset in load_ruleset(name).rulesets:
            rows.append(
                (name, ruleset.version or "-", str(len(ruleset.checks)), ruleset.title or "")
            )
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[3]]).rstrip())
    return EXIT_OK
