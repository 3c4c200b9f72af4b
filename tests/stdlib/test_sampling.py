"""ISO 2859-1 sampling plans against the verified reference tables; OC values against exact sums.

The reference tables live in ``shared/reference/iso2859`` beside the repository (as on the
developers' machines and in CI); where that folder is absent those tests skip, and the spot
checks and the probability tests still run.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qrules.errors import UsageError
from qrules.stdlib import sampling
from qrules.stdlib.sampling import (
    SamplingPlan,
    acceptance_probability,
    code_letter,
    consumer_risk,
    default_grid,
    oc_curve,
    producer_risk,
    quality_at_acceptance,
    sample_size,
    sampling_plan,
    table_cell,
)
from tests.helpers import REFERENCE as SHARED_REFERENCE

REFERENCE_DIR = SHARED_REFERENCE
REFERENCE = REFERENCE_DIR / "iso2859" / "iso2859-1.json"
COPY = Path(sampling.__file__).with_name("iso2859_1.json")
LETTERS = tuple("ABCDEFGHJKLMNPQR")
REFERENCE_TABLES = {
    "normal": "normal_single",
    "tightened": "tightened_single",
    "reduced": "reduced_single_milstd105e_z14",
}
OPEN_ENDED_LOT = 10**7


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    if not REFERENCE.is_file():
        pytest.skip(f"../shared/reference not present: {REFERENCE} is needed to check the tables")
    data: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return data


def _ends(low: int, high: int | None) -> tuple[int, int]:
    return (low, high if high is not None else OPEN_ENDED_LOT)


def _largest_lot_for(reference: dict[str, Any], letter: str) -> tuple[str, int]:
    """The inspection level and the largest lot size that Table 1 maps to ``letter``."""
    found = [
        (_ends(low, high)[1], level)
        for level, rows in reference["code_letters"].items()
        for low, high, row_letter in rows
        if row_letter == letter
    ]
    lot, level = max(found)
    return level, lot


def _check_reduced_letter(
    reference: dict[str, Any], letter: str, aql: str, cell: dict[str, Any], got: str
) -> None:
    """Reduced cells carry no letter: an arrow's letter must name a plain cell with this plan."""
    table = reference[REFERENCE_TABLES["reduced"]]
    if "note" not in cell:
        assert got == letter
        return
    target = table[got][aql]
    assert got != letter
    assert "note" not in target
    assert (target["n"], target["ac"], target["re"]) == (cell["n"], cell["ac"], cell["re"])
    assert reference["reduced_sample_sizes_milstd105e_z14"][got] == cell["n"]


# --- every cell of the reference ---------------------------------------------------------------


@pytest.mark.parametrize("level", ["S-1", "S-2", "S-3", "S-4", "I", "II", "III"])
def test_code_letter_at_both_ends_of_every_lot_range(reference: dict[str, Any], level: str) -> None:
    rows = reference["code_letters"][level]
    assert rows[0][0] == 2
    for (_, high, _), (next_low, _, _) in pairwise(rows):
        assert next_low == high + 1  # the ranges leave no gap
    for low, high, letter in rows:
        for lot in _ends(low, high):
            assert code_letter(lot, level) == letter, (level, lot)


def test_sample_sizes_of_every_letter(reference: dict[str, Any]) -> None:
    assert {letter: sample_size(letter) for letter in LETTERS} == reference["sample_sizes"]
    reduced = {letter: sample_size(letter, "reduced") for letter in LETTERS}
    assert reduced == reference["reduced_sample_sizes_milstd105e_z14"]
    tightened = {letter: sample_size(letter, "tightened") for letter in LETTERS}
    assert tightened == reference["sample_sizes"]


def test_tightened_letter_s_has_the_sample_size_its_cells_give(reference: dict[str, Any]) -> None:
    s_cells = [
        cell
        for row in reference["tightened_single"].values()
        for cell in row.values()
        if cell.get("letter") == "S"
    ]
    assert s_cells
    assert {cell["n"] for cell in s_cells} == {sample_size("S", "tightened")}


@pytest.mark.parametrize("mode", ["normal", "tightened", "reduced"])
@pytest.mark.parametrize("letter", LETTERS)
def test_every_table_cell_matches_reference(
    reference: dict[str, Any], mode: str, letter: str
) -> None:
    row = reference[REFERENCE_TABLES[mode]][letter]
    assert tuple(row) == sampling.tabulated_aqls()
    for aql, cell in row.items():
        got = table_cell(letter, aql, mode)
        assert (got.n, got.ac, got.re) == (cell["n"], cell["ac"], cell["re"]), (mode, letter, aql)
        if mode == "reduced":
            _check_reduced_letter(reference, letter, aql, cell, got.letter)
        else:
            assert got.letter == cell.get("letter", letter), (mode, letter, aql)


@pytest.mark.parametrize("mode", ["normal", "tightened", "reduced"])
@pytest.mark.parametrize("letter", LETTERS)
def test_every_plan_through_sampling_plan(
    reference: dict[str, Any], mode: str, letter: str
) -> None:
    """The whole path: lot and level → letter → plan, with the AQL given as a number."""
    level, lot = _largest_lot_for(reference, letter)
    for aql, cell in reference[REFERENCE_TABLES[mode]][letter].items():
        plan = sampling_plan(lot, level, float(aql), mode)
        assert plan.aql == aql
        assert plan.n == min(cell["n"], lot), (mode, letter, aql)
        assert (plan.ac, plan.re) == (cell["ac"], cell["re"])
        assert plan.inspect_all == (cell["n"] >= lot)
        if mode != "reduced":
            assert plan.letter == cell.get("letter", letter)


def test_arrows_lead_to_a_plain_cell_with_the_same_plan(reference: dict[str, Any]) -> None:
    for mode in ("normal", "tightened"):
        for letter, row in reference[REFERENCE_TABLES[mode]].items():
            for aql, cell in row.items():
                target = cell.get("letter", letter)
                assert sample_size(target, mode) == cell["n"], (mode, letter, aql)
                if target in reference[REFERENCE_TABLES[mode]]:
                    plain = reference[REFERENCE_TABLES[mode]][target][aql]
                    assert "letter" not in plain
                    assert (plain["ac"], plain["re"]) == (cell["ac"], cell["re"])


def test_packaged_copy_matches_reference(reference: dict[str, Any]) -> None:
    copy = json.loads(COPY.read_text(encoding="utf-8"))
    assert copy["code_letters"] == reference["code_letters"]
    assert copy["levels"] == list(reference["code_letters"])
    assert copy["aqls"] == list(reference["normal_single"]["A"])
    assert copy["sample_sizes"]["normal"] == reference["sample_sizes"]
    assert copy["sample_sizes"]["reduced"] == reference["reduced_sample_sizes_milstd105e_z14"]
    assert set(copy["sample_sizes"]["tightened"]) == set(LETTERS) | {"S"}
    for mode, key in REFERENCE_TABLES.items():
        assert list(copy["plans"][mode]) == list(reference[key])
        for letter, row in reference[key].items():
            assert list(copy["plans"][mode][letter]) == list(row)
            for aql, cell in row.items():
                target, n, ac, re_ = copy["plans"][mode][letter][aql]
                assert [n, ac, re_] == [cell["n"], cell["ac"], cell["re"]], (mode, letter, aql)
                if mode != "reduced":
                    assert target == cell.get("letter", letter)


def test_edge_cells_are_the_references_edge_cells(reference: dict[str, Any]) -> None:
    for mode, key in (("normal", "normal_single"), ("tightened", "tightened_single")):
        cells = reference["cell_confirmation"][key]
        for letter, row in cells.items():
            for aql, confirmation in row.items():
                assert sampling.is_edge_cell(letter, aql, mode) == (confirmation == "edge")


# --- spot checks that need no reference --------------------------------------------------------


def test_lot_1000_level_ii_is_letter_j_with_80_units() -> None:
    plan = sampling_plan(1000, "II", 1.0)
    assert plan == SamplingPlan("J", 80, 2, 3, False, 1000, "II", "1.0", "normal")
    assert plan.as_record() == {"letter": "J", "n": 80, "ac": 2, "re": 3, "inspect_all": False}


@pytest.mark.parametrize(
    ("aql", "ac", "re"), [(0.65, 1, 2), ("1.0", 2, 3), (1, 2, 3), ("2.5", 5, 6)]
)
def test_well_known_plans_at_letter_j(aql: float | str, ac: int, re: int) -> None:
    plan = sampling_plan(1000, "II", aql)
    assert (plan.letter, plan.n, plan.ac, plan.re) == ("J", 80, ac, re)


def test_arrow_up_from_j_at_aql_025_gives_h() -> None:
    plan = sampling_plan(1000, "II", 0.25)
    assert plan.as_record() == {"letter": "H", "n": 50, "ac": 0, "re": 1, "inspect_all": False}


def test_a_sample_as_large_as_the_lot_means_inspecting_every_unit() -> None:
    # Lot 10 at level II is letter B; AQL 0.65 sends it down to F (n = 20), more than the lot.
    plan = sampling_plan(10, "II", 0.65)
    assert plan.as_record() == {"letter": "F", "n": 10, "ac": 0, "re": 1, "inspect_all": True}


@pytest.mark.parametrize("level", ["ii", " II ", "Ii"])
def test_levels_are_case_insensitive(level: str) -> None:
    assert sampling_plan(1000, level, 1.0).level == "II"


@pytest.mark.parametrize("level", ["s-3", "S3", "s 3"])
def test_special_levels_accept_common_spellings(level: str) -> None:
    assert sampling_plan(1000, level, 1.0).level == "S-3"


@pytest.mark.parametrize(
    ("aql", "key"),
    [
        (0.65, "0.65"),
        ("0.65", "0.65"),
        (1, "1.0"),
        ("1.0", "1.0"),
        (1.0, "1.0"),
        ("1", "1.0"),
        (0.01, "0.010"),
        ("0.010", "0.010"),
        ("0.01", "0.010"),
        (10, "10"),
        ("10.0", "10"),
        (1000, "1000"),
        ("1.5%", "1.5"),
    ],
)
def test_aqls_match_the_printed_keys(aql: float | str, key: str) -> None:
    assert sampling.aql_key(aql) == key


def test_modes_are_case_insensitive() -> None:
    assert sampling_plan(1000, "II", 1.0, "Tightened").mode == "tightened"


def test_open_ended_lot_range() -> None:
    assert code_letter(10**9, "III") == code_letter(500_001, "III")


def test_oc_model_follows_the_aql() -> None:
    assert sampling.oc_model("10") == "binomial"
    assert sampling.oc_model(15) == "poisson"


# --- OC values against independent exact sums --------------------------------------------------


def exact_binomial(n: int, ac: int, p: Fraction) -> Fraction:
    return sum(
        (math.comb(n, d) * p**d * (1 - p) ** (n - d) for d in range(ac + 1)), start=Fraction(0)
    )


def exact_hypergeometric(lot: int, defectives: int, n: int, ac: int) -> Fraction:
    hits = sum(math.comb(defectives, d) * math.comb(lot - defectives, n - d) for d in range(ac + 1))
    return Fraction(hits, math.comb(lot, n))


def poisson_reference(mean: float, ac: int) -> float:
    partial = sum((Fraction(mean) ** d / math.factorial(d) for d in range(ac + 1)), Fraction(0))
    return float(partial) * math.exp(-mean)


BINOMIAL_CASES = [
    (80, 2, 0.01),
    (80, 2, 0.065),
    (13, 0, 0.3),
    (125, 10, 0.08),
    (2, 1, 0.5),
    (2000, 21, 0.01),
    (2000, 21, 0.02),
    (3150, 1, 0.0005),
    (3150, 44, 0.02),
    (1250, 0, 0.004),
    (500, 14, 0.5),
    (80, 2, 0.0),
    (80, 2, 1.0),
]


@pytest.mark.parametrize(("n", "ac", "p"), BINOMIAL_CASES)
def test_binomial_is_exact(n: int, ac: int, p: float) -> None:
    # The decimal value, not the float's binary one: the two differ by far less than rel.
    expected = float(exact_binomial(n, ac, Fraction(str(p))))
    assert acceptance_probability(n, ac, p) == pytest.approx(expected, rel=1e-11, abs=1e-300)


@pytest.mark.parametrize(
    ("n", "ac", "p"),
    [
        (50, 1, 0.02),
        (80, 2, 0.01),
        (2000, 21, 0.015),
        (3150, 44, 0.02),
        (2, 30, 4.0),
        (13, 44, 2.5),
        (500, 0, 0.0),
    ],
)
def test_poisson_is_exact(n: int, ac: int, p: float) -> None:
    expected = poisson_reference(n * p, ac)
    assert acceptance_probability(n, ac, p, "poisson") == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("lot", "defectives", "n", "ac"),
    [
        (10, 2, 2, 0),
        (20, 3, 5, 0),
        (200, 5, 80, 2),
        (1000, 37, 80, 2),
        (5000, 250, 315, 14),
        (100, 100, 10, 3),
        (100, 0, 10, 0),
        (500_000, 9_000, 2000, 21),
    ],
)
def test_hypergeometric_is_exact(lot: int, defectives: int, n: int, ac: int) -> None:
    expected = float(exact_hypergeometric(lot, defectives, n, ac))
    got = acceptance_probability(n, ac, defectives / lot, "hypergeometric", lot)
    assert got == pytest.approx(expected, rel=1e-15, abs=1e-300)


def test_hypergeometric_by_hand() -> None:
    # Lot of 10 with 2 nonconforming, sample 2: Pa(c=0) = C(8,2)/C(10,2) = 28/45,
    # Pa(c=1) = (C(8,2) + C(2,1)·C(8,1))/C(10,2) = (28 + 16)/45.
    assert acceptance_probability(2, 0, 0.2, "hypergeometric", 10) == pytest.approx(28 / 45)
    assert acceptance_probability(2, 1, 0.2, "hypergeometric", 10) == pytest.approx(44 / 45)
    # Lot of 20 with 3 nonconforming, sample 5, c = 0: C(17,5)/C(20,5) = 6188/15504.
    assert acceptance_probability(5, 0, 0.15, "hypergeometric", 20) == pytest.approx(6188 / 15504)


def test_hypergeometric_rounds_half_a_unit_up() -> None:
    # 1.25 % of 200 is 2.5 units: counted as 3 (Python's round() would give 2).
    got = acceptance_probability(80, 2, 0.0125, "hypergeometric", 200)
    assert got == pytest.approx(float(exact_hypergeometric(200, 3, 80, 2)), rel=1e-15)


# --- published worked examples -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "pa"),
    [
        (0.005, 0.9897),
        (0.01, 0.9397),
        (0.02, 0.7366),
        (0.03, 0.4985),
        (0.04, 0.3042),
        (0.05, 0.1721),
        (0.06, 0.0919),
        (0.07, 0.0468),
        (0.08, 0.0230),
        (0.09, 0.0109),
    ],
)
def test_montgomery_oc_curve_n89_c2(p: float, pa: float) -> None:
    """Montgomery, Introduction to Statistical Quality Control, OC curve of n = 89, c = 2."""
    assert acceptance_probability(89, 2, p) == pytest.approx(pa, abs=5e-5)


def test_poisson_n50_c1_at_two_percent() -> None:
    # np = 1: Pa = e^-1 (1 + 1) = 0.7358
    assert acceptance_probability(50, 1, 0.02, "poisson") == pytest.approx(2 / math.e, rel=1e-14)
    assert round(acceptance_probability(50, 1, 0.02, "poisson"), 4) == 0.7358


@pytest.mark.parametrize(
    ("ac", "pa", "np_"),
    [
        (0, 0.95, -math.log(0.95)),
        (0, 0.10, math.log(10)),
        (1, 0.95, 0.355),
        (1, 0.10, 3.890),
        (2, 0.95, 0.818),
        (2, 0.10, 5.322),
    ],
)
def test_cameron_unity_values(ac: int, pa: float, np_: float) -> None:
    """Poisson np at which a plan with acceptance number c accepts with probability Pa."""
    n = 100
    got = quality_at_acceptance(n, ac, pa, model="poisson") * n
    assert got == pytest.approx(np_, abs=5e-4)


def test_mil_std_105e_letter_j_aql_1_0_percentiles() -> None:
    """MIL-STD-105E Table X-J (n = 80, Ac = 2): p95 ≈ 1.03 %, p10 ≈ 6.52 % nonconforming."""
    assert round(quality_at_acceptance(80, 2, 0.95) * 100, 2) == 1.03
    assert round(quality_at_acceptance(80, 2, 0.10) * 100, 2) == 6.52


# --- curves, grids, inverses, risks ------------------------------------------------------------


def test_oc_curve_pairs_each_point_with_its_pa() -> None:
    points = [0.0, 0.01, 0.05, 0.1]
    curve = oc_curve(80, 2, points)
    assert curve == [(p, acceptance_probability(80, 2, p)) for p in points]


@pytest.mark.parametrize(
    ("n", "ac", "model", "lot"),
    [
        (80, 2, "binomial", None),
        (1250, 0, "binomial", None),
        (2, 30, "poisson", None),
        (3150, 1, "binomial", None),
        (80, 2, "hypergeometric", 200),
        (13, 44, "poisson", None),
    ],
)
def test_default_grid_reaches_pa_below_one_percent(
    n: int, ac: int, model: str, lot: int | None
) -> None:
    grid = default_grid(n, ac, model=model, lot_size=lot, steps=50)
    pas = [acceptance_probability(n, ac, p, model, lot) for p in grid]
    assert grid[0] == 0.0 and pas[0] == 1.0
    assert pas[-1] < 0.01 <= pas[-2]
    steps = {round(b - a, 12) for a, b in pairwise(grid)}
    assert len(steps) == 1  # evenly spaced
    assert 20 <= len(grid) <= 55
    mantissa = f"{steps.pop():e}".split("e")[0]
    assert float(mantissa) in (1, 2, 2.5, 5)


@pytest.mark.parametrize("pa", [0.99, 0.95, 0.5, 0.10, 0.01])
@pytest.mark.parametrize("model", ["binomial", "poisson"])
def test_quality_at_acceptance_inverts_pa(pa: float, model: str) -> None:
    p = quality_at_acceptance(125, 3, pa, model=model)
    assert acceptance_probability(125, 3, p, model) == pytest.approx(pa, abs=1e-9)


def test_quality_at_acceptance_for_a_lot_is_the_edge_of_a_step() -> None:
    lot = 200
    p = quality_at_acceptance(80, 2, 0.10, model="hypergeometric", lot_size=lot)
    defectives = round(p * lot)
    assert p == defectives / lot
    assert acceptance_probability(80, 2, p, "hypergeometric", lot) <= 0.10
    assert acceptance_probability(80, 2, (defectives - 1) / lot, "hypergeometric", lot) > 0.10


def test_producer_and_consumer_risk_from_a_plan_or_a_record() -> None:
    plan = sampling_plan(1000, "II", "1.0")
    alpha = 1 - acceptance_probability(80, 2, 0.01)
    assert producer_risk(plan, 1.0) == pytest.approx(alpha, rel=1e-15)
    assert producer_risk(plan.as_record(), plan.aql) == pytest.approx(alpha, rel=1e-15)
    assert producer_risk({"n": 80, "ac": 2}, "1.0%") == pytest.approx(alpha, rel=1e-15)
    beta = acceptance_probability(80, 2, 0.065)
    assert consumer_risk(plan, 6.5) == pytest.approx(beta, rel=1e-15)
    assert consumer_risk({"n": 80, "ac": 2}, "6.5") == pytest.approx(beta, rel=1e-15)


def test_risks_for_an_isolated_lot_use_the_plans_lot_size() -> None:
    plan = sampling_plan(200, "II", 1.0)  # letter G, n = 32, Ac 1
    exact = float(exact_hypergeometric(200, 10, plan.n, plan.ac))
    assert consumer_risk(plan, 5, model="hypergeometric") == pytest.approx(exact, rel=1e-15)
    record = plan.as_record() | {"lot_size": 200}
    assert consumer_risk(record, 5, model="hypergeometric") == pytest.approx(exact, rel=1e-15)


# --- properties --------------------------------------------------------------------------------


@given(
    n=st.integers(1, 400),
    data=st.data(),
    p=st.floats(0, 1),
    q=st.floats(0, 1),
    model=st.sampled_from(["binomial", "poisson"]),
)
def test_pa_is_a_probability_falling_with_p(
    n: int, data: st.DataObject, p: float, q: float, model: str
) -> None:
    ac = data.draw(st.integers(0, n - 1))
    low, high = sorted((p, q))
    pa_low = acceptance_probability(n, ac, low, model)
    pa_high = acceptance_probability(n, ac, high, model)
    assert 0.0 <= pa_high <= pa_low + 1e-12 <= 1.0 + 1e-12


@given(lot=st.integers(2, 300), data=st.data())
def test_hypergeometric_pa_is_exact_for_any_small_lot(lot: int, data: st.DataObject) -> None:
    n = data.draw(st.integers(1, lot))
    ac = data.draw(st.integers(0, n - 1))
    defectives = data.draw(st.integers(0, lot))
    expected = float(exact_hypergeometric(lot, defectives, n, ac))
    got = acceptance_probability(n, ac, defectives / lot, "hypergeometric", lot)
    assert got == pytest.approx(expected, rel=1e-15, abs=1e-300)


# --- OC values at any size: the walk from Ac against exact sums --------------------------------
# Pa is summed from Ac away from the mode, from one term computed in log space (see
# sampling.py). These check it against exact integer sums where those are cheap, against
# identities and limits where they are not, and at the ends of every range.


def exact_binomial_sum(n: int, ac: int, p: Fraction) -> Fraction:
    """Σ C(n, d)·a^d·(b - a)^(n - d) / b^n over d <= ac in integers, for p = a/b < 1.

    Each term from the last by an exact integer ratio, so that n = 10^4 takes milliseconds.
    """
    a, b = p.numerator, p.denominator
    term = total = (b - a) ** n
    for d in range(ac):
        term = term * ((n - d) * a) // ((d + 1) * (b - a))
        total += term
    return Fraction(total, b**n)


SWEEP_SIZES = (1, 2, 3, 5, 8, 13, 40, 97, 250)
SWEEP_P = ("0.000001", "0.001", "0.01", "0.05", "0.1", "0.25", "0.5", "0.75", "0.9", "0.999")


def sweep_acs(n: int) -> list[int]:
    """Ac at both ends and around the middle: the walk turns from one tail to the other."""
    return sorted({0, 1, n // 10, n // 4, n // 2, n - 2, n - 1} & set(range(n)))


def sweep_ps(n: int, ac: int) -> list[float]:
    """The fixed p series and p at Ac/n and (Ac + 1)/n, where the summed tail switches."""
    return [*map(float, SWEEP_P), ac / n, (ac + 1) / n - 1e-6]


def test_binomial_sweep_matches_exact_integer_sums() -> None:
    for n in SWEEP_SIZES:
        for ac in sweep_acs(n):
            for p in sweep_ps(n, ac):
                # The float's own binary value: near p = 1, 1 - p differs from the decimal's.
                expected = float(exact_binomial_sum(n, ac, Fraction(p)))
                got = acceptance_probability(n, ac, p)
                assert got == pytest.approx(expected, rel=1e-12, abs=1e-300), (n, ac, p)


def exact_poisson_sum(mean: float, ac: int) -> float:
    """e^-mean · Σ mean^d / d! over d <= ac, the sum exact in integers (mean = a/b exactly).

    Σ a^d·b^(ac - d)·ac!/d! is an integer, each term from the last by an exact ratio.
    """
    a, b = Fraction(mean).numerator, Fraction(mean).denominator
    term = total = b**ac * math.factorial(ac)
    for d in range(ac):
        term = term * a // (b * (d + 1))
        total += term
    return float(Fraction(total, b**ac * math.factorial(ac))) * math.exp(-mean)


def test_poisson_sweep_matches_exact_partial_sums() -> None:
    for mean in (1e-6, 0.01, 0.5, 1.0, 3.7, 10.0, 42.0, 150.0, 600.0):
        for ac in (0, 1, 2, 5, 9, 10, 11, 41, 42, 100, 149, 150, 151, 400, 599, 600, 900):
            expected = exact_poisson_sum(mean, ac)
            got = acceptance_probability(1, ac, mean, "poisson")
            assert got == pytest.approx(expected, rel=1e-12, abs=1e-300), (mean, ac)


def test_hypergeometric_walk_matches_exact_sums(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small lots normally take the exact path: with no budget for it, the walk answers."""
    monkeypatch.setattr(sampling.oc, "_EXACT_BUDGET", -1)
    for lot in (2, 3, 10, 57, 200, 401):
        for n in sorted({1, 2, lot // 7 + 1, lot // 2, lot - 1, lot}):
            for defectives in sorted({0, 1, lot // 20, lot // 3, lot // 2, lot - 1, lot}):
                for ac in sweep_acs(n):
                    expected = float(exact_hypergeometric(lot, defectives, n, ac))
                    got = acceptance_probability(n, ac, defectives / lot, "hypergeometric", lot)
                    assert got == pytest.approx(expected, rel=1e-12, abs=1e-300), (
                        lot,
                        defectives,
                        n,
                        ac,
                    )


@pytest.mark.parametrize(
    ("n", "ac", "p"),
    [
        (3000, 45, "0.015"),
        (3000, 1500, "0.5"),
        (10_000, 5000, "0.5"),
        (10_000, 5000, "0.49"),
        (10_000, 100, "0.012"),
        (10_000, 9990, "0.9995"),
    ],
)
def test_binomial_is_exact_for_samples_of_thousands(n: int, ac: int, p: str) -> None:
    expected = float(exact_binomial_sum(n, ac, Fraction(p)))
    assert acceptance_probability(n, ac, float(p)) == pytest.approx(expected, rel=1e-12)


def test_edges_of_p_and_ac() -> None:
    for n in (1, 7, 10**7):
        assert acceptance_probability(n, 0, 0.0) == 1.0
        assert acceptance_probability(n, 0, 1.0) == 0.0
        assert acceptance_probability(n, n - 1, 0.5) == pytest.approx(1 - 0.5**n, rel=1e-14)
        for p in (1e-9, 0.01, 0.3):
            exact = math.exp(n * math.log1p(-p))  # Ac = 0: (1 - p)^n
            assert acceptance_probability(n, 0, p) == pytest.approx(exact, rel=1e-12)
    # Poisson counts have no upper end: Ac may reach or pass n.
    assert acceptance_probability(5, 5, 0.0, "poisson") == 1.0
    assert acceptance_probability(5, 0, 0.2, "poisson") == pytest.approx(math.exp(-1))
    assert acceptance_probability(10, 10**6, 2.0, "poisson") == 1.0
    assert acceptance_probability(10**7, 0, 1e-7, "poisson") == pytest.approx(math.exp(-1))


@pytest.mark.parametrize("lot", [10, 10**8])
def test_hypergeometric_edges(lot: int) -> None:
    n = lot // 2
    assert acceptance_probability(n, 0, 0.0, "hypergeometric", lot) == 1.0
    assert acceptance_probability(n, n - 1, 1.0, "hypergeometric", lot) == 0.0
    # Fewer nonconforming units in the lot than Ac + 1: every sample passes.
    assert acceptance_probability(n, 3, 3 / lot, "hypergeometric", lot) == 1.0
    # More nonconforming units than the rest of the lot can hold back: every sample fails.
    assert acceptance_probability(n, 0, 1 - (n - 1) / lot, "hypergeometric", lot) == 0.0
    # The whole lot inspected: Pa is 1 if it holds at most Ac nonconforming units, else 0.
    assert acceptance_probability(lot, 2, 2 / lot, "hypergeometric", lot) == 1.0
    assert acceptance_probability(lot, 2, 3 / lot, "hypergeometric", lot) == 0.0


def normal_pa(ac: int, mean: float, variance: float) -> float:
    """The normal approximation with continuity correction."""
    return 0.5 * math.erfc(-(ac + 0.5 - mean) / math.sqrt(2 * variance))


def around_the_mean(ac: int, n: int, spread: float) -> list[float]:
    """p from 8 standard deviations below to 8 above where the mean is Ac, in order."""
    return [(ac + k * spread) / n for k in range(-8, 9)]


@pytest.mark.parametrize("n", [10**6, 10**7])
@pytest.mark.parametrize("share", [0.001, 0.05, 0.5])
def test_binomial_for_millions_is_a_falling_probability_near_the_normal(
    n: int, share: float
) -> None:
    ac = int(n * share)
    pas = []
    for p in around_the_mean(ac, n, math.sqrt(ac * (1 - share))):
        pa = acceptance_probability(n, ac, p)
        assert 0.0 <= pa <= 1.0
        assert pa == pytest.approx(normal_pa(ac, n * p, n * p * (1 - p)), abs=3e-3)
        pas.append(pa)
    assert pas == sorted(pas, reverse=True)
    assert pas[0] > 1 - 1e-12 and pas[-1] < 1e-12


@pytest.mark.parametrize("n", [10**6, 10**7])
@pytest.mark.parametrize("p", [1e-6, 0.03, 0.5, 0.77])
def test_binomial_for_millions_is_symmetric(n: int, p: float) -> None:
    """P(X <= Ac) at p and P(X <= n - Ac - 1) at 1 - p add up to 1; they sum opposite tails."""
    sd = math.sqrt(n * p * (1 - p))
    for ac in {0, int(n * p - sd), int(n * p), int(n * p + sd)}:
        if 0 <= ac < n:
            both = acceptance_probability(n, ac, p) + acceptance_probability(n, n - ac - 1, 1 - p)
            assert both == pytest.approx(1.0, abs=1e-10), ac


def test_binomial_for_millions_approaches_poisson() -> None:
    # n = 10^7, p = 10^-6: the Poisson limit is off by about p·mean, 10^-5.
    for ac in (0, 5, 10, 15, 30):
        binomial = acceptance_probability(10**7, ac, 1e-6)
        assert binomial == pytest.approx(poisson_reference(10.0, ac), abs=2e-5)


@pytest.mark.parametrize("mean", [1e6, 4e7])
def test_poisson_for_huge_means_is_a_falling_probability_near_the_normal(mean: float) -> None:
    n = 10**7
    ac = int(mean)
    pas = []
    for p in around_the_mean(ac, n, math.sqrt(mean)):
        pa = acceptance_probability(n, ac, p, "poisson")
        assert 0.0 <= pa <= 1.0
        assert pa == pytest.approx(normal_pa(ac, n * p, n * p), abs=1e-3)
        pas.append(pa)
    assert pas == sorted(pas, reverse=True)


def test_hypergeometric_for_a_lot_of_10_to_the_8() -> None:
    lot, n = 10**8, 10**7
    for ac in (10**4, 5 * 10**6):
        pas = []
        for p in around_the_mean(ac, n, math.sqrt(ac)):
            pa = acceptance_probability(n, ac, p, "hypergeometric", lot)
            variance = n * p * (1 - p) * (lot - n) / (lot - 1)
            assert 0.0 <= pa <= 1.0
            assert pa == pytest.approx(normal_pa(ac, n * p, variance), abs=3e-3)
            pas.append(pa)
        assert pas == sorted(pas, reverse=True)
    # Swapping the roles of conforming and nonconforming units sums the opposite tail.
    defectives = 5 * 10**7 + 1234
    for ac in (4_999_000, 5_000_123, 5_001_000):
        pa = acceptance_probability(n, ac, defectives / lot, "hypergeometric", lot)
        swapped = acceptance_probability(n, n - ac - 1, 1 - defectives / lot, "hypergeometric", lot)
        assert pa + swapped == pytest.approx(1.0, abs=1e-10)


@pytest.mark.parametrize("model", ["binomial", "poisson"])
def test_quality_at_acceptance_for_millions(model: str) -> None:
    for ac in (0, 5 * 10**6):
        p = quality_at_acceptance(10**7, ac, 0.10, model=model)
        assert acceptance_probability(10**7, ac, p, model) == pytest.approx(0.10, abs=1e-9)


def test_quality_at_acceptance_for_a_lot_of_10_to_the_8() -> None:
    lot, n, ac = 10**8, 10**7, 5 * 10**6
    p = quality_at_acceptance(n, ac, 0.10, model="hypergeometric", lot_size=lot)
    defectives = round(p * lot)
    assert acceptance_probability(n, ac, defectives / lot, "hypergeometric", lot) <= 0.10
    assert acceptance_probability(n, ac, (defectives - 1) / lot, "hypergeometric", lot) > 0.10


# --- impossible input --------------------------------------------------------------------------

ERRORS: list[tuple[Callable[[], object], str, str]] = [
    (
        lambda: sampling_plan(1, "II", 1.0),
        "lot size 1 is too small to sample",
        "starts at lots of 2",
    ),
    (lambda: sampling_plan(0, "II", 1.0), "lot size 0 is too small", "2 units"),
    (
        lambda: sampling_plan(12.5, "II", 1.0),
        "lot size must be a whole number of units, not 12.5",
        "e.g. 1000",
    ),
    (lambda: sampling_plan("1000", "II", 1.0), "lot size must be a whole number", "e.g. 1000"),
    (lambda: sampling_plan(True, "II", 1.0), "lot size must be a whole number", "e.g. 1000"),
    (
        lambda: sampling_plan(1000, "IV", 1.0),
        "unknown inspection level 'IV'",
        "I, II, III (general) and S-1, S-2, S-3, S-4",
    ),
    (
        lambda: sampling_plan(1000, "S-5", 1.0),
        "unknown inspection level 'S-5'",
        "S-1, S-2, S-3, S-4",
    ),
    (
        lambda: sampling_plan(1000, "II", 2),
        "AQL 2 is not in the ISO 2859-1 series",
        "the nearest tabulated AQL is 2.5",
    ),
    (
        lambda: sampling_plan(1000, "II", "0.3"),
        "AQL 0.3 is not in the ISO 2859-1 series",
        "the nearest tabulated AQL is 0.25",
    ),
    (
        lambda: sampling_plan(1000, "II", 0.03),
        "AQL 0.03 is not",
        "the nearest tabulated AQL is 0.025",
    ),
    (
        lambda: sampling_plan(1000, "II", 5000),
        "AQL 5000 is not",
        "the nearest tabulated AQL is 1000",
    ),
    (
        lambda: sampling_plan(1000, "II", 0.001),
        "AQL 0.001 is not",
        "the nearest tabulated AQL is 0.010",
    ),
    (
        lambda: sampling_plan(1000, "II", 0),
        "AQL 0 is not in the ISO 2859-1 series",
        "acceptance number of zero",
    ),
    (lambda: sampling_plan(1000, "II", "abc"), "AQL 'abc' is not a number", "0.010, 0.015"),
    (lambda: sampling_plan(1000, "II", -1), "AQL -1 is not a percentage", "tabulated AQLs"),
    (
        lambda: sampling_plan(1000, "II", 1.0, "relaxed"),
        "unknown inspection mode 'relaxed'",
        "normal, tightened, reduced",
    ),
    (lambda: acceptance_probability(80, 2, 1.5), "p = 1.5 (150%) is outside 0…1", "1.5% is 0.015"),
    (lambda: acceptance_probability(80, 2, -0.01), "p = -0.01 (-1%) is outside 0…1", "fraction"),
    (lambda: acceptance_probability(80, 2, math.nan), "p must be a number", "fraction"),
    (lambda: acceptance_probability(80, 2, -0.5, "poisson"), "outside 0…1", "fraction"),
    (
        lambda: acceptance_probability(80, -1, 0.01),
        "acceptance number ac = -1 is negative",
        "0 or more",
    ),
    (
        lambda: acceptance_probability(80, 80, 0.01),
        "ac = 80 is not smaller than the sample size n = 80",
        "poisson",
    ),
    (lambda: acceptance_probability(5, 7, 0.01), "would accept every lot", "Ac must be below n"),
    (
        lambda: acceptance_probability(0, 0, 0.01),
        "sample size n must be a whole number of at least 1",
        "",
    ),
    (
        lambda: acceptance_probability(80, 2, 0.01, "hypergeometric"),
        "the hypergeometric model needs the lot size",
        "lot_size",
    ),
    (
        lambda: acceptance_probability(80, 2, 0.01, "hypergeometric", 50),
        "lot size 50 is smaller than the sample size n = 80",
        "inspect every unit",
    ),
    (
        lambda: acceptance_probability(80, 2, 0.01, "normal"),
        "unknown OC model 'normal'",
        "binomial, poisson, hypergeometric",
    ),
    (lambda: quality_at_acceptance(80, 2, 1.0), "Pa must lie strictly between 0 and 1", ""),
    (lambda: producer_risk({"n": 80}, 1.0), "not a sampling plan", "n and ac"),
    (lambda: producer_risk({"n": 80, "ac": 2}, "lots"), "AQL 'lots' is not a number", "1.5"),
    (lambda: sample_size("I"), "unknown code letter 'I'", "A … R"),
]


@pytest.mark.parametrize(("call", "message", "hint"), ERRORS)
def test_impossible_input_is_a_usage_error(
    call: Callable[[], object], message: str, hint: str
) -> None:
    with pytest.raises(UsageError) as caught:
        call()
    assert message in caught.value.message
    assert hint in (caught.value.hint or "")


def test_the_nearest_aql_is_nearest_on_the_log_scale() -> None:
    # 0.8 lies between 0.65 and 1.0; on the series' ratio scale it is nearer 0.65.
    with pytest.raises(UsageError) as caught:
        sampling.aql_key(0.8)
    assert (caught.value.hint or "").startswith("the nearest tabulated AQL is 0.65;")
