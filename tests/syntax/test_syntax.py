"""The parser: every construct of the language, and syntax errors a person can act on."""

from __future__ import annotations

import datetime as dt

import pytest

from qrules.errors import RuleSyntaxError
from qrules.model.values import Duration, Percent
from qrules.syntax import ast
from qrules.syntax.parser import parse_expression, parse_ruleset
from tests.helpers import dedent


def expr(text: str) -> ast.Expr:
    return parse_expression(text)


def path(*names: str) -> ast.Path:
    root, *rest = names
    return ast.Path(root, tuple(ast.Field(n) for n in rest))


# ---------------------------------------------------------------------------- literals


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("42", 42),
        ("0.65", 0.65),
        ("1e3", 1000.0),
        ('"text"', "text"),
        ('"say \\"hi\\""', 'say "hi"'),
        ("true", True),
        ("false", False),
        ("null", None),
        ("2027-01-01", dt.date(2027, 1, 1)),
        ("30 days", Duration(30, "days")),
        ("1 day", Duration(1, "days")),
        ("24 hours", Duration(24, "hours")),
        ("2 weeks", Duration(2, "weeks")),
        ("6 months", Duration(6, "months")),
        ("3 years", Duration(3, "years")),
        ("15 minutes", Duration(15, "minutes")),
        ("95%", Percent(95.0)),
        ("0.5%", Percent(0.5)),
    ],
)
def test_literals(text: str, value: object) -> None:
    assert expr(text) == ast.Literal(value)  # type: ignore[arg-type]


def test_lists_with_brackets_or_braces_and_trailing_comma() -> None:
    expected = ast.ListExpr((ast.Literal(1), ast.Literal("a")))
    assert expr('[1, "a"]') == expected
    assert expr('{1, "a",}') == expected
    assert expr("[]") == ast.ListExpr(())


# ---------------------------------------------------------------------------- paths


def test_paths_with_fields_and_indexes() -> None:
    assert expr("scope.products[2].revision") == ast.Path(
        "scope",
        (ast.Field("products"), ast.Index(ast.Literal(2)), ast.Field("revision")),
    )


def test_keywords_are_field_names_inside_paths() -> None:
    # `scope` and `message` are clause keywords, but also agreement fields.
    assert expr("scope.products") == path("scope", "products")
    assert expr("x.message") == path("x", "message")


# ---------------------------------------------------------------------------- operators


def test_precedence_not_and_or() -> None:
    assert expr("not a or b and c") == ast.Binary(
        "or",
        ast.Unary("not", path("a")),
        ast.Binary("and", path("b"), path("c")),
    )


def test_arithmetic_precedence_and_negation() -> None:
    assert expr("-a + 2 * b / 4") == ast.Binary(
        "+",
        ast.Unary("-", path("a")),
        ast.Binary("/", ast.Binary("*", ast.Literal(2), path("b")), ast.Literal(4)),
    )


@pytest.mark.parametrize("op", ["==", "!=", "<", "<=", ">", ">="])
def test_comparisons(op: str) -> None:
    assert expr(f"a {op} 30 days") == ast.Binary(op, path("a"), ast.Literal(Duration(30, "days")))


@pytest.mark.parametrize(
    ("text", "op"), [("a in b", "in"), ("a not in b", "not in"), ("a contains b", "contains")]
)
def test_membership(text: str, op: str) -> None:
    assert expr(text) == ast.Binary(op, path("a"), path("b"))


def test_matches_with_flags() -> None:
    assert expr("p.id matches /^[A-Z]{2}-\\d{4}$/i") == ast.Matches(
        path("p", "id"), "^[A-Z]{2}-\\d{4}$", "i"
    )


def test_calls() -> None:
    assert expr("exists(audits.notice)") == ast.Call("exists", (path("audits", "notice"),))
    assert expr("today()") == ast.Call("today", ())
    assert expr("max(1, 2, 3)") == ast.Call("max", (ast.Literal(1), ast.Literal(2), ast.Literal(3)))


@pytest.mark.parametrize("kind", ["all", "any", "none"])
def test_quantifiers_take_the_rest_of_the_expression(kind: str) -> None:
    assert expr(f'{kind} p in scope.products: exists(p.revision) and p.name != ""') == (
        ast.Quantifier(
            kind,
            "p",
            path("scope", "products"),
            ast.Binary(
                "and",
                ast.Call("exists", (path("p", "revision"),)),
                ast.Binary("!=", path("p", "name"), ast.Literal("")),
            ),
        )
    )


def test_quantifier_inside_a_conjunction_needs_parentheses() -> None:
    parsed = expr("exists(x) and (all p in x: p > 1)")
    assert isinstance(parsed, ast.Binary)
    assert isinstance(parsed.right, ast.Quantifier)


def test_count() -> None:
    assert expr('count(o in quality.objectives where o.owner == "QA")') == ast.Count(
        "o",
        path("quality", "objectives"),
        ast.Binary("==", path("o", "owner"), ast.Literal("QA")),
    )


# ---------------------------------------------------------------------------- statements

FULL = """
ruleset demo "Demo rules"
  version "2.1"

# a comment
scope type in ["supplier-quality"]

rule R-1 "Right to audit"
  severity warning
  ref "ISO 9001:2015 8.4.3 f)", "QP-7"
  when exists(audits)
  let notice = audits.notice
  require audits.right_to_audit == true   # trailing comment
  require notice <= 10 days
  message "Notice {notice} is too long ({{literal}})"
  hint "Add it"

scope true

term T-1 "Major AQL" at quality.aql.major
  ref "QP-8"
  when exists(quality)
  prefer <= 0.65
  accept between 0.65 and 1.0 approval "Quality Director" severity warning "costly"
  reject in [4.0, 6.5]
  reject not in [1.5] "no"
  reject
"""


def test_a_full_ruleset() -> None:
    parsed = parse_ruleset(dedent(FULL), "demo.qr")
    assert (parsed.name, parsed.title, parsed.version, parsed.schema) == (
        "demo",
        "Demo rules",
        "2.1",
        None,
    )
    scope, rule, reset, term = parsed.statements
    assert isinstance(scope, ast.ScopeStatement) and isinstance(reset, ast.ScopeStatement)
    assert isinstance(rule, ast.Rule) and isinstance(term, ast.Term)
    assert rule.severity == "warning" and rule.refs == ("ISO 9001:2015 8.4.3 f)", "QP-7")
    assert rule.scope == scope.condition
    assert rule.lets == (ast.Let("notice", path("audits", "notice")),)
    assert [r.source for r in rule.requires] == [
        "audits.right_to_audit == true",
        "notice <= 10 days",
    ]
    assert rule.message is not None
    assert rule.message.parts == ("Notice ", path("notice"), " is too long ({literal})")
    assert rule.span.line == 7
    assert term.scope is None and term.at == path("quality", "aql", "major")
    assert [t.kind for t in term.tiers] == ["prefer", "accept", "reject", "reject", "reject"]
    accept = term.tiers[1]
    assert accept.condition is not None and accept.condition.op == "between"
    assert (accept.approval, accept.severity, accept.reason) == (
        "Quality Director",
        "warning",
        "costly",
    )
    assert term.tiers[2].condition.op == "in"  # type: ignore[union-attr]
    assert term.tiers[3].condition.op == "not in"  # type: ignore[union-attr]
    assert term.tiers[4].condition is None


def test_header_schema_choice() -> None:
    assert parse_ruleset("ruleset x schema none").schema == "none"
    assert parse_ruleset('ruleset x "t" version "1" schema "own.json"').schema == "own.json"


def test_layout_does_not_change_the_ast() -> None:
    one_line = " ".join(line.split("#")[0] for line in dedent(FULL).splitlines())
    assert parse_ruleset(one_line) == parse_ruleset(dedent(FULL))


# ---------------------------------------------------------------------------- errors


def syntax_error(text: str) -> RuleSyntaxError:
    with pytest.raises(RuleSyntaxError) as caught:
        parse_ruleset(dedent(text), "bad.qr")
    return caught.value


def test_misspelt_keyword_suggests_the_keyword() -> None:
    error = syntax_error('ruleset x\nrule A "t"\n  requre x == 1\n')
    assert (error.line, error.column) == (3, 3)
    assert error.message.startswith("unexpected `requre`; expected ")
    assert "`require`" in error.message
    assert error.hint == "did you mean `require`?"
    assert error.render().splitlines() == [
        f"bad.qr:3:3: syntax error: {error.message}",
        "    requre x == 1",
        "    ^",
        "hint: did you mean `require`?",
    ]


def test_misspelt_tier_keyword() -> None:
    error = syntax_error('ruleset x\nterm A "t" at x\n  prefr < 3\n')
    assert (error.line, error.column, error.hint) == (3, 3, "did you mean `prefer`?")


def test_single_equals_gets_a_hint() -> None:
    error = syntax_error('ruleset x\nrule A "t"\n  require x = 1\n')
    assert (error.line, error.column) == (3, 13)
    assert error.hint == "compare with `==`; a single `=` only appears in `let name = ...`"
    assert "expected an operator" in error.message


def test_single_quotes_get_a_hint() -> None:
    error = syntax_error("ruleset x\nrule A 'title'\n")
    assert (error.line, error.column) == (2, 8)
    assert error.message == 'unexpected character `\'`; expected a "quoted string"'
    assert error.hint == 'strings are written in double quotes: "text"'


def test_double_ampersand_gets_a_hint() -> None:
    error = syntax_error('ruleset x\nrule A "t"\n require x == 1 && y\n')
    assert (error.line, error.column, error.hint) == (3, 17, "write `and`")


def test_unexpected_end_of_file() -> None:
    error = syntax_error('ruleset x\nrule A "t"\n  require x ==\n')
    assert error.message == "unexpected end of file; expected an expression"
    assert error.line == 3


def test_unclosed_parenthesis() -> None:
    error = syntax_error('ruleset x\nrule A "t"\n  require (x == 1\n')
    assert error.message == "unexpected end of file; expected `)`"


def test_unknown_severity() -> None:
    error = syntax_error('ruleset x\nrule A "t"\n  severity fatal\n')
    assert (error.line, error.column) == (3, 12)
    assert error.message == "unexpected `fatal`; expected `error`, `note` or `warning`"


def test_missing_header() -> None:
    error = syntax_error('rule A "t"\n')
    assert (error.line, error.column) == (1, 1)
    assert "expected `ruleset`" in error.message


def test_error_inside_a_message_hole_points_into_the_file() -> None:
    error = syntax_error('ruleset x\nrule A "t"\n  require x\n  message "a {x..y} b"\n')
    assert error.line == 4
    assert error.column == 17  # the second `.` inside the hole


def test_unbalanced_braces_in_messages() -> None:
    assert syntax_error('ruleset x\nrule A "t" message "a {x"').message == (
        "unclosed `{` in a message"
    )
    assert syntax_error('ruleset x\nrule A "t" message "a }"').message == (
        "a `}` without its `{` in a message"
    )


def test_duplicate_single_clause() -> None:
    error = syntax_error('ruleset x\nrule A "t"\n  severity error\n  severity note\n')
    assert error.message == "A has more than one `severity`"
    assert error.line == 4


def test_invalid_date_literal() -> None:
    error = syntax_error('ruleset x\nrule A "t"\n  require effective < 2027-02-30\n')
    assert (error.line, error.column, error.message) == (3, 23, "2027-02-30 is not a valid date")


def test_invalid_escape() -> None:
    error = syntax_error('ruleset x\nrule A "bad \\d"\n')
    assert error.message == "invalid escape sequence in a string"
