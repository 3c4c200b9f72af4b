"""Every syntax and compile error of a ruleset file in one run, each at its line with the
source line and a caret: in lint, and in check before it refuses the ruleset."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import REPO, run_cli

Write = Callable[[str, str | bytes], Path]
CLEAN = str(REPO / "examples" / "quickstart" / "clean.yaml")

TYPOS = """\
ruleset typos "Four typos"
  version "1"

rule A "Audit"
  ref "ISO 9001:2015 8.4.3 f)"
  requre audits.right_to_audit == true

rule B "Notice"
  ref "ISO 9001:2015 8.5.6"
  require change_control.notification >= 14 days
  mesage "short"

term C "AQL" at quality.aql.major
  ref "QP-7"
  prefer <= 0.65
  rejct "too lenient"

rule D "Approval"
  ref "ISO 9001:2015 8.5.6"
  require change_control.approval_required == true and audits.notise == 3 days
"""
WHERE = [(6, 3, "syntax"), (11, 3, "syntax"), (16, 3, "syntax"), (20, 63, "unknown-field")]


def test_lint_reports_every_error_of_a_file_at_once(write: Write) -> None:
    path = write("typos.qr", TYPOS)
    result = run_cli("lint", str(path))
    assert result.exit_code == 1
    heads = [line for line in result.output.splitlines() if line.startswith(str(path))]
    assert [tuple(h.split(":")[1:3]) for h in heads] == [(str(a), str(b)) for a, b, _ in WHERE]
    assert [h.split()[2] for h in heads] == [kind for *_, kind in WHERE]
    lines = result.output.splitlines()
    at = lines.index(heads[0])
    assert lines[at + 1 : at + 4] == [
        "    requre audits.right_to_audit == true",
        "    ^",
        "    hint: did you mean `require`?",
    ]
    assert '    mesage "short"' in lines and "    hint: did you mean `message`?" in lines
    assert "    hint: did you mean `reject`?" in lines
    assert "    hint: did you mean `notice`?" in lines
    assert lines[-1] == "1 ruleset files linted: 4 findings"


def test_check_shows_every_error_before_it_refuses_the_ruleset(write: Write) -> None:
    path = write("typos.qr", TYPOS)
    result = run_cli("check", CLEAN, "-r", str(path))
    assert result.exit_code == 2
    heads = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    # The syntax errors; the unknown field is lint's to find, once the ruleset reads.
    assert [tuple(map(int, h.split(":")[1:3])) for h in heads] == [(6, 3), (11, 3), (16, 3)]
    assert "Traceback" not in result.output


def test_an_error_that_only_follows_from_another_is_not_reported(write: Write) -> None:
    """Blanking the only tier of a term would leave a term without tiers: that is not a
    second mistake of the author's."""
    path = write(
        "only-tier.qr",
        """\
        ruleset one "One"
          version "1"

        term C "AQL" at quality.aql.major
          ref "QP-7"
          rejct > 1.0 "too lenient"

        rule D "Approval"
          ref "ISO 9001:2015 8.5.6"
          require change_control.approval_required = true
        """,
    )
    result = run_cli("lint", str(path))
    heads = [line for line in result.output.splitlines() if line.startswith(str(path))]
    assert [tuple(map(int, h.split(":")[1:3])) for h in heads] == [(6, 3), (10, 44)]


def test_an_error_in_the_header_stops_there(write: Write) -> None:
    path = write("header.qr", 'rulset h "H"\n\nrule A "a"\n  requre x\n')
    result = run_cli("lint", str(path))
    heads = [line for line in result.output.splitlines() if line.startswith(str(path))]
    assert len(heads) == 1 and heads[0].startswith(f"{path}:1:1: error syntax")


def test_a_clean_file_has_no_errors(write: Write) -> None:
    path = write(
        "clean.qr",
        TYPOS.replace("requre", "require")
        .replace("mesage", "message")
        .replace("rejct", "reject")
        .replace("notise", "notice"),
    )
    result = run_cli("lint", str(path))
    assert result.output.splitlines()[-1] == "1 ruleset files linted: 0 findings"


UNITS = (
    "a duration is a number and a unit: minutes, hours, days, weeks, months, years, business days"
)


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("14 dayz", f"did you mean `days`? {UNITS}"),
        ("7d", f"did you mean `days`? {UNITS}"),
        ("3mo", f"did you mean `months`? {UNITS}"),
        ("5 workdays", UNITS),
        ("5 bussiness days", f"did you mean `business days`? {UNITS}"),
    ],
)
def test_a_misspelt_unit_lists_the_units(write: Write, written: str, hint: str) -> None:
    path = write(
        "u.qr",
        f'ruleset u\nrule A "a"\n  ref "x"\n  require change_control.notification >= {written}\n',
    )
    result = run_cli("lint", str(path))
    assert f"    hint: {hint}" in result.output.splitlines(), result.output


def test_a_misspelt_true_suggests_true(write: Write) -> None:
    path = write(
        "t.qr", 'ruleset t\nrule A "a"\n  ref "x"\n  require audits.right_to_audit == treu\n'
    )
    result = run_cli("lint", str(path))
    assert result.output.splitlines()[0].endswith(
        "undefined name `treu`: not a field of the agreement schema nor a `let`"
    )
    assert "    hint: did you mean `true`?" in result.output.splitlines()
