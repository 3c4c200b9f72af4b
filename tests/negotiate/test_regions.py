"""The region algebra, and positions checked against the engine's own evaluation of terms."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qrules.engine import check
from qrules.model.values import Duration, Percent
from qrules.negotiate.positions import NotAnalysed, position, preferred_zone, zone
from qrules.negotiate.regions import Bound, Interval, Intervals, Values, condition_region
from qrules.ruleset import Rulebook, compile_text
from qrules.syntax.parser import parse_ruleset
from tests.helpers import TODAY


def closed(low: Any, high: Any) -> Interval:
    return Interval(Bound(low, True), Bound(high, True))


def term(tiers: str, at: str = "x") -> Any:
    syntax = parse_ruleset(f'ruleset p\n  schema none\nterm T "t" at {at}\n{tiers}')
    [statement] = syntax.rules
    return statement


# ---------------------------------------------------------------------------- algebra


def test_open_and_closed_ends_are_exact() -> None:
    below = condition_region("<", [1.0])
    at_most = condition_region("<=", [1.0])
    assert not below.contains(1.0) and below.contains(0.999)
    assert at_most.contains(1.0) and not at_most.contains(1.0001)
    assert at_most.minus(below) == Intervals.of(closed(1.0, 1.0))  # the single point 1.0


def test_touching_intervals_merge_and_gaps_stay() -> None:
    left = Intervals.of(Interval(None, Bound(1, False)))
    right = Intervals.of(Interval(Bound(1, True), Bound(2, True)))
    assert left.union(right) == Intervals.of(Interval(None, Bound(2, True)))
    apart = Intervals.of(Interval(None, Bound(1, False))).union(
        Intervals.of(Interval(Bound(1, False), None))
    )
    assert len(apart.parts) == 2 and not apart.contains(1)


def test_complement_of_the_complement_is_the_region() -> None:
    region = Intervals.of(closed(1, 2), Interval(Bound(5, False), Bound(7, False)))
    assert region.complement().complement() == region
    assert Intervals.everything().complement().empty


def test_durations_in_mixed_units_compare_by_length() -> None:
    notice = condition_region("between", [Duration(1, "months"), Duration(12, "weeks")])
    assert notice.contains(Duration(60, "days"))
    assert not notice.contains(Duration(3, "days"))
    assert notice.contains(Duration(84, "days"))  # 12 weeks, the closed end


def test_percentages_and_dates() -> None:
    coverage = condition_region(">=", [Percent(80)])
    assert coverage.contains(Percent(85)) and not coverage.contains(Percent(79.9))
    due = condition_region("<", [dt.date(2027, 1, 1)])
    assert due.contains(dt.date(2026, 12, 31)) and not due.contains(dt.date(2027, 1, 1))


def test_sets_and_their_complements() -> None:
    methods = condition_region("in", [["8D", "A3"]])
    others = condition_region("not in", [["8D", "A3"]])
    assert methods.contains("8D") and not methods.contains("DMAIC")
    assert others.contains("DMAIC") and not others.contains("A3")
    assert methods.union(others) == Values.everything()
    assert methods.intersection(others).empty


# ---------------------------------------------------------------------------- positions


def test_each_tier_covers_its_condition_minus_the_earlier_ones() -> None:
    aql = position(
        term(
            '  prefer <= 0.65\n  accept <= 1.0 approval "Quality Director"\n  reject "too lenient"\n'
        )
    )
    prefer, accept, reject = aql.tiers
    assert prefer.region == Intervals.of(Interval(None, Bound(0.65, True)))
    assert accept.region == Intervals.of(Interval(Bound(0.65, False), Bound(1.0, True)))
    assert accept.approval == "Quality Director"
    assert reject.region == Intervals.of(Interval(Bound(1.0, False), None))


def test_zone_and_preferred_zone_of_two_parties() -> None:
    customer = position(term('  prefer >= 90 days\n  accept >= 60 days approval "QD"\n  reject\n'))
    supplier = position(term("  prefer <= 60 days\n  accept <= 75 days\n  reject\n"))
    assert zone([customer, supplier]) == Intervals.of(
        closed(Duration(60, "days"), Duration(75, "days"))
    )
    assert preferred_zone([customer, supplier]).empty
    assert customer.tier_of(Duration(70, "days")).approval == "QD"  # type: ignore[union-attr]


def test_a_deadlock_is_an_empty_zone() -> None:
    regulator = position(term("  reject < 10 years\n  prefer\n"))
    supplier = position(term("  prefer <= 5 years\n  reject\n"))
    assert zone([regulator, supplier]).empty


def test_computed_bounds_are_not_analysed() -> None:
    with pytest.raises(NotAnalysed, match="computed"):
        position(term("  prefer <= effective - 2027-01-01\n  reject\n"))


# ---------------------------------------------------------------------------- against the engine

OPS = ["<", "<=", ">", ">=", "==", "!="]
numbers = st.sampled_from([0, 0.5, 1, 1.5, 2, 2.5, 3])


@st.composite
def tier_lists(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["prefer", "accept", "reject"]))
        shape = draw(st.sampled_from(["op", "between", "in", "none"]))
        if shape == "op":
            condition = f"{draw(st.sampled_from(OPS))} {draw(numbers)}"
        elif shape == "between":
            low, high = sorted([draw(numbers), draw(numbers)])
            condition = f"between {low} and {high}"
        elif shape == "in":
            condition = (
                "in ["
                + ", ".join(str(v) for v in draw(st.lists(numbers, min_size=1, max_size=3)))
                + "]"
            )
        else:
            condition = ""
        approval = ' approval "Q"' if kind == "accept" else ""
        lines.append(f"  {kind} {condition}{approval}".rstrip())
    return "\n".join(lines) + "\n"


def engine_tier(tiers: str, value: float) -> str | None:
    """The tier the engine decides for an agreement holding ``value``: prefer, accept,
    reject, or None when no tier holds."""
    text = f'ruleset p\n  schema none\nterm T "t" at x\n{tiers}'
    rules = Rulebook((compile_text(text, "p.qr"),))
    with tempfile.TemporaryDirectory() as folder:
        agreement = Path(folder) / "a.yaml"
        agreement.write_text(f"x: {value}\n", encoding="utf-8")
        [*findings] = check(rules, agreement, today=TODAY, schema=None).findings
    if not findings:
        return "prefer"
    [finding] = findings
    if "matches no negotiated position" in finding.message:
        return None
    return finding.tier


PROBES = [-1, 0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 4]  # every bound, between and beyond


@settings(max_examples=150, deadline=None)
@given(tier_lists())
def test_a_value_lies_in_the_tier_the_engine_decides(tiers: str) -> None:
    """For random tier lists, at every bound and between them: the region a value falls in
    is the tier the engine gives an agreement holding that value (so a value is in the
    zone exactly when no party's evaluated term rejects it)."""
    regions = position(term(tiers))
    for value in PROBES:
        found = regions.tier_of(value)
        assert (found.kind if found else None) == engine_tier(tiers, value), value


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Duration(90, "days"), "90 days"),
        (1.0, "1.0"),
        (Percent(95), "95%"),
        ("8D", "8D"),
        ("yes", '"yes"'),
        ("a: b", '"a: b"'),
        (dt.date(2027, 1, 1), '"2027-01-01"'),
    ],
)
def test_values_are_written_as_yaml_reads_them_back(value: Any, written: str) -> None:
    from qrules.negotiate.proposal import write_in, yaml_scalar

    assert yaml_scalar(value) == written
    assert write_in("a:\n  b: old  # keep\n", {2: value}) == f"a:\n  b: {written}  # keep\n"
