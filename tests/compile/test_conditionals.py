"""`if … then … else`, `implies`, quantifiers ending `and`/`or` chains, record literals and
the whole agreement as `agreement[key]` (issue 13)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qrules.engine import check
from qrules.errors import QrulesError
from qrules.ruleset import compile_text, load_ruleset
from qrules.syntax.format import expr, format_text
from qrules.syntax.parser import parse_expression, parse_ruleset
from tests.helpers import TODAY, run_cli

Write = Callable[[str, str], Path]

AGREEMENT = """\
id: SQA-1
audits:
  right_to_audit: true
  notice: 15 days
software:
  max_open_defects:
    critical: 1
    major: 2
parties:
  - role: supplier
    name: Corrib
  - role: customer
"""


def fired(write: Write, requires: str, definitions: str = "") -> list[tuple[str, str, int]]:
    rules = f"ruleset t\n  schema none\n\n{definitions}\n" + "".join(
        f'rule R{i} "t"\n  ref "x"\n  require {line}\n\n'
        for i, line in enumerate(requires.splitlines())
    )
    ruleset = load_ruleset(write("t.qr", rules))
    result = check(ruleset, write("a.yaml", AGREEMENT), today=TODAY)
    return [(f.rule, f.path, f.line) for f in result.findings]


def test_if_computes_only_the_branch_it_picks(write: Write) -> None:
    assert fired(write, "(if exists(inspection) then inspection.level else 2) == 2") == []
    assert fired(write, "if exists(audits) then audits.notice <= 10 days else false") == [
        ("R0", "audits.notice", 4)
    ]


def test_implies_fails_where_its_consequence_fails(write: Write) -> None:
    assert fired(write, "exists(inspection) implies inspection.level == 2") == []
    assert fired(write, "audits.right_to_audit implies audits.notice <= 10 days") == [
        ("R0", "audits.notice", 4)
    ]


def test_a_quantifier_may_end_a_chain_without_parentheses(write: Write) -> None:
    text = "exists(parties) and all p in parties: exists(p.name)"
    node = parse_expression(text)
    assert node == parse_expression("exists(parties) and (all p in parties: exists(p.name))")
    assert fired(write, text) == [("R0", "parties[1]", 12)]
    assert expr(node) == "exists(parties) and (all p in parties: exists(p.name))"


def test_records_and_dynamic_keys(write: Write) -> None:
    limits = "let LIMITS = {critical: 0, major: 2}"
    text = 'all k in ["critical", "major"]: software.max_open_defects[k] <= LIMITS[k]'
    assert fired(write, text, limits) == [("R0", "software.max_open_defects.critical", 7)]


def test_the_whole_agreement_by_key(write: Write) -> None:
    assert fired(write, 'all k in ["id", "title"]: exists(agreement[k])') == [("R0", "", 1)]
    assert (
        fired(write, 'agreement["audits"].notice == 15 days and len(agreement.parties) == 2') == []
    )


def test_conditions_must_be_true_or_false(write: Write) -> None:
    ((rule, path, _),) = fired(write, "if audits.notice then true else false")
    assert (rule, path) == ("R0", "audits.notice")


@pytest.mark.parametrize(
    ("require", "message"),
    [
        ("if 1 then true else false", "`if` needs a boolean, this is a number"),
        ("1 implies true", "`implies` needs a boolean, this is a number"),
        (
            'exists(agreement["x_nope"]) and agreement["audit"].notice > 1 day',
            "has no field `audit`",
        ),
        ('[{a: 1}, {a: 2, "b-c": true}] contains {a: 1}', None),
    ],
)
def test_lint_checks_the_new_expressions(write: Write, require: str, message: str | None) -> None:
    path = write("l.qr", f'ruleset l\nrule L "t"\n  ref "x"\n  require {require}\n')
    result = run_cli("lint", str(path))
    if message is None:
        assert result.exit_code == 0, result.output
    else:
        assert message in result.output


def test_a_record_with_a_key_twice_is_a_located_error() -> None:
    with pytest.raises(QrulesError, match="the record has `a` twice") as caught:
        compile_text('ruleset x\nlet R = {a: 1, "a": 2}\n', "x.qr")
    assert (caught.value.line, caught.value.column) == (2, 16)


@pytest.mark.parametrize(
    "text",
    [
        "if a then b else c",
        "(if a then 1 else 2) + 3 > x",
        "a implies b implies c",
        "(a implies b) implies c",
        "a implies all p in L: p.x",
        'x == {id: "a", `x-tier`: [1, 2], `not`: {b: true}}',
        "not a and (if b then c else d)",
        'agreement["x-complaints"].response <= 48 hours',
    ],
)
def test_fmt_prints_what_parses_back(text: str) -> None:
    node = parse_expression(text)
    assert parse_expression(expr(node)) == node
    ruleset = f'ruleset x\n\nrule A "t"\n  require {expr(node)}  # kept\n'
    assert format_text(ruleset) == ruleset
    assert parse_ruleset(format_text(ruleset)) == parse_ruleset(ruleset)
