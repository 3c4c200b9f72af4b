"""The README shows real output, and CI runs the README's own commands."""

from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner

from qrules.cli import cli
from tests.helpers import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
CONSOLE = re.compile(r"```console\n\$ (?P<command>[^\n]+)\n(?P<output>.*?)```", re.S)


def sh_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, re.S)


@pytest.mark.parametrize("block", list(CONSOLE.finditer(README)), ids=lambda m: m["command"][:60])
def test_console_examples_show_real_output(block: re.Match[str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(REPO)
    program, *args = shlex.split(block["command"])
    assert program == "qrules"
    result = CliRunner().invoke(cli, args)
    expected = block["output"].splitlines()
    assert expected, "a console block shows the command's output"
    # A block that shows qrules refusing (a located error) must end in exit 2; any other
    # ends in 0 or 1 (findings). A crash never passes.
    refused = re.match(r"\S+:\d+:\d+: (syntax )?error: ", expected[0]) is not None
    assert result.exit_code in ((2,) if refused else (0, 1)), result.output
    assert not isinstance(result.exception, Exception) or result.exit_code == 2
    # A block may be abridged: what it shows is the start of the real output.
    assert result.output.splitlines()[: len(expected)] == expected


def test_readme_has_exactly_the_two_quick_start_commands() -> None:
    commands = [block.strip() for block in sh_blocks()]
    assert commands[:2] == [
        "pip install . && qrules check examples/agreements --ruleset iso9001",
        "pip install '.[test]' && pytest",
    ]


def test_ci_runs_the_readmes_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    test_command = sh_blocks()[1].strip()
    assert test_command in ci.splitlines()
