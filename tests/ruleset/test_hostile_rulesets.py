"""Hostile rulesets (issue 9) through the real CLI: a located error or a finding, never a
traceback, a hang or a crash, from `check`, `lint`, `fmt` and `test` alike."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qrules.authoring.lint import lint_text
from qrules.cli import cli
from qrules.compile import RegexProblem, regex_program
from qrules.engine import check
from qrules.errors import QrulesError
from qrules.limits import MAX_EXPRESSION_DEPTH, MAX_LITERAL_DIGITS, MAX_RULESET_BYTES
from qrules.ruleset import Rulebook, compile_text
from qrules.syntax.format import format_text
from tests.helpers import REPO, TODAY

HEAD = 'ruleset hostile\nrule H-1 "hostile"\n  ref "issue 9"\n'
CLEAN = REPO / "examples" / "quickstart" / "clean.yaml"


def rule(*clauses: str) -> str:
    return HEAD + "".join(f"  {clause}\n" for clause in clauses)


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def qrules(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qrules", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=timeout,
    )


def assert_no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output


# ---------------------------------------------------------------------------- bad rulesets

# name: (ruleset text, message, line); each is refused with an error at file:line:col.
PARSE_ERRORS = {
    "not-5000": (rule("require " + "not " * 5000 + "true"), "nested too deeply", 4),
    "minus-5000": (rule("require " + "-" * 5000 + "1 > 0"), "nested too deeply", 4),
    "lists-5000": (
        rule("require 1 in " + "[" * 5000 + "1" + "]" * 5000),
        "nested too deeply",
        4,
    ),
    "calls-5000": (rule("require " + "abs(" * 5000 + "1" + ")" * 5000 + " > 0"), "deeply", 4),
    "sum-600": (rule("require " + " + ".join(["1"] * 600) + " > 0"), "nested too deeply", 4),
    "hole-5000": (
        rule("require true", 'message "{' + "not " * 5000 + 'true}"'),
        "nested too deeply",
        5,
    ),
    "digits-5000": (rule("require 1" + "0" * 5000 + " > 0"), "number too long", 4),
    "digits-hole": (rule("require true", 'message "{1' + "0" * 5000 + '}"'), "too long", 5),
    "percent-5000": (rule("require software.test_coverage > 1" + "0" * 5000 + "%"), "long", 4),
    "exponent": (rule("require quality.ppm_target < 1e999"), "number too large", 4),
}
COMPILE_ERRORS = {
    "backreference": (rule("require title matches /(a)\\1/"), "backreferences", 4),
    "lookbehind": (rule("require title matches /(?<=x)a/"), "lookbehind", 4),
    "possessive": (rule("require title matches /a*+/"), "possessive", 4),
    "regex-length": (rule("require title matches /" + "a" * 1001 + "/"), "characters long", 4),
    "verbose": (rule("require title matches /a b/x"), "verbose", 4),
    "exists-bound": (rule("require all k in scope.services: exists(k)"), "always true", 4),
    "exists-let": (rule("let plan = 3", "require exists(plan)"), "always true", 5),
}
BAD = PARSE_ERRORS | COMPILE_ERRORS


@pytest.fixture
def hostile(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Path, str, int]:
    text, message, line = BAD[request.param]
    path = tmp_path / f"{request.param}.qr"
    path.write_text(text, encoding="utf-8")
    return path, message, line


def located(output: str, path: Path, line: int) -> str:
    """The first output line that names ``path:line:col``."""
    prefix = f"{path}:{line}:"
    found = [text for text in output.splitlines() if text.startswith(prefix)]
    assert found, output[:2000]
    assert found[0][len(prefix) :].split(":")[0].split(" ")[0].isdigit(), found[0]
    return found[0]


@pytest.mark.parametrize("hostile", sorted(BAD), indirect=True)
def test_check_refuses_with_a_located_error(hostile: tuple[Path, str, int]) -> None:
    path, message, line = hostile
    result = invoke("check", CLEAN, "-r", path, "--no-config")
    assert_no_traceback(result)
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    assert first == located(result.stderr, path, line)
    assert ": error: " in first and message in first
    assert "hint: " in result.stderr


@pytest.mark.parametrize("hostile", sorted(BAD), indirect=True)
def test_lint_reports_a_located_finding(hostile: tuple[Path, str, int]) -> None:
    path, message, line = hostile
    result = invoke("lint", path)
    assert_no_traceback(result)
    assert result.exit_code == 1
    assert message in located(result.output, path, line)


@pytest.mark.parametrize("hostile", sorted(PARSE_ERRORS), indirect=True)
def test_fmt_refuses_what_does_not_parse(hostile: tuple[Path, str, int]) -> None:
    path, message, line = hostile
    result = invoke("fmt", "--check", path)
    assert_no_traceback(result)
    assert result.exit_code == 2
    assert message in located(result.stderr, path, line)


@pytest.mark.parametrize("hostile", sorted(COMPILE_ERRORS), indirect=True)
def test_fmt_formats_what_parses(hostile: tuple[Path, str, int]) -> None:
    """Formatting needs no compiling: a bad regex or exists() is lint's and check's business."""
    path, _, _ = hostile
    result = invoke("fmt", path)
    assert_no_traceback(result)
    assert result.exit_code == 0
    assert result.output.startswith("ruleset hostile")


@pytest.mark.parametrize("hostile", sorted(BAD), indirect=True)
def test_rule_tests_report_the_broken_ruleset(hostile: tuple[Path, str, int]) -> None:
    path, message, line = hostile
    result = invoke("test", path)
    assert_no_traceback(result)
    assert result.exit_code == 2  # qrules cannot do its job: the ruleset cannot be loaded
    assert message in located(result.output, path, line)


def test_a_real_process_survives_every_hostile_ruleset(tmp_path: Path) -> None:
    """In a process of its own (a default-sized stack, no pytest frames above it)."""
    for name, (text, message, line) in BAD.items():
        path = tmp_path / f"{name}.qr"
        path.write_text(text, encoding="utf-8")
        for args in (["check", CLEAN, "-r", path, "--no-config"], ["lint", path]):
            result = qrules(*args)
            assert "Traceback" not in result.stdout + result.stderr, (name, args)
            assert result.returncode == (2 if args[0] == "check" else 1), (name, result.stderr)
            assert message in located(result.stdout + result.stderr, path, line)


# ---------------------------------------------------------------------------- what works

WORKS = {
    "and-600": rule("require " + " and ".join(['id != "x"'] * 600)),
    "or-600": rule("require " + " or ".join(['id == "x"'] * 599 + ["true"])),
    "parentheses-5000": rule("require " + "(" * 5000 + "true" + ")" * 5000),
    "and-in-a-hole": rule("require true", 'message "{' + " and ".join(["true"] * 600) + '}"'),
    "depth-at-the-limit": rule("require " + "not " * (MAX_EXPRESSION_DEPTH - 1) + "false"),
    "digits-at-the-limit": rule("require 1 < 1" + "0" * (MAX_LITERAL_DIGITS - 1)),
}


@pytest.mark.parametrize("name", sorted(WORKS))
def test_long_but_flat_rulesets_work_in_every_command(tmp_path: Path, name: str) -> None:
    path = tmp_path / "long.qr"
    path.write_text(WORKS[name], encoding="utf-8")
    results = {
        command: invoke(*args)
        for command, args in {
            "check": ["check", CLEAN, "-r", path, "--no-config", "-f", "json"],
            "lint": ["lint", path],
            "fmt": ["fmt", path],
            "test": ["test", path],
        }.items()
    }
    for result in results.values():
        assert_no_traceback(result)
    report = json.loads(results["check"].stdout)
    assert [f for d in report["documents"] for f in d["findings"]] == []
    assert results["lint"].exit_code == 0, results["lint"].output
    assert results["fmt"].exit_code == 0
    assert "no rule tests found" in results["test"].output
    # What fmt prints parses to the same rules.
    assert format_text(results["fmt"].output) == results["fmt"].output


def test_a_600_term_and_still_blames_the_failing_term(tmp_path: Path) -> None:
    terms = ['id != "x"'] * 599 + ["audits.right_to_audit == false"]
    path = tmp_path / "long.qr"
    path.write_text(rule("require " + " and ".join(terms)), encoding="utf-8")
    result = invoke("check", CLEAN, "-r", path, "--no-config", "-f", "json")
    (finding,) = json.loads(result.stdout)["documents"][0]["findings"]
    assert finding["path"] == "audits.right_to_audit"


# ---------------------------------------------------------------------------- reading files


def test_a_ruleset_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.qr"
    with path.open("w", encoding="utf-8") as stream:
        stream.write("ruleset huge\n")
        stream.write(("# " + "x" * 1022 + "\n") * (10 * 1024))  # 10 MiB of comments
    assert path.stat().st_size > MAX_RULESET_BYTES
    for args in (["check", CLEAN, "-r", path], ["lint", path], ["fmt", path]):
        result = invoke(*args)
        assert_no_traceback(result)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"{path}:1:1: error: the ruleset is larger than")
    result = invoke("test", path)
    assert result.exit_code == 2 and "larger than" in result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_named_pipe_is_refused_not_waited_for(tmp_path: Path) -> None:
    path = tmp_path / "pipe.qr"
    os.mkfifo(path)
    result = qrules("lint", path, timeout=30)
    assert result.returncode == 2
    assert "not a regular file" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["check", CLEAN, "--no-config", "-r"],
        ["lint"],
        ["fmt"],
        ["test"],
        ["doc"],
        ["explain", "A", "-r"],
    ],
    ids=lambda args: args[0],
)
def test_every_command_reads_rulesets_the_same_way(tmp_path: Path, args: list[str]) -> None:
    bom = tmp_path / "bom.qr"
    bom.write_bytes(b'\xef\xbb\xbfruleset bom\nrule A "t"\n  ref "x"\n  require true\n')
    latin1 = tmp_path / "latin1.qr"
    latin1.write_bytes(b'ruleset latin\nrule A "caf\xe9"\n  ref "x"\n  require true\n')
    assert_no_traceback(readable := invoke(*args, bom))
    assert readable.exit_code in (0, 1), readable.output  # `test` finds no rule tests: 1
    assert "syntax error" not in readable.output
    result = invoke(*args, latin1)
    assert_no_traceback(result)
    assert result.exit_code == 2 or args[0] == "test"
    assert f"{latin1}:2:12: error: the ruleset is not UTF-8: byte 0xe9" in result.output


# ---------------------------------------------------------------------------- case 4: dates


@pytest.mark.parametrize(
    ("term", "date", "line"),
    [("8000 years", "effective + term", 2), ("1 year", "effective + 9999999999 days", 1)],
)
def test_date_arithmetic_beyond_the_calendar_is_a_finding(
    tmp_path: Path, term: str, date: str, line: int
) -> None:
    agreement = tmp_path / "a.yaml"
    agreement.write_text(f"effective: 2027-01-01\nterm: {term}\n", encoding="utf-8")
    ruleset = tmp_path / "r.qr"
    ruleset.write_text(rule(f"require {date} > 2027-01-01"), encoding="utf-8")
    result = invoke("check", agreement, "-r", ruleset, "--schema", "none", "--no-config")
    assert_no_traceback(result)
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{agreement}:{line}:1: error H-1 cannot evaluate: ")
    assert "cannot be computed: the date would fall outside the years 1 to 9999" in result.stdout


def test_nested_quantifiers_over_long_lists_stop_at_the_evaluation_budget(tmp_path: Path) -> None:
    """Each loop is finite, but 5,000 × 5,000 elements would take minutes: the rule stops at
    the budget with a finding, and the other rules still run."""
    agreement = tmp_path / "a.yaml"
    agreement.write_text("title: t\nx_list:\n" + "  - 1\n" * 5_000, encoding="utf-8")
    ruleset = tmp_path / "r.qr"
    ruleset.write_text(
        rule("require all a in x_list: all b in x_list: a == b")
        + '\nrule H-2 "title"\n  require title == "other"\n',
        encoding="utf-8",
    )
    result = invoke("check", agreement, "-r", ruleset, "--schema", "none", "--no-config", "-q")
    assert_no_traceback(result)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert (
        f"{agreement}:2:1: error H-1 cannot evaluate: evaluation stopped after 1,000,000"
        in (lines[1])
    )
    assert lines[0].startswith(f"{agreement}:1:1: error H-2 ")


# ---------------------------------------------------------------------------- case 9: RE2


def test_a_catastrophic_regex_finishes_at_once(tmp_path: Path) -> None:
    agreement = tmp_path / "a.yaml"
    agreement.write_text('title: "' + "a" * 40 + '!"\n', encoding="utf-8")
    ruleset = tmp_path / "r.qr"
    ruleset.write_text(rule("require title matches /^(a+)+$/"), encoding="utf-8")
    started = time.monotonic()
    result = qrules("check", agreement, "-r", ruleset, "--schema", "none", timeout=30)
    assert time.monotonic() - started < 30
    assert result.returncode == 1, result.stderr
    assert "H-1" in result.stdout
    assert result.stderr == ""  # RE2 logs nothing of its own


@pytest.mark.parametrize(
    ("pattern", "flags", "text", "found"),
    [
        ("^draft", "i", "DRAFT 3", True),
        ("^draft", "", "DRAFT 3", False),
        ("^b$", "m", "a\nb\nc", True),
        ("^b$", "", "a\nb\nc", False),
        ("a.b", "s", "a\nb", True),
        ("a.b", "", "a\nb", False),
        ("^[A-Z]{2}-[0-9]{4}$", "", "BR-2041", True),
        (r"\bnot\b", "", "do not", True),
        (r"\p{Greek}", "", "α", True),
        ("(?P<word>x)y", "", "xy", True),
    ],
)
def test_re2_flags_and_syntax(pattern: str, flags: str, text: str, found: bool) -> None:
    assert (regex_program(pattern, flags).search(text) is not None) is found


def test_lint_and_check_refuse_a_regex_alike(tmp_path: Path) -> None:
    path = tmp_path / "r.qr"
    path.write_text(rule("require title matches /(?=a)/i"), encoding="utf-8")
    linted = invoke("lint", path).output.splitlines()
    checked = invoke("check", CLEAN, "-r", path, "--no-config").stderr.splitlines()
    assert linted[0] == (
        f"{path}:4:26: error compile invalid regular expression /(?=a)/: "
        "RE2 does not support lookahead"
    )
    assert checked[0] == f"{path}:4:26: error: " + linted[0].split(" compile ", 1)[1]
    assert linted[1:3] == ["    require title matches /(?=a)/i", " " * 27 + "^"]
    assert (
        checked[-1]
        == linted[3].strip()
        == "hint: " + ("qrules uses RE2 syntax: no backreferences or lookaround")
    )


# ---------------------------------------------------------------------------- case 16: in


def findings(tmp_path: Path, agreement: str, *requires: str) -> list[str]:
    """The rules that fire, each require a rule of its own, the agreement read without schema."""
    document = tmp_path / "a.yaml"
    document.write_text(agreement, encoding="utf-8")
    text = "ruleset typed\n  schema none\n" + "".join(
        f'rule R{i} "r"\n  ref "x"\n  require {require}\n' for i, require in enumerate(requires)
    )
    ruleset = tmp_path / "r.qr"
    ruleset.write_text(text, encoding="utf-8")
    result = invoke("check", document, "-r", ruleset, "--schema", "none", "-f", "json")
    assert_no_traceback(result)
    return [f["rule"] for d in json.loads(result.stdout)["documents"] for f in d["findings"]]


def test_quoted_durations_percentages_and_dates_compare_like_agreement_text(
    tmp_path: Path,
) -> None:
    agreement = 'containment: "72 hours"\ncoverage: "85%"\nsigned: "2027-01-01"\nname: "Acme"\n'
    assert findings(
        tmp_path,
        agreement,
        'containment in ["72 hours", "24 hours"]',  # R0
        'containment not in ["72 hours"]',  # R1 fires
        'containment == "3 days"',  # R2
        'containment < "4 days"',  # R3
        '["85%"] contains coverage',  # R4
        'signed in ["2027-01-01"]',  # R5
        'name in ["Acme"]',  # R6
        'name not in ["72 hours"]',  # R7
    ) == ["R1"]


def test_with_the_schema_a_quoted_duration_matches_a_duration_field(tmp_path: Path) -> None:
    agreement = tmp_path / "a.yaml"
    agreement.write_text("agreement: qrules/v1\nnonconformance:\n  containment: 72 hours\n")
    ruleset = tmp_path / "r.qr"
    ruleset.write_text(rule('require nonconformance.containment in ["24 hours", "72 hours"]'))
    result = invoke("check", agreement, "-r", ruleset, "--no-config", "-f", "json")
    report = json.loads(result.stdout)
    fired = {f["rule"] for d in report["documents"] for f in d["findings"]}
    assert fired == {"schema"}  # the draft lacks required sections; H-1 holds
    assert invoke("lint", ruleset).exit_code == 0


def test_fmt_shows_how_a_quoted_literal_reads(tmp_path: Path) -> None:
    path = tmp_path / "r.qr"
    path.write_text(rule('require x_a in ["72 hours", "5%", "\\u00372 hours", "text"]'))
    assert (
        "require x_a in [72 hours, 5%, " + '"\\u00372 hours", "text"]' in invoke("fmt", path).output
    )


def test_lint_says_when_a_quoted_literal_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "r.qr"
    path.write_text(rule('require title == "3 days"'), encoding="utf-8")
    lines = invoke("lint", path).output.splitlines()
    assert lines[0].endswith("string compared with duration using ==: this never holds")
    assert lines[1] == (
        '    hint: "3 days" reads as a duration (as agreement text does), quotes or not; '
        "to match the text itself, use matches /^3 days$/"
    )


# ---------------------------------------------------------------------------- case 17: exists


def test_exists_of_a_bound_name_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "r.qr"
    path.write_text(rule("require all p in scope.products: exists(p)"), encoding="utf-8")
    result = invoke("check", CLEAN, "-r", path, "--no-config")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{path}:4:43: error: `exists(p)` is always true: `p` is a name the rule binds, "
        "not a field of the agreement",
        "    require all p in scope.products: exists(p)",
        "                                            ^",
        "hint: exists takes a field path such as exists(p.revision)",
    ]


def test_exists_of_a_field_of_a_bound_name_still_works(tmp_path: Path) -> None:
    assert findings(
        tmp_path,
        "products:\n  - revision: A\n  - name: b\n",
        "all p in products: exists(p.revision)",
        "any p in products: exists(p.name)",
    ) == ["R0"]


# ---------------------------------------------------------------------------- properties

BOUNDED = settings(max_examples=40, deadline=5_000, suppress_health_check=[HealthCheck.too_slow])
WRAPPERS = ["not {}", "-{}", "[{}]", "({})", "abs({})", "{} + 1", "x_a[{}]", "{} and true"]


def through_everything(text: str) -> None:
    """Lint, fmt and check a ruleset's text: only qrules' own errors may come out."""
    assert lint_text(text, "h.qr") is not None
    try:
        format_text(text, "h.qr")
        rules = compile_text(text, "h.qr")
    except QrulesError as error:
        assert error.line is not None and error.column is not None, error
        return
    check(Rulebook((rules,)), CLEAN, today=TODAY)


@BOUNDED
@given(
    st.integers(1, 3 * MAX_EXPRESSION_DEPTH).flatmap(
        lambda depth: st.lists(st.sampled_from(WRAPPERS), min_size=depth, max_size=depth)
    )
)
def test_deep_expressions_give_errors_or_results(wrappers: list[str]) -> None:
    expression = "true"
    for wrapper in wrappers:
        expression = wrapper.format(expression)
    through_everything(rule(f"require {expression}"))


REGEX_ALPHABET = st.sampled_from([*"ab.*+?|()[]{}^$\\-,0123456789:=!<>PkdwsZ", "(?", "\\1"])


@BOUNDED
@given(
    st.lists(REGEX_ALPHABET, max_size=60).map("".join),
    st.sampled_from(["", "i", "m", "s", "x", "ims"]),
)
def test_random_regexes_give_errors_or_results(pattern: str, flags: str) -> None:
    if pattern:
        through_everything(rule(f"require title matches /{pattern}/{flags}"))
    try:
        program = regex_program(pattern, flags)
    except RegexProblem:
        return
    program.search("a" * 10_000 + "!")  # finishes: RE2 is linear in the text


@BOUNDED
@given(
    st.integers(1, 3 * MAX_LITERAL_DIGITS),
    st.sampled_from(["", ".5", "e5", "e999", " days", "%", ".25 years"]),
)
def test_long_literals_give_errors_or_results(digits: int, suffix: str) -> None:
    through_everything(rule(f"require x_n < 9{'0' * (digits - 1)}{suffix}"))
