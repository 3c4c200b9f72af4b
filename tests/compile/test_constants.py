"""Top-level `let` and `param` (issue 13): values rules, terms, messages and hints share,
and parameters a repository sets otherwise, typed and checked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qrules.compile import ParamValue
from qrules.errors import QrulesError, RulesetError
from qrules.model.values import Duration
from qrules.ruleset import compile_text, load_ruleset
from qrules.syntax.format import format_text
from qrules.syntax.parser import parse_ruleset
from tests.helpers import REPO, TODAY, run_cli

Write = Callable[[str, str], Path]
CLEAN = REPO / "examples" / "quickstart" / "clean.yaml"  # notice 120 days, retention 10 years

POLICY = """\
ruleset policy "Our policy"

# The notice every change needs.
let NOTICE = 180 days
param RETENTION = 15 years "Record retention we require"
let LONGEST = max(NOTICE, 30 days)

rule P-NOTICE "Changes are announced early"
  ref "QP-7"
  require change_control.notification >= NOTICE
  message "Notice {change_control.notification} is shorter than {NOTICE}"
  hint "Set change_control.notification to {LONGEST} or more"

term P-RETENTION "Record retention" at records.retention
  ref "QP-9"
  prefer >= RETENTION
  reject
"""


def findings(rules: object, path: Path = CLEAN) -> dict[str, str]:
    from qrules.engine import check

    result = check(rules, path, today=TODAY)  # type: ignore[arg-type]
    return {f.rule: f.message for f in result.findings}


def test_lets_and_params_serve_rules_terms_messages_and_hints(write: Write) -> None:
    found = findings(load_ruleset(write("p.qr", POLICY)))
    assert found["P-NOTICE"] == "Notice 120 days is shorter than 180 days"
    assert "P-RETENTION" in found
    result = run_cli("check", str(CLEAN), "-r", str(write("p.qr", POLICY)))
    assert "hint: Set change_control.notification to 180 days or more" in result.output


def test_a_param_set_by_the_command_line(write: Write) -> None:
    path = write("p.qr", POLICY)
    assert (
        "P-RETENTION"
        not in run_cli("check", str(CLEAN), "-r", str(path), "--param", "RETENTION=10 years").output
    )
    given = {"RETENTION": ParamValue("RETENTION", Duration(5, "years"), "--param")}
    assert "P-RETENTION" not in findings(load_ruleset(path, params=given))


def test_a_param_set_by_the_configuration_and_overridden_by_the_command_line(
    write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("repo/p.qr", POLICY)
    write("repo/.qrules.yaml", "rulesets: [p.qr]\nparams:\n  RETENTION: 10 years\n")
    monkeypatch.chdir(write("repo/a.yaml", CLEAN.read_text()).parent)
    assert "P-RETENTION" not in run_cli("check", "a.yaml").output
    assert "P-RETENTION" in run_cli("check", "a.yaml", "--param", "RETENTION=20 years").output


def test_a_param_of_the_wrong_type_is_located_in_the_configuration(
    write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("repo/p.qr", POLICY)
    write("repo/.qrules.yaml", "rulesets: [p.qr]\nparams:\n  RETENTION: 10\n")
    monkeypatch.chdir(write("repo/a.yaml", CLEAN.read_text()).parent)
    result = run_cli("check", "a.yaml")
    assert result.exit_code == 2
    assert (
        ".qrules.yaml:3:3: error: param RETENTION is a duration (15 years); 10 is a number"
        in result.output
    )


def test_an_unknown_param_gets_a_did_you_mean(write: Write) -> None:
    result = run_cli(
        "check", str(CLEAN), "-r", str(write("p.qr", POLICY)), "--param", "RETENTON=3 years"
    )
    assert result.exit_code == 2
    assert "--param: error: no ruleset of this run has a param `RETENTON`" in result.output
    assert "did you mean `RETENTION`?" in result.output


@pytest.mark.parametrize("given", ["RETENTION", "RETENTION=", "RETENTION=a.b", "RETENTION=1 +"])
def test_a_param_that_is_not_a_value_is_a_usage_error(write: Write, given: str) -> None:
    result = run_cli("check", str(CLEAN), "-r", str(write("p.qr", POLICY)), "--param", given)
    assert result.exit_code == 2
    assert "--param" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("definitions", "message", "line"),
    [
        ("let N = 1\nlet N = 2\n", "`N` is defined twice", 3),
        ("let records = 1\n", "would hide the agreement field `records`", 2),
        ("let N = audits.notice\n", "`let N` reads `audits.notice`", 2),
        ("param N = 1 + 2\n", "must be a value written out", 2),
        ("let N = 1 / 0\n", "`let N` cannot be computed: division by zero", 2),
        ("let N = M\n", "`let N` reads `M`", 2),
    ],
)
def test_bad_definitions_are_located_errors(definitions: str, message: str, line: int) -> None:
    with pytest.raises(RulesetError, match=message) as caught:
        compile_text("ruleset x\n" + definitions, "x.qr")
    assert caught.value.line == line and caught.value.source == "x.qr"


def test_a_let_after_the_first_rule_belongs_to_that_rule() -> None:
    text = 'ruleset x\nrule A "t"\n  require true\nlet N = 1\nrule B "t"\n  require N == 1\n'
    with pytest.raises(QrulesError, match="undefined name `N`") as caught:
        compile_text(text, "x.qr")
    assert caught.value.line == 6


def test_today_in_a_let_is_read_per_check(write: Write) -> None:
    rules = load_ruleset(
        write(
            "t.qr",
            'ruleset t\nlet CUTOFF = today() + 30 days\nrule T "t"\n  require CUTOFF == today() + 30 days\n',
        )
    )
    assert "T" not in findings(rules)


def test_fmt_keeps_definitions_and_their_comments() -> None:
    formatted = format_text(POLICY.replace("let NOTICE = 180 days", "let  NOTICE=180 days # kept"))
    assert "# The notice every change needs.\nlet NOTICE = 180 days  # kept\n" in formatted
    assert parse_ruleset(formatted) == parse_ruleset(POLICY)
    assert format_text(POLICY) == POLICY


def test_lint_knows_the_types_of_definitions(write: Write) -> None:
    assert run_cli("lint", str(write("p.qr", POLICY))).exit_code == 0
    bad = 'ruleset b\nlet YEARS = 15\nrule B "t"\n  ref "x"\n  require records.retention >= YEARS\n'
    result = run_cli("lint", str(write("bad.qr", bad)))
    assert "duration compared with number using >=" in result.output


def test_lint_warns_of_a_definition_nothing_uses(write: Write) -> None:
    text = POLICY.replace(
        "let LONGEST = max(NOTICE, 30 days)\n",
        'let LONGEST = max(NOTICE, 30 days)\nparam SPARE = 3 "Never read"\n',
    )
    output = run_cli("lint", str(write("p.qr", text))).output
    assert "p.qr:7:1: warning unused-let `param SPARE` is never used" in output
    assert output.splitlines()[-1] == "1 ruleset files linted: 1 findings"
