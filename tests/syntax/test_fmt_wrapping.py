"""`qrules fmt` keeps a trailing comment on the line it trailed and wraps a long `require`
at its `and`s or `or`s, instead of joining everything into one line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qrules.syntax.elements import WIDTH
from qrules.syntax.format import format_text
from tests.helpers import dedent, run_cli

Write = Callable[[str, str | bytes], Path]

SPLIT = """\
ruleset c "C"
  version "1"

rule A "Audit"   # the customer's right
  ref "ISO 9001:2015 8.4.3 f)"
  require audits.right_to_audit == true   # we may audit
    and audits.notice <= 10 days          # with short notice
  message "m"   # short
"""


def test_trailing_comments_stay_on_their_lines(write: Write) -> None:
    path = write("c.qr", SPLIT)
    result = run_cli("fmt", str(path))
    assert result.exit_code == 0
    assert result.output == dedent(
        """\
        ruleset c "C"
          version "1"

        rule A "Audit"  # the customer's right
          ref "ISO 9001:2015 8.4.3 f)"
          require audits.right_to_audit == true  # we may audit
            and audits.notice <= 10 days  # with short notice
          message "m"  # short
        """
    )
    assert format_text(result.output) == result.output  # idempotent


def test_a_long_require_is_wrapped_at_its_top_level_operators() -> None:
    conditions = [f"exists(quality.objectives[{i}].owner)" for i in range(6)]
    text = 'ruleset w "W"\n\nrule W "w"\n  ref "x"\n  require ' + " or ".join(conditions) + "\n"
    formatted = format_text(text)
    lines = formatted.splitlines()
    start = lines.index(f"  require {conditions[0]}")
    assert lines[start + 1 : start + 6] == [f"    or {c}" for c in conditions[1:]]
    assert all(len(line) <= WIDTH for line in lines)
    assert format_text(formatted) == formatted


def test_a_short_require_stays_on_one_line() -> None:
    text = 'ruleset s "S"\n\nrule S "s"\n  ref "x"\n  require a == 1\n    and b == 2  # why\n'
    assert format_text(text).splitlines()[-1] == "  require a == 1 and b == 2  # why"
