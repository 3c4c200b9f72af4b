"""``qrules sample`` through click's runner: text, JSON, the SVG chart and usage errors."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from qrules.cli import cli
from qrules.cli.sample import sample
from qrules.stdlib.sampling import (
    acceptance_probability,
    default_grid,
    producer_risk,
    quality_at_acceptance,
    sampling_plan,
)
from tests.helpers import REPO

PLAN = ["--lot", "1000", "--level", "II", "--aql", "1.0"]
AUTOMOTIVE_AGREEMENT = (
    REPO / "rulesets" / "custom" / "automotive-supplier" / "tests" / "reject-consumer-risk.yaml"
)


def run(*args: str) -> Result:
    result = CliRunner().invoke(sample, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def run_json(*args: str) -> dict[str, Any]:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


# --- a plan looked up ------------------------------------------------------------------------


def test_text_shows_the_plan_the_oc_table_and_both_risks() -> None:
    result = run(*PLAN)
    assert result.exit_code == 0
    out = result.stdout
    assert "ISO 2859-1 Table 2-A, normal inspection" in out
    assert "code letter J: sample n = 80, accept Ac = 2, reject Re = 3" in out
    assert "binomial model" in out
    for p in default_grid(80, 2, steps=20):
        assert f"{p * 100:>10.6g}  {acceptance_probability(80, 2, p):.4f}" in out
    alpha = producer_risk(sampling_plan(1000, "II", 1.0), 1.0)
    assert f"producer's risk at AQL 1.0 %: 1 - Pa = {alpha:.4f}" in out
    lq = quality_at_acceptance(80, 2, 0.10) * 100
    assert f"consumer's risk at LQ {lq:.4g} % (where Pa falls to 10 %" in out


def test_json_has_the_plan_keys_the_curve_in_percent_and_the_risks() -> None:
    data = run_json(*PLAN, "--lq", "5")
    assert {k: data[k] for k in ("letter", "n", "ac", "re", "inspect_all")} == (
        sampling_plan(1000, "II", "1.0").as_record()
    )
    assert data["p_unit"] == "percent nonconforming"
    assert data["model"] == "binomial"
    for point in data["oc"]:
        assert set(point) == {"p", "pa"}
        assert point["pa"] == pytest.approx(acceptance_probability(80, 2, point["p"] / 100))
    assert data["oc"][0] == {"p": 0.0, "pa": 1.0}
    assert data["producer_risk"] == pytest.approx(1 - acceptance_probability(80, 2, 0.01))
    assert data["lq"] == 5.0 and data["lq_basis"] == "given"
    assert data["consumer_risk"] == pytest.approx(acceptance_probability(80, 2, 0.05))


def test_default_lq_is_where_pa_falls_to_ten_percent() -> None:
    data = run_json(*PLAN)
    assert data["lq_basis"] == "pa=0.10"
    assert data["consumer_risk"] == pytest.approx(0.10, abs=1e-9)
    assert data["lq"] == pytest.approx(quality_at_acceptance(80, 2, 0.10) * 100)


def test_at_replaces_the_grid_and_accepts_a_percent_sign() -> None:
    data = run_json(*PLAN, "--at", "1.5", "--at", "1.5%", "--at", "4")
    assert [point["p"] for point in data["oc"]] == [1.5, 1.5, 4.0]
    assert data["oc"][0]["pa"] == data["oc"][1]["pa"] == acceptance_probability(80, 2, 0.015)


def test_inspect_all_when_the_sample_is_the_whole_lot() -> None:
    data = run_json("--lot", "10", "--level", "ii", "--aql", "0.65")
    assert data["inspect_all"] is True and data["n"] == 10
    assert "inspect every unit" in run("--lot", "10", "--level", "II", "--aql", "0.65").stdout


def test_reduced_inspection_is_labelled_with_its_source() -> None:
    result = run("--lot", "2000", "--level", "III", "--aql", "1.0", "--mode", "reduced")
    assert result.exit_code == 0
    assert "MIL-STD-105E / ANSI Z1.4 Table II-C" in result.stdout
    assert "ISO 2859-1" not in result.stdout.splitlines()[0]
    plan = sampling_plan(2000, "III", 1.0, "reduced")
    if plan.re > plan.ac + 1:
        assert "return to normal inspection" in result.stdout


def test_aql_above_10_is_counted_per_100_units_with_poisson() -> None:
    data = run_json("--lot", "200", "--level", "II", "--aql", "40")
    plan = sampling_plan(200, "II", 40)
    assert data["model"] == "poisson"
    assert data["p_unit"] == "nonconformities per 100 units"
    assert data["producer_risk"] == pytest.approx(
        1 - acceptance_probability(plan.n, plan.ac, 0.40, "poisson")
    )


def test_hypergeometric_for_a_looked_up_plan_uses_the_lot() -> None:
    data = run_json(*PLAN, "--model", "hypergeometric", "--at", "2")
    expected = acceptance_probability(80, 2, 0.02, "hypergeometric", 1000)
    assert data["oc"] == [{"p": 2.0, "pa": expected}]


# --- a plan given ----------------------------------------------------------------------------


def test_given_plan_text() -> None:
    result = run("--n", "50", "--ac", "1", "--at", "2", "--model", "poisson")
    assert result.exit_code == 0
    assert "Plan: n = 50, Ac = 1" in result.stdout
    assert "         2  0.7358" in result.stdout  # e^-1 (1 + 1)


def test_given_plan_json_with_each_model() -> None:
    for model, lot in (("binomial", None), ("poisson", None), ("hypergeometric", 500)):
        args = ["--n", "80", "--ac", "2", "--at", "2.5", "--model", model]
        data = run_json(*args, *(["--lot", str(lot)] if lot else []))
        assert {"n", "ac", "oc", "producer_risk", "consumer_risk"} <= set(data)
        assert "letter" not in data and data["producer_risk"] is None
        assert data["oc"] == [{"p": 2.5, "pa": acceptance_probability(80, 2, 0.025, model, lot)}]


# --- large plans: the OC sums stay fast at any n (issue 9) ----------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--n", "10000", "--ac", "5000"],
        ["--n", "10000000", "--ac", "5000000"],
        ["--n", "10000000", "--ac", "5000000", "--model", "poisson"],
        ["--n", "10000000", "--ac", "5000000", "--model", "hypergeometric", "--lot", "100000000"],
        ["--n", "10000000", "--ac", "3"],
    ],
)
def test_large_plans_give_a_falling_curve_and_lq10(args: list[str]) -> None:
    data = run_json(*args)
    pas = [point["pa"] for point in data["oc"]]
    assert pas[0] == 1.0 and pas[-1] < 0.01
    assert pas == sorted(pas, reverse=True)
    assert all(0.0 <= pa <= 1.0 for pa in pas)
    # LQ10: where Pa falls to 10 % (for a lot, the first step at or below it)
    assert 0.0999 < data["consumer_risk"] <= 0.10 + 1e-9


def test_large_plan_chart(tmp_path: Path) -> None:
    target = tmp_path / "oc.svg"
    assert run("--n", "10000000", "--ac", "5000000", "--svg", str(target)).exit_code == 0
    assert ET.parse(target).getroot().tag == "{http://www.w3.org/2000/svg}svg"


def large_plan_agreement(folder: Path, accept: int) -> Path:
    """The ruleset's own consumer-risk example with a sample of 100000 parts."""
    text = AUTOMOTIVE_AGREEMENT.read_text(encoding="utf-8")
    plan = {"sample_size: 50": "sample_size: 100000", "accept: 2": f"accept: {accept}"}
    plan["reject: 3"] = f"reject: {accept + 1}"
    for old, new in plan.items():
        assert f"  {old}\n" in text
        text = text.replace(f"  {old}\n", f"  {new}\n")
    path = folder / f"accept-{accept}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("accept", "rules"),
    [
        (50_000, ["AUTO-CONSUMER-RISK"]),  # half the sample may fail: 8 % lots always pass
        (7_000, []),  # 7 %: 8 % lots are rejected, 1 % lots (the major AQL) accepted
    ],
)
def test_check_with_a_sample_of_100000_under_the_automotive_ruleset(
    tmp_path: Path, accept: int, rules: list[str]
) -> None:
    """The rules' consumer_risk and producer_risk run the OC sums at n = 100000."""
    agreement = large_plan_agreement(tmp_path, accept)
    args = ["check", "-r", "automotive-supplier", "--today", "2026-11-26", "-f", "json"]
    result = CliRunner().invoke(cli, [*args, str(agreement)], catch_exceptions=False)
    assert "Traceback" not in result.output
    assert result.exit_code == (1 if rules else 0), result.output
    [document] = json.loads(result.stdout)["documents"]
    assert [finding["rule"] for finding in document["findings"]] == rules


# --- the chart -------------------------------------------------------------------------------


def test_svg_is_written_atomically_and_well_formed(tmp_path: Path) -> None:
    target = tmp_path / "oc.svg"
    target.write_text("old")
    result = run(*PLAN, "--svg", str(target))
    assert result.exit_code == 0
    root = ET.parse(target).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    curves = [e for e in root.iter("{http://www.w3.org/2000/svg}polyline")]
    assert len(curves) == 1 and curves[0].get("class") == "oc-curve"
    assert [p.name for p in tmp_path.iterdir()] == ["oc.svg"]  # no temporary file left


def test_new_svg_is_readable_by_others(tmp_path: Path) -> None:
    target = tmp_path / "chart.svg"
    assert run("--n", "80", "--ac", "2", "--svg", str(target)).exit_code == 0
    assert os.stat(target).st_mode & 0o777 == 0o644


def test_svg_into_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    result = run(*PLAN, "--svg", str(tmp_path / "missing" / "oc.svg"))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot write ")


# --- usage errors ----------------------------------------------------------------------------

USAGE_ERRORS = [
    (["--n", "80", "--ac", "2", "--aql", "1"], "use either a plan to look up", "drop --n/--ac"),
    ([*PLAN, "--n", "80"], "not both: got --level, --aql, --n", ""),
    (["--lot", "1", "--level", "II", "--aql", "1"], "lot size 1 is too small to sample", ""),
    (["--lot", "ten", "--level", "II", "--aql", "1"], "--lot 'ten' is not a whole number", ""),
    (["--lot", "100", "--level", "IV", "--aql", "1"], "unknown inspection level 'IV'", "S-1"),
    (["--lot", "100", "--level", "II", "--aql", "2"], "AQL 2 is not in the ISO 2859-1 series",
     "the nearest tabulated AQL is 2.5"),
    ([*PLAN, "--mode", "strict"], "unknown inspection mode 'strict'", "tightened"),
    (["--lot", "100"], "looking up a plan needs --level, --aql", "--lot 1000"),
    ([], "nothing to sample", "--n and --ac"),
    (["--n", "80"], "a given plan needs both --n and --ac", ""),
    (["--n", "5", "--ac", "5"], "ac = 5 is not smaller than the sample size n = 5", ""),
    (["--n", "80", "--ac", "-1"], "acceptance number ac = -1 is negative", ""),
    (["--n", "80", "--ac", "2", "--at", "-1"], "--at -1 is not a percentage", "--at 1.5 means"),
    (["--n", "80", "--ac", "2", "--at", "150"], "--at 150 is not a percentage", ""),
    (["--n", "80", "--ac", "2", "--at", "x"], "--at 'x' is not a number", ""),
    (["--n", "80", "--ac", "2", "--lq", "abc"], "--lq 'abc' is not a number", "--lq 1.5"),
    (["--n", "80", "--ac", "2", "--model", "hypergeometric"],
     "the hypergeometric model needs the lot size", "--lot"),
    (["--n", "80", "--ac", "2", "--model", "hypergeometric", "--lot", "50"],
     "lot size 50 is smaller than the sample size n = 80", ""),
    (["--n", "80", "--ac", "2", "--model", "gauss"], "unknown OC model 'gauss'", "poisson"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message", "hint"), USAGE_ERRORS)
def test_usage_errors_print_error_and_hint_and_exit_2(
    args: list[str], message: str, hint: str
) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    first, *rest = result.stderr.splitlines()
    assert first.startswith("error: ") and message in first
    assert len(rest) == 1 and rest[0].startswith("hint: ") and hint in rest[0]


def test_a_bad_format_is_clicks_own_usage_error() -> None:
    result = run(*PLAN, "--format", "yaml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


def test_an_unconfirmed_table_cell_is_flagged() -> None:
    # Lot 5 at level II is letter A; A at AQL 10 is an edge cell of Table 2-A.
    assert "unconfirmed cell" in run("--lot", "5", "--level", "II", "--aql", "10").stdout
    assert "unconfirmed cell" not in run(*PLAN).stdout
