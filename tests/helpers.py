"""Helpers for tests: run the real CLI, write real files, list findings plainly."""

from __future__ import annotations

import datetime as dt
import html.parser
import textwrap
from pathlib import Path
from typing import ClassVar

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


CHROMIUM_FLAGS = [  # headless, offline, as root in a sandbox (see the workplace's env notes)
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def browser_dom(page: Path) -> str:
    """The DOM a real browser (headless Chromium) builds from an HTML file.

    Skips the calling test, with the reason, where Chromium is not installed.
    """
    import shutil
    import subprocess
    import tempfile

    import pytest

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed (apt-get install chromium): browser check skipped")
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--dump-dom",
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


class Outline(html.parser.HTMLParser):
    """Checks that tags nest and close, and collects what the tests look at."""

    VOID: ClassVar[set[str]] = {"meta", "br", "img", "input", "link"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack.pop() == tag, f"</{tag}> closes something else"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def outline(text: str) -> Outline:
    parsed = Outline()
    parsed.feed(text)
    assert parsed.stack == []
    return parsed
