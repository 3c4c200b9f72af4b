"""Terms speak for themselves (issue 13): a tier's text with `{…}` holes is the finding's
whole message, with `{value}` the term's value; plain text stays the reason it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qrules.engine import check
from qrules.ruleset import load_ruleset
from tests.helpers import REPO, TODAY, run_cli

Write = Callable[[str, str], Path]
CLEAN = REPO / "examples" / "quickstart" / "clean.yaml"  # records.retention: 10 years

TERM = """\
ruleset t

let LIFE = 15 years

term T-RET "Record retention" at records.retention
  ref "QP-9"
  prefer >= LIFE
  accept >= 12 years approval "Quality Director" "Retention {value} needs the Quality Director"
  reject REASON
"""


def messages(write: Write, reason: str) -> list[tuple[str, str | None, str]]:
    rules = load_ruleset(write("t.qr", TERM.replace("REASON", reason)))
    result = check(rules, CLEAN, today=TODAY)
    return [(f.severity, f.tier, f.message) for f in result.findings]


def test_a_tier_message_reads_as_a_sentence(write: Write) -> None:
    found = messages(write, '"Shorter than the product\'s life ({LIFE}): {value}"')
    assert found == [("error", "reject", "Shorter than the product's life (15 years): 10 years")]


def test_a_plain_reason_is_appended_as_before(write: Write) -> None:
    found = messages(write, '"Shorter than the product\'s life"')
    assert found == [
        (
            "error",
            "reject",
            "Record retention 10 years is rejected: Shorter than the product's life",
        )
    ]


def test_the_accept_tier_speaks_too(write: Write) -> None:
    text = TERM.replace("REASON", '"x"').replace(">= 12 years", ">= 5 years")
    result = run_cli("check", str(CLEAN), "-r", str(write("t.qr", text)))
    assert "note T-RET Retention 10 years needs the Quality Director" in result.output


def test_lint_checks_the_holes_of_tier_messages(write: Write) -> None:
    path = write("t.qr", TERM.replace("REASON", '"{value} is below {records.retentoin}"'))
    assert "has no field `retentoin`" in run_cli("lint", str(path)).output
