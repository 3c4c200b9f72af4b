"""Helpers for tests: run the real CLI, write real files, list findings plainly."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

from click.testing import CliRunner, Result

from qrules.cli import cli
from qrules.engine import check
from qrules.ruleset import compile_text, load_ruleset

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference"
TODAY = dt.date(2026, 11, 26)


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def findings_of(ruleset_text: str, agreement: Path) -> list[tuple[str, int, int]]:
    """(rule, line, column) of every finding of one agreement under one ruleset text."""
    ruleset_file = agreement.parent / "rules.qr"
    ruleset_file.write_text(dedent(ruleset_text), encoding="utf-8")
    result = check(load_ruleset(ruleset_file), agreement, today=TODAY)
    return [(f.rule, f.line, f.column) for f in result.findings]


def compile_rules(text: str):  # type: ignore[no-untyped-def]
    return compile_text(dedent(text), "test.qr")
