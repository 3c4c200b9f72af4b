"""`qrules test`, `fmt`, `explain` and `doc` through the CLI, on good and bad inputs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qrules.model.values import Duration, Percent
from qrules.resources import rulesets_dir
from qrules.syntax import ast
from qrules.syntax.format import format_ast, format_text
from qrules.syntax.parser import parse_ruleset
from tests.helpers import REPO, browser_dom, outline, run_cli

Write = Callable[[str, str | bytes], Path]
BUILTIN_FILES = sorted(rulesets_dir().rglob("*.qr"))

RULES = """\
ruleset demo "Demo"
  version "1"

rule AUDIT "Right to audit"
  ref "ISO 9001:2015 8.4.3 f)"
  require audits.right_to_audit == true

term AQL "Major AQL" at quality.aql.major
  ref "QP-7"
  prefer <= 0.65
  accept <= 1.0 approval "Quality Director"
  reject
"""
BASE = """\
agreement: qrules/v1
id: T-1
title: t
type: supplier-quality
status: draft
parties:
  - role: supplier
    name: X
    country: DE
audits:
  right_to_audit: {audit}
quality:
  aql:
    major: {aql}
"""


def suite(write: Write, tests: dict[str, str]) -> Path:
    folder = write("demo/demo.qr", RULES).parent
    for name, text in tests.items():
        write(f"demo/tests/{name}", text)
    return folder


# ---------------------------------------------------------------------------- qrules test


def test_passing_suite(write: Write) -> None:
    folder = suite(
        write,
        {
            "pass.yaml": "# expect: none\n" + BASE.format(audit="true", aql="0.4"),
            "fail-audit.yaml": "# expect: AUDIT@12\n" + BASE.format(audit="false", aql="0.4"),
            "accept.yaml": "# expect: AQL\n# today: 2027-01-01\n"
            + BASE.format(audit="true", aql="1.0"),
            "reject.yaml": "# expect: AQL@15[reject]\n" + BASE.format(audit="true", aql="2.0"),
        },
    )
    result = run_cli("test", str(folder), "--require-coverage")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"{folder} ....", "", "4 passed, 0 failed"]


def test_failures_show_expected_and_actual(write: Write) -> None:
    folder = suite(
        write,
        {
            "wrong.yaml": "# expect: AQL\n" + BASE.format(audit="false", aql="0.4"),
            "line.yaml": "# expect: AUDIT@3\n" + BASE.format(audit="false", aql="0.4"),
            "bare.yaml": BASE.format(audit="true", aql="0.4"),
        },
    )
    result = run_cli("test", str(folder))
    assert result.exit_code == 1
    tests = folder / "tests"
    assert result.output.splitlines() == [
        f"{folder} FFF",
        "",
        f"FAILED {tests / 'bare.yaml'}",
        "  no `# expect:` line in its header",
        "",
        f"FAILED {tests / 'line.yaml'}",
        "  expected AUDIT@3 but it fired at line 12 [error]",
        "",
        f"FAILED {tests / 'wrong.yaml'}",
        "  expected AQL to fire; it did not",
        "  unexpected AUDIT at line 12: Right to audit: requires audits.right_to_audit == true",
        "",
        "coverage: "
        + str(folder)
        + ": no test reaches AQL tier accept (line 11), reject (line 12)",
        "",
        "0 passed, 3 failed",
    ]


def test_coverage_can_be_required(write: Write) -> None:
    folder = suite(write, {"pass.yaml": "# expect: none\n" + BASE.format(audit="true", aql="0.4")})
    assert run_cli("test", str(folder)).exit_code == 0
    result = run_cli("test", str(folder), "--require-coverage")
    assert result.exit_code == 1
    assert f"coverage: {folder}: no test makes AUDIT fire" in result.output
    assert f"coverage: {folder}: no test reaches AQL tier accept (line 11)" in result.output


def test_no_tests_is_a_failure(write: Write) -> None:
    folder = suite(write, {})
    result = run_cli("test", str(folder))
    assert result.exit_code == 1
    assert "no rule tests found" in result.output


def test_a_bad_expectation_is_reported(write: Write) -> None:
    folder = suite(
        write, {"bad.yaml": "# expect: AUDIT@x\n" + BASE.format(audit="true", aql="0.4")}
    )
    result = run_cli("test", str(folder))
    assert result.exit_code == 1
    assert "cannot read the expectation 'AUDIT@x'" in result.output


def test_builtin_rulesets_pass_their_tests() -> None:
    result = run_cli("test", "--require-coverage")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].endswith(" passed, 0 failed")


# ---------------------------------------------------------------------------- qrules fmt

MESSY = """\
# file comment
ruleset   demo "Demo"   version "1"

# about the scope
scope type in {"supplier-quality","contract-manufacturing"}
rule A-1 "t" severity warning ref "a","b"
   # before the first require
   require (audits.right_to_audit==true and exists(audits.notice)) or not (type == "x")   # why
   require all p in scope.products: (p.part_number matches /a#b/ and len(p.name)*2+3 > 1)
   message "x {audits.notice} {{literal}} # not a comment"
term T "t" at quality.aql.major
  prefer <= 0.65
  accept between 0.65 and 1.0 approval "QD"  # costs
  reject "no"
# closing comment
"""
FORMATTED = """\
# file comment
ruleset demo "Demo"
  version "1"

# about the scope
scope type in ["supplier-quality", "contract-manufacturing"]

rule A-1 "t"
  severity warning
  ref "a", "b"
  # before the first require
  require (audits.right_to_audit == true and exists(audits.notice)) or not type == "x"  # why
  require all p in scope.products: p.part_number matches /a#b/ and len(p.name) * 2 + 3 > 1
  message "x {audits.notice} {{literal}} # not a comment"

term T "t" at quality.aql.major
  prefer <= 0.65
  accept between 0.65 and 1.0 approval "QD"  # costs
  reject "no"

# closing comment
"""


def test_fmt_prints_the_canonical_layout(write: Write) -> None:
    path = write("messy.qr", MESSY)
    result = run_cli("fmt", str(path))
    assert (result.exit_code, result.output) == (0, FORMATTED)


def test_fmt_check_diff_and_write(write: Write) -> None:
    path = write("messy.qr", MESSY)
    check = run_cli("fmt", "--check", str(path))
    assert check.exit_code == 1
    assert f"would reformat {path}" in check.output
    diff = run_cli("fmt", "--diff", str(path))
    assert diff.exit_code == 1
    assert f"+++ {path} (formatted)" in diff.output
    assert path.read_text() == MESSY  # neither changed the file
    write_ = run_cli("fmt", "--write", str(path))
    assert write_.exit_code == 0
    assert path.read_text() == FORMATTED
    assert [p.name for p in path.parent.iterdir()] == ["messy.qr"]  # no temporary left
    assert run_cli("fmt", "--check", str(path)).exit_code == 0


def test_fmt_reports_syntax_errors(write: Write) -> None:
    path = write("bad.qr", 'ruleset x\nrule A "t"\n  requre true\n')
    result = run_cli("fmt", "--check", str(path))
    assert result.exit_code == 2
    assert f"{path}:3:3: syntax error: unexpected `requre`" in result.output


@pytest.mark.parametrize("path", BUILTIN_FILES, ids=lambda p: p.name)
def test_builtin_rulesets_are_fmt_clean_and_keep_their_meaning(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    formatted = format_text(text, str(path))
    assert formatted == text
    assert format_text(formatted) == formatted
    assert parse_ruleset(formatted) == parse_ruleset(text)
    assert [c for c in text.splitlines() if "#" in c and c.strip().startswith("#")] == [
        c for c in formatted.splitlines() if "#" in c and c.strip().startswith("#")
    ]


def test_messy_file_round_trip() -> None:
    assert format_text(MESSY) == FORMATTED
    assert format_text(FORMATTED) == FORMATTED
    assert parse_ruleset(FORMATTED) == parse_ruleset(MESSY)


# Generated rulesets: any AST the strategies build prints to text that parses back to it.
names = st.sampled_from(["audits", "quality", "scope", "records", "x", "message", "p"])
# Field names that must be back-quoted: dashes, spaces, keywords at the start of a path.
keys = st.one_of(names, st.sampled_from(["x-complaints", "2nd tier", "not", "if", "agreement"]))
literals = st.one_of(
    st.integers(0, 10_000),
    st.floats(0, 1e6, allow_nan=False).map(lambda f: round(f, 3)),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8),
    st.booleans(),
    st.none(),
    st.dates().filter(lambda d: d.year >= 1000),
    st.builds(Duration, st.integers(0, 500), st.sampled_from(["days", "hours", "years"])),
    st.builds(Percent, st.integers(0, 100).map(float)),
)
paths = st.builds(ast.Path, keys, st.lists(st.builds(ast.Field, keys), max_size=2).map(tuple))
atoms = st.one_of(st.builds(ast.Literal, literals), paths)
expressions = st.recursive(
    atoms,
    lambda inner: st.one_of(
        st.builds(
            ast.Binary,
            st.sampled_from(
                ["and", "or", "==", "<", ">=", "+", "-", "*", "/", "in", "not in", "contains"]
            ),
            inner,
            inner,
        ),
        st.builds(ast.Unary, st.sampled_from(["not", "-"]), inner),
        st.builds(ast.Call, st.sampled_from(["exists", "len", "max"]), st.tuples(inner)),
        st.builds(ast.ListExpr, st.lists(inner, max_size=3).map(tuple)),
        st.builds(ast.Quantifier, st.sampled_from(["all", "any", "none"]), names, paths, inner),
        st.builds(ast.Count, names, paths, inner),
        st.builds(ast.Binary, st.just("implies"), inner, inner),
        st.builds(ast.Conditional, inner, inner, inner),
        st.builds(
            ast.Record,
            st.dictionaries(keys, inner, min_size=1, max_size=3).map(lambda d: tuple(d.items())),
        ),
        st.builds(
            ast.Matches,
            inner,
            st.sampled_from(["^a", "[0-9]{2}", "x/y".replace("/", "")]),
            st.sampled_from(["", "i"]),
        ),
    ),
    max_leaves=12,
)
rules = st.builds(
    ast.Rule,
    st.from_regex(r"[A-Z][A-Z0-9]{0,4}(-[0-9]{1,2})?", fullmatch=True),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=10),
    severity=st.sampled_from(["error", "warning", "note"]),
    severity_given=st.just(True),
    refs=st.lists(st.text(max_size=5), max_size=2).map(tuple),
    requires=st.lists(st.builds(ast.Require, expressions), min_size=1, max_size=2).map(tuple),
)


reasons = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1).filter(
    str.strip
)
rule_ids = st.sampled_from(["ISO9001-8.5.6", "A-1", "B.2-x"])
definitions = st.lists(
    st.one_of(
        st.builds(
            ast.Constant,
            st.sampled_from(["NOTICE", "RETENTION", "LIMITS"]),
            expressions,
            st.booleans(),
            st.one_of(st.none(), st.text(max_size=8)),
        ),
        st.builds(ast.Import, st.sampled_from(["iso9001", "base.qr", "../x y.qr"]), st.booleans()),
        st.builds(ast.Adjustment, st.just("disable"), rule_ids, reasons),
        st.builds(
            ast.Adjustment,
            st.just("override"),
            rule_ids,
            reasons,
            st.sampled_from(["note", "warning"]),
        ),
        st.builds(ast.Adjustment, st.just("replace"), rule_ids, reasons, st.none(), rule_ids),
    ),
    max_size=3,
).map(tuple)


@settings(max_examples=200, deadline=None)
@given(st.lists(rules, min_size=1, max_size=3), definitions)
def test_generated_rulesets_round_trip(
    statements: list[ast.Rule], named: tuple[ast.Definition, ...]
) -> None:
    named = tuple(
        replace(d, description=None) if isinstance(d, ast.Constant) and not d.param else d
        for d in named
    )
    # A built-in name is written bare, a path quoted: what is not an id must be a path.
    named = tuple(
        replace(d, is_path=True) if isinstance(d, ast.Import) and "." in d.ruleset else d
        for d in named
    )
    syntax = ast.RulesetFile("generated", "t", None, None, tuple(statements), named)
    text = format_ast(syntax)
    assert parse_ruleset(text) == syntax
    assert format_text(text) == text


# ---------------------------------------------------------------------------- explain, doc


def test_explain_a_builtin_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = run_cli("explain", "ISO9001-8.4.3-f")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("ISO9001-8.4.3-f: ")
    assert lines[2].startswith("  rule      in ruleset iso9001 (rulesets/iso9001/iso9001.qr:")
    assert "  severity  error" in lines
    assert "  refs      ISO 9001:2015 8.4.3 f)" in lines
    assert any(line.startswith("  hint      ") for line in lines)
    assert any(line.startswith("  rule ISO9001-8.4.3-f ") for line in lines)
    assert any("tests/" in line and ": fires" in line for line in lines)


def test_explain_an_unknown_rule_suggests() -> None:
    result = run_cli("explain", "ISO9001-8.4.3-x")
    assert result.exit_code == 2
    assert "error: no rule ISO9001-8.4.3-x in the loaded rulesets" in result.output
    assert "hint: did you mean ISO9001-8.4.3-f" in result.output


def test_explain_with_an_own_ruleset(write: Write) -> None:
    folder = suite(
        write, {"fail.yaml": "# expect: AUDIT\n" + BASE.format(audit="false", aql="0.4")}
    )
    result = run_cli("explain", "AQL", "-r", str(folder))
    assert result.exit_code == 0
    assert '  accept <= 1.0 approval "Quality Director"' in result.output
    assert "  examples: none in the ruleset's tests/" in result.output


def test_doc_markdown_groups_rules_by_clause(write: Write) -> None:
    folder = suite(write, {})
    result = run_cli("doc", str(folder))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "# demo: Demo"
    assert "## ISO 9001:2015 8.4.3" in lines and "## QP-7" in lines
    assert "| Acceptable with approval | `<= 1.0` | Quality Director |  |" in lines


def test_doc_html_is_well_formed(write: Write, tmp_path: Path) -> None:
    folder = suite(write, {})
    out = tmp_path / "doc.html"
    assert run_cli("doc", str(folder), "--format", "html", "-o", str(out)).exit_code == 0
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<h4>AUDIT: Right to audit</h4>" in page
    outline(page)


def test_doc_html_in_a_real_browser(write: Write, tmp_path: Path) -> None:
    out = tmp_path / "doc.html"
    run_cli("doc", str(suite(write, {})), "--format", "html", "-o", str(out))
    dom = browser_dom(out)
    assert "<h4>AUDIT: Right to audit</h4>" in dom and "<h3>QP-7</h3>" in dom


def test_doc_of_an_unknown_ruleset_exits_2() -> None:
    result = run_cli("doc", "iso9000")
    assert result.exit_code == 2
    assert "no ruleset named 'iso9000' and no such file" in result.output
    assert "hint: did you mean `iso9001`?" in result.output
