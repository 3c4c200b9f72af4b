"""Business days and calendar words (issue 13): `5 business days` is decided against
calendar days only where the weekday does not matter, and otherwise is a finding naming
the ambiguity; a year is 365 days and a month a twelfth of it; lint says where units mix."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from qrules.engine import check
from qrules.model.values import Ambiguous, Duration, business_span
from qrules.ruleset import load_ruleset
from qrules.syntax.format import format_text
from qrules.syntax.parser import parse_expression
from tests.helpers import REPO, TODAY, run_cli

Write = Callable[[str, str], Path]
BD = Duration(5, "business days")


@pytest.mark.parametrize(
    ("amount", "span"),
    [(0, (0, 0)), (1, (1, 3)), (4, (4, 6)), (5, (5, 7)), (10, (12, 14)), (23, (31, 33))],
)
def test_business_days_span_calendar_days(amount: int, span: tuple[int, int]) -> None:
    assert business_span(amount) == span
    # The same span, counted day by day from each weekday of a real week.
    monday = dt.date(2026, 11, 30)
    lengths = {
        (
            Duration(amount, "business days").add_to(monday + dt.timedelta(d))
            - (monday + dt.timedelta(d))
        ).days
        for d in range(7)
    }
    assert (min(lengths), max(lengths)) == span


@pytest.mark.parametrize(
    ("op", "other", "result"),
    [
        ("<=", "7 days", True),
        (">", "4 days", True),
        (">=", "5 days", True),
        ("<", "6 business days", True),
        ("!=", "8 days", True),
        (">", "7 days", False),
        ("<=", "4 days", False),
    ],
)
def test_decided_where_the_weekday_does_not_matter(op: str, other: str, result: bool) -> None:
    assert BD.holds(op, Duration.parse(other)) is result  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("op", "other"), [("<=", "6 days"), ("<", "7 days"), ("==", "7 days"), ("!=", "6 days")]
)
def test_undecided_where_it_does(op: str, other: str) -> None:
    with pytest.raises(Ambiguous, match="5 business days is 5 to 7 calendar days"):
        BD.holds(op, Duration.parse(other))  # type: ignore[arg-type]


def test_calendar_words_compare_as_contracts_count() -> None:
    days = lambda n: Duration(n, "days")  # noqa: E731
    assert days(365) == Duration(1, "years") == Duration(12, "months")
    assert days(182) < Duration(6, "months") < days(183)  # 6 months is 182.5 days
    assert Duration(3, "years") == Duration(36, "months") == days(1095)
    assert Duration(1, "months").add_to(dt.date(2027, 1, 31)) == dt.date(2027, 2, 28)


def test_business_days_read_from_rules_and_agreements(write: Write) -> None:
    assert parse_expression("5 business days").value == BD  # type: ignore[union-attr]
    text = 'ruleset x\n\nrule A "t"\n  require audits.notice <= 5   business  days\n'
    assert format_text(text) == text.replace("5   business  days", "5 business days")
    rules = load_ruleset(write("r.qr", text.replace("ruleset x", "ruleset x\n  schema none")))

    def verdict(notice: str) -> list[str]:
        agreement = write("a.yaml", f"audits:\n  notice: {notice}\n")
        return [f.message for f in check(rules, agreement, today=TODAY).findings]

    assert verdict("3 business days") == [] and verdict("4 days") == []
    assert verdict("8 days") == ["t: requires audits.notice <= 5 business days"]
    (ambiguous,) = verdict("6 days")
    assert "whether 6 days <= 5 business days depends on the calendar" in ambiguous


def test_the_builtin_schema_accepts_business_days(write: Write) -> None:
    clean = (REPO / "rulesets" / "iso9001" / "tests" / "pass-core-castings.yaml").read_text()
    assert "notice: 10 days" in clean
    agreement = write("a.yaml", clean.replace("notice: 10 days", "notice: 5 business days"))
    result = run_cli("check", str(agreement), "-r", "iso9001", "--today", "2026-11-26")
    assert result.exit_code == 0, result.output  # ISO9001-8.4.3-f: notice <= 10 days holds


def test_date_plus_business_days_skips_weekends() -> None:
    friday = dt.date(2026, 12, 4)
    assert BD.add_to(friday) == dt.date(2026, 12, 11)
    assert Duration(1, "business days").add_to(friday) == dt.date(2026, 12, 7)


def test_lint_names_ambiguous_and_surprising_comparisons(write: Write) -> None:
    text = """\
ruleset u
  schema none

let NOTICE = 5 business days

rule U-1 "t"
  ref "x"
  require NOTICE <= 6 days

rule U-2 "t"
  ref "x"
  require 182 days >= 6 months

term U-3 "Audit notice" at audits.notice
  ref "x"
  prefer <= 5 business days
  reject > 10 days
"""
    output = run_cli("lint", str(write("u.qr", text))).output
    assert (
        "u.qr:8:11: error ambiguous-comparison 5 business days <= 6 days cannot be decided"
        in output
    )
    assert (
        "u.qr:12:11: warning mixed-units 182 days >= 6 months mixes days and hours with months and years: qrules counts a month as 365/12 days"
        in output
    )
    assert (
        "u.qr:14:1: warning mixed-units the tiers mix business days with days and hours" in output
    )


def test_negotiate_compares_business_days_with_business_days_only(write: Write) -> None:
    term = 'ruleset {n}\n  schema none\n\nterm {n}-A "Audit notice" at audits.notice\n  ref "x"\n  prefer {cond}\n  reject\n'
    us = write("us.qr", term.format(n="us", cond="<= 5 business days"))
    same = write("same.qr", term.format(n="same", cond=">= 3 business days"))
    days = write("days.qr", term.format(n="days", cond=">= 4 days"))
    agreed = run_cli("negotiate", "--party", f"us={us}", "--party", f"them={same}")
    assert (
        agreed.exit_code == 0
        and "audits.notice: zone [3 business days, 5 business days]" in agreed.output
    )
    mixed = run_cli("negotiate", "--party", f"us={us}", "--party", f"them={days}")
    assert (
        "not analysed: business days and calendar days compare only on a calendar" in mixed.output
    )


def test_membership_does_not_guess_either(write: Write) -> None:
    text = 'ruleset x\n  schema none\n\nrule A "t"\n  ref "x"\n  require audits.notice in [5 business days, 10 business days]\n'
    rules = load_ruleset(write("r.qr", text))

    def verdict(notice: str) -> list[str]:
        agreement = write("a.yaml", f"audits:\n  notice: {notice}\n")
        return [f.message for f in check(rules, agreement, today=TODAY).findings]

    assert verdict("5 business days") == [] and verdict("20 days") == [
        "t: requires audits.notice in [5 business days, 10 business days]"
    ]
    (ambiguous,) = verdict("7 days")
    assert "depends on the calendar" in ambiguous
