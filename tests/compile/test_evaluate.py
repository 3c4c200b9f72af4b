"""Evaluating every construct, and the static errors the compiler reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from qrules.compile import Compiler, Env, MissingField
from qrules.errors import RulesetError
from qrules.model.values import Duration, Percent
from qrules.stdlib.core import EvalError
from qrules.syntax.parser import parse_expression
from tests.helpers import TODAY, compile_rules

DOC: dict[str, Any] = {
    "type": "supplier-quality",
    "effective": dt.date(2027, 1, 31),
    "audits": {"right_to_audit": True, "notice": Duration(10, "days")},
    "records": {"retention": Duration(10, "years")},
    "software": {"test_coverage": Percent(85)},
    "quality": {"aql": {"critical": 0, "major": 0.65, "minor": 2.5}},
    "scope": {
        "products": [
            {"part_number": "BR-2041", "revision": "C", "name": "Bracket"},
            {"part_number": "hx-17", "name": "Housing"},
        ]
    },
    "tags": ["steel", "rolled"],
}


def evaluate(text: str, document: Any = None) -> Any:
    compiler = Compiler("test.qr", text, roots=None)
    function = compiler.value(parse_expression(text), frozenset())
    return function(Env(DOC if document is None else document, TODAY))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # logic
        ("true and false", False),
        ("true or false", True),
        ("not false", True),
        ("audits.right_to_audit and not false", True),
        # comparisons on every ordered type
        ("quality.aql.major <= 0.65", True),
        ("quality.aql.major < 0.65", False),
        ('type == "supplier-quality"', True),
        ('type != "supplier-quality"', False),
        ("effective > 2027-01-01", True),
        ("audits.notice <= 2 weeks", True),
        ("records.retention == 120 months", True),
        ("records.retention >= 3 years", True),
        ("software.test_coverage >= 80%", True),
        ('"abc" < "abd"', True),
        # arithmetic
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 / 4", 2.5),
        ("-quality.aql.minor", -2.5),
        ("audits.notice * 3 == 30 days", True),
        ("audits.notice + 1 week", Duration(17, "days")),
        ("effective + 1 month", dt.date(2027, 2, 28)),
        ("effective - 2027-01-01", Duration(30, "days")),
        ("effective - 31 days", dt.date(2026, 12, 31)),
        ("5% + 10%", Percent(15)),
        # membership and text
        ('type in ["supplier-quality", "regulatory"]', True),
        ('type not in ["regulatory"]', True),
        ('tags contains "steel"', True),
        ('"roll" in "rolled"', True),
        ("scope.products[0].part_number matches /^[A-Z]{2}-[0-9]{4}$/", True),
        ("scope.products[1].part_number matches /^[A-Z]{2}-[0-9]{4}$/", False),
        ("scope.products[1].part_number matches /^hx/i", True),
        # paths and indexing
        ("scope.products[-1].name", "Housing"),
        ("scope.products[1 - 1].revision", "C"),
        # functions
        ("exists(audits.notice)", True),
        ("exists(scope.products[1].revision)", False),
        ("exists(nothing.here)", False),
        ("len(scope.products)", 2),
        ('lower("ABC")', "abc"),
        ('upper("abc")', "ABC"),
        ("max(1, 5, 3)", 5),
        ("min([4, 2])", 2),
        ("abs(-2)", 2),
        ("round(2.456, 2)", 2.46),
        ("days(2 weeks)", 14.0),
        ('duration("90 days")', Duration(90, "days")),
        ('date("2027-03-01")', dt.date(2027, 3, 1)),
        ("today()", TODAY),
        # quantifiers and count
        ("all p in scope.products: exists(p.part_number)", True),
        ("all p in scope.products: exists(p.revision)", False),
        ('any p in scope.products: p.name == "Housing"', True),
        ('none p in scope.products: p.part_number == "XX-0000"', True),
        ("all p in []: false", True),
        ("count(p in scope.products where exists(p.revision))", 1),
        ('count(t in tags where t != "x") == 2', True),
        # literals
        ("[1, 2]", [1, 2]),
        ("null", None),
    ],
)
def test_expression_values(text: str, expected: Any) -> None:
    assert evaluate(text) == expected


def test_reading_a_missing_field_raises_with_the_nearest_parent() -> None:
    with pytest.raises(MissingField) as caught:
        evaluate('scope.products[1].revision == "A"')
    assert caught.value.path == ("scope", "products", 1, "revision")
    assert caught.value.parent == ("scope", "products", 1)


def test_null_counts_as_missing() -> None:
    with pytest.raises(MissingField):
        evaluate("audits.notice > 1 day", {"audits": {"notice": None}})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("audits.notice > 5", "cannot compare duration 10 days with number 5 using >"),
        ('effective < "soon"', "cannot compare date 2027-01-31 with string soon"),
        ("software.test_coverage >= 0.8", "cannot compare percentage 85% with number 0.8"),
        ("1 and true", "`and` needs true or false, got number 1"),
        ("quality.aql.major matches /x/", "`matches` needs a string, got number 0.65"),
        ("audits.notice + 5", "cannot compute duration 10 days + number 5"),
        ("1 / 0", "division by zero"),
        ("type.name", "type is a string supplier-quality, it has no `name`"),
        ("len(5)", "len() needs a list, string or record, got number"),
        ("all p in type: true", "type is a string, not a list"),
        ("true < false", "< needs numbers, strings, dates, durations or percentages"),
    ],
)
def test_type_errors_at_run_time(text: str, message: str) -> None:
    with pytest.raises(EvalError) as caught:
        evaluate(text)
    assert str(caught.value).startswith(message)


# ---------------------------------------------------------------------------- static errors


def compile_error(text: str) -> RulesetError:
    with pytest.raises(RulesetError) as caught:
        compile_rules(text)
    return caught.value


def test_unknown_function_suggests_the_nearest() -> None:
    error = compile_error('ruleset x\nrule A "t"\n  require exist(audits)\n')
    assert (error.line, error.column) == (3, 11)
    assert error.message == "unknown function `exist`"
    assert error.hint == "did you mean `exists`?"


def test_wrong_arity() -> None:
    error = compile_error('ruleset x\nrule A "t"\n  require len(scope, audits) > 1\n')
    assert (error.line, error.column) == (3, 11)
    assert error.message == "`len` takes 1 argument, given 2"


def test_undefined_name_suggests_a_schema_field() -> None:
    error = compile_error('ruleset x\nrule A "t"\n  require audit.right_to_audit\n')
    assert (error.line, error.column) == (3, 11)
    assert error.message == (
        "undefined name `audit`: not a field of the agreement schema nor a `let`"
    )
    assert error.hint == "did you mean `audits`?"


def test_undefined_let_suggests_the_let() -> None:
    error = compile_error('ruleset x\nrule A "t"\n  let plan = 1\n  require plna > 0\n')
    assert error.message.startswith("undefined name `plna`")


def test_schema_none_allows_any_root() -> None:
    [rule] = compile_rules(
        'ruleset x schema none\nrule A "t"\n  require anything.at_all == 1\n'
    ).checks
    assert rule.info.id == "A"
    with_schema = 'ruleset x\nrule A "t"\n  require anything.at_all == 1\n'
    assert compile_error(with_schema).message.startswith("undefined name `anything`")


def test_duplicate_rule_id() -> None:
    error = compile_error('ruleset x\nrule A "t" require true\nterm A "t" at id reject\n')
    assert (error.line, error.column) == (3, 1)
    assert error.message == "duplicate rule id A (first defined on line 2)"


def test_invalid_regex() -> None:
    error = compile_error('ruleset x\nrule A "t"\n  require id matches /[A-Z/\n')
    assert error.line == 3
    assert error.message.startswith("invalid regular expression /[A-Z/:")


def test_exists_needs_a_path() -> None:
    error = compile_error('ruleset x\nrule A "t"\n  require exists(1)\n')
    assert error.message == "`exists` takes a field path, such as exists(audits.notice)"


def test_keyword_as_a_path_root() -> None:
    error = compile_error('ruleset x\nrule A "t"\n  require true and and\n')
    assert error.message == "`and` is a keyword and cannot start a field path"
    assert (error.line, error.column) == (3, 20)


def test_let_cannot_use_a_later_let() -> None:
    error = compile_error('ruleset x\nrule A "t"\n  let a = b\n  let b = 1\n  require a\n')
    assert error.message.startswith("undefined name `b`")
