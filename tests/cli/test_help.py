"""Every option of every command says what it does; dates say their format; choices are
listed."""

from __future__ import annotations

import click
import pytest

from qrules.cli import COMMANDS, cli
from tests.helpers import run_cli


def commands() -> list[tuple[str, click.Command]]:
    context = click.Context(cli)
    found = []
    for name in COMMANDS:
        command = cli.get_command(context, name)
        assert command is not None
        found.append((name, command))
    return found


@pytest.mark.parametrize(
    ("name", "command"), commands(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_option_has_help(name: str, command: click.Command) -> None:
    missing = [
        param.opts[0]
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden and not (param.help or "").strip()
    ]
    assert missing == [], f"qrules {name}: options without help: {missing}"


@pytest.mark.parametrize(
    ("name", "command"), commands(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_dates_say_their_format_and_choices_are_listed(name: str, command: click.Command) -> None:
    shown = run_cli(name, "--help").output
    for param in command.params:
        if not isinstance(param, click.Option):
            continue
        if isinstance(param.type, click.DateTime):
            assert "YYYY-MM-DD" in shown, f"qrules {name} {param.opts[0]}"
        if isinstance(param.type, click.Choice):
            listed = "|".join(str(choice) for choice in param.type.choices)
            assert listed in " ".join(shown.split()).replace(" | ", "|").replace("| ", "|"), (
                f"qrules {name} {param.opts[0]}: {listed}"
            )
