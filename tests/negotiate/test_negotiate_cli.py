"""`qrules negotiate` through the real CLI, on examples/negotiation: a customer and a
supplier over six terms with a regulator's hard constraint, and a draft."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from qrules.engine import check
from qrules.model.values import Duration
from qrules.ruleset import load_ruleset
from tests.helpers import REPO, TODAY, run_cli
from tests.report_helpers import assert_golden

EXAMPLE = REPO / "examples" / "negotiation"
PARTIES = [
    "--party",
    f"customer={EXAMPLE / 'customer.qr'}",
    "--party",
    f"supplier={EXAMPLE / 'supplier.qr'}",
    "-r",
    str(EXAMPLE / "regulator.qr"),
]


def negotiate(*args: str) -> Any:
    return run_cli("negotiate", *args)


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    result = negotiate(str(EXAMPLE / "draft.yaml"), *PARTIES, "-f", "json")
    assert result.exit_code == 1  # one field deadlocks
    return {t["path"]: t for t in json.loads(result.stdout)["terms"]} | {
        "_": json.loads(result.stdout)
    }


def test_the_text_report_matches_the_golden_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = negotiate("examples/negotiation/draft.yaml", *_relative(PARTIES))
    assert result.exit_code == 1
    assert_golden("negotiation.txt", result.stdout)


def _relative(args: list[str]) -> list[str]:
    return [a.replace(f"{REPO}/", "") for a in args]


def test_a_deadlock_has_its_gap_and_each_sides_concession(report: dict[str, Any]) -> None:
    containment = report["nonconformance.containment"]
    assert containment["deadlock"] and containment["zone"] == []
    assert containment["gap"] == {"low": "48 hours", "high": "72 hours", "size": "1 day"}
    assert {(c["party"], c["bound"], c["to"]) for c in containment["concessions"]} == {
        ("customer", "48 hours", "72 hours"),
        ("supplier", "72 hours", "48 hours"),
    }
    assert report["_"]["feasible"] is False
    # One concession per deadlocked field makes the whole agreement feasible. Both land
    # in the conceder's reject tier, so without weights the smaller step is the cheaper:
    # 24 of the supplier's 72 hours (1/3) against 24 of the customer's 48 (1/2).
    assert report["_"]["concessions_needed"] == [
        {
            "path": "nonconformance.containment",
            "party": "supplier",
            "bound": "72 hours",
            "to": "48 hours",
            "tier": "reject",
            "approval": None,
            "cost": None,
            "move": 0.3333,
            "cheapest": True,
        }
    ]


def test_weights_price_a_concession_by_what_the_party_gives_up(tmp_path: Path) -> None:
    # The customer cares little for containment (5 of 100), the supplier much (40): now
    # the customer's concession is the cheaper one, although its step is the larger.
    customer, supplier = tmp_path / "c.yaml", tmp_path / "s.yaml"
    customer.write_text("C-CONTAIN: 5\nC-AQL: 95\n", encoding="utf-8")
    supplier.write_text("S-CONTAIN: 40\nS-AQL: 60\n", encoding="utf-8")
    weights = ["--weights", f"customer={customer}", "--weights", f"supplier={supplier}"]
    result = negotiate(*PARTIES, *weights, "-f", "json")
    [needed] = json.loads(result.stdout)["concessions_needed"]
    assert (needed["party"], needed["to"], needed["cost"]) == ("customer", "72 hours", 5)
    text = negotiate(*PARTIES, *weights).stdout
    assert (
        "to agree on nonconformance.containment: customer moves 48 hours to 72 hours"
        " — it costs customer 5 of 100 points (supplier 40)"
    ) in text


def test_a_third_party_that_spans_the_gap_has_no_concession_to_make(write: Any) -> None:
    # The customer's receiving plant takes anything from 1 to 4 days with its manager's
    # approval; it neither causes the customer-supplier deadlock nor can it close it.
    plant = write(
        "plant.qr",
        """
        ruleset plant "Receiving plant"
          version "1.0"

        term P "Containment at the plant" at nonconformance.containment
          prefer between 24 hours and 36 hours
          accept between 24 hours and 96 hours approval "Plant Manager"
          reject
        """,
    )
    result = negotiate(*PARTIES, "--party", f"plant={plant}", "-f", "json")
    report = json.loads(result.stdout)
    assert [p["name"] for p in report["parties"]] == ["customer", "supplier", "plant"]
    [term] = [t for t in report["terms"] if t["path"] == "nonconformance.containment"]
    assert term["positions"]["plant"]["accept"][0]["approval"] == "Plant Manager"
    assert term["gap"] == {"low": "48 hours", "high": "72 hours", "size": "1 day"}
    assert {c["party"] for c in term["concessions"]} == {"customer", "supplier"}
    assert all(set(c) >= {"tier", "approval", "cost", "move"} for c in term["concessions"])


def test_a_single_point_zone_and_its_approvals(report: dict[str, Any]) -> None:
    notice = report["change_control.notification"]
    point = {"min": "90 days", "min_inclusive": True, "max": "90 days", "max_inclusive": True}
    assert notice["zone"] == [point]
    assert notice["suggestion"] == "90 days"
    assert {(a["party"], a["approval"]) for a in notice["approvals"]} == {
        ("customer", "Purchasing"),
        ("supplier", "Sales Director"),
    }
    assert notice["draft"] == {
        "value": "60 days",
        "line": 19,
        "tiers": {"customer": "reject", "supplier": "prefer"},
        "inside": False,
        "nearest": "90 days",
    }


def test_a_preferred_overlap_is_suggested_with_no_approval(report: dict[str, Any]) -> None:
    retention = report["records.retention"]
    assert retention["preferred"] == [
        {"min": "10 years", "min_inclusive": True, "max": "10 years", "max_inclusive": True}
    ]
    assert (retention["suggestion"], retention["approvals"]) == ("10 years", [])


def test_the_hard_constraint_cuts_the_zone(report: dict[str, Any]) -> None:
    """Without the regulator the parties would agree on 5-15 years; with it, 10-15."""
    assert report["records.retention"]["zone"][0]["min"] == "10 years"
    without = negotiate(*PARTIES[:4], "-f", "json")
    terms = {t["path"]: t for t in json.loads(without.stdout)["terms"]}
    assert terms["records.retention"]["zone"][0]["min"] == "5 years"


def test_a_set_valued_term(report: dict[str, Any]) -> None:
    method = report["nonconformance.method"]
    assert method["zone"] == [{"values": ["8D", "A3"]}]
    assert method["preferred"] == []


def test_every_zone_value_passes_every_party_and_no_other_does(report: dict[str, Any]) -> None:
    """The zone is exactly the values no party's term rejects (evaluated by the engine)."""
    parties = [load_ruleset(EXAMPLE / "customer.qr"), load_ruleset(EXAMPLE / "supplier.qr")]
    probes = [Duration(d, "days") for d in (0, 3, 5, 7, 10, 14)]
    notice = report["audits.notice"]
    for value in probes:
        accepted = all(not _rejects(rules, "audits:\n  notice: " + str(value)) for rules in parties)
        inside = 5 <= value.days <= 10  # the zone the report gives: [5 days, 10 days]
        assert accepted == inside, value
    assert notice["zone"] == [
        {"min": "5 days", "min_inclusive": True, "max": "10 days", "max_inclusive": True}
    ]


def _rejects(rules: Any, yaml_text: str) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.yaml"
        path.write_text(yaml_text + "\n", encoding="utf-8")
        findings = check(rules, path, today=TODAY, schema=None).findings
    return any(f.tier == "reject" and f.rule.endswith("-AUDIT") for f in findings)


# ---------------------------------------------------------------------------- bad input


def test_one_party_is_not_a_negotiation() -> None:
    result = negotiate(*PARTIES[:2])
    assert result.exit_code == 2 and "two parties or more" in result.stderr


def test_two_parties_with_one_name_are_refused() -> None:
    result = negotiate(
        "--party", f"a={EXAMPLE / 'customer.qr'}", "--party", f"a={EXAMPLE / 'supplier.qr'}"
    )
    assert result.exit_code == 2 and "two parties are named 'a'" in result.stderr


def test_a_party_without_terms_is_refused() -> None:
    result = negotiate(
        "--party", f"a={EXAMPLE / 'customer.qr'}", "--party", f"b={EXAMPLE / 'regulator.qr'}"
    )
    assert result.exit_code == 2 and "party b has no terms" in result.stderr


def test_a_field_only_one_party_has_is_reported_not_an_error(tmp_path: Path) -> None:
    other = tmp_path / "other.qr"
    other.write_text(
        'ruleset other\nterm O-PPM "ppm" at quality.ppm_target\n  prefer <= 50\n  reject\n'
    )
    result = negotiate("--party", f"a={EXAMPLE / 'customer.qr'}", "--party", f"b={other}")
    assert result.exit_code == 0
    assert "quality.ppm_target: only b has a position" in result.stdout


def test_different_kinds_on_one_field_are_a_located_error(tmp_path: Path) -> None:
    days = tmp_path / "days.qr"
    days.write_text(
        'ruleset days\nterm D "n" at change_control.notification\n  prefer >= 90 days\n  reject\n'
    )
    plain = tmp_path / "plain.qr"
    plain.write_text(
        'ruleset plain\nterm P "n" at change_control.notification\n  prefer >= 90\n  reject\n'
    )
    result = negotiate("--party", f"a={days}", "--party", f"b={plain}")
    assert result.exit_code == 2
    assert (
        "the terms D (a), P (b) on change_control.notification compare values of different kinds"
        in result.stderr
    )
    assert "Traceback" not in result.output


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_the_mediator_sees_zones_not_the_parties_positions(output_format: str) -> None:
    """No approver, reason or tier bound of either party beyond what the zones show."""
    result = negotiate(
        str(EXAMPLE / "draft.yaml"), *PARTIES, "--audience", "mediator", "-f", output_format
    )
    assert result.exit_code == 1
    shown = result.stdout
    rulebooks = [load_ruleset(EXAMPLE / "customer.qr"), load_ruleset(EXAMPLE / "supplier.qr")]
    tiers = [t for book in rulebooks for s in book.rulesets[0].syntax.rules for t in s.tiers]  # type: ignore[union-attr]
    secrets = {t.approval for t in tiers if t.approval} | {t.reason for t in tiers if t.reason}
    secrets |= {"24 hours", "72 hours", "120 days", "Quality Director", "customer:", "supplier:"}
    assert [s for s in secrets if s in shown] == []
    assert ("90 days" in shown and "DEADLOCK" in shown) or '"deadlock": true' in shown


def test_the_compromise_draft_changes_only_what_lies_outside_the_zone(tmp_path: Path) -> None:
    draft = tmp_path / "draft.yaml"
    original = (
        (EXAMPLE / "draft.yaml")
        .read_text(encoding="utf-8")
        .replace("    major: 1.5\n", "    major: 1.5  # the supplier's opening offer\n")
    )
    draft.write_text(original, encoding="utf-8")
    proposal = tmp_path / "proposal.yaml"
    result = negotiate(str(draft), *PARTIES, "--write-proposal", str(proposal))
    assert result.exit_code == 1  # containment still deadlocks
    assert (
        "2 values changed; nonconformance.containment holds 48 hours, agreed once supplier"
        " moves 72 hours to 48 hours"
    ) in result.stderr
    assert draft.read_text(encoding="utf-8") == original  # never modified
    written = proposal.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(original.splitlines(), written, strict=True) if a != b]
    assert changed == [
        (
            "    major: 1.5  # the supplier's opening offer",
            "    major: 1.0  # the supplier's opening offer",
        ),
        ("  notification: 60 days", "  notification: 90 days"),
    ]
    rules = [load_ruleset(EXAMPLE / f"{name}.qr") for name in ("customer", "supplier")]
    for book in rules:  # every party accepts the proposal on what it changed
        findings = check(book, proposal, today=TODAY).findings
        rejected = {f.path for f in findings if f.tier == "reject"}
        assert rejected <= {"nonconformance.containment"}, rejected
    regulator = load_ruleset(EXAMPLE / "regulator.qr")
    assert check(regulator, proposal, today=TODAY).findings == ()


def test_on_a_deadlock_the_proposal_writes_the_cheapest_concession_in(tmp_path: Path) -> None:
    draft = tmp_path / "draft.yaml"
    original = (EXAMPLE / "draft.yaml").read_text(encoding="utf-8")
    draft.write_text(original.replace("containment: 48 hours", "containment: 96 hours"))
    proposal = tmp_path / "proposal.yaml"
    negotiate(str(draft), *PARTIES, "--write-proposal", str(proposal))
    assert "  containment: 48 hours" in proposal.read_text(encoding="utf-8").splitlines()
    # Once the supplier concedes, the proposal is one every party signs: the customer and
    # the regulator find nothing to reject, the supplier only the field it gave way on.
    for name, allowed in (("customer", set()), ("supplier", {"nonconformance.containment"})):
        findings = check(load_ruleset(EXAMPLE / f"{name}.qr"), proposal, today=TODAY).findings
        assert {f.path for f in findings if f.severity == "error"} == allowed, name


def test_the_proposal_never_overwrites_the_draft() -> None:
    draft = str(EXAMPLE / "draft.yaml")
    result = negotiate(draft, *PARTIES, "--write-proposal", draft)
    assert result.exit_code == 2 and "it is the DRAFT" in result.stderr


WEIGHTS = [
    "--weights",
    f"customer={EXAMPLE / 'customer-weights.yaml'}",
    "--weights",
    f"supplier={EXAMPLE / 'supplier-weights.yaml'}",
]


def test_packages_are_pareto_efficient_and_the_nash_one_maximises_the_product() -> None:
    result = negotiate(*PARTIES, *WEIGHTS, "-f", "json")
    found = json.loads(result.stdout)["packages"]
    assert found, "no package"
    # The customer's satisfaction with the Nash package, worked out by hand from its terms
    # and weights: audit 5 days prefer (10), notice 90 days accept (25 x 0.5), 8D prefer
    # (10), AQL 1.0 accept (30 x 0.5), retention 10 years prefer (5): 52.5 of 100.
    [nash] = [p for p in found if p["nash"]]
    assert nash["values"]["quality.aql.major"] == 1.0
    assert nash["satisfaction"] == {"customer": 0.525, "supplier": 0.65}
    products = [p["satisfaction"]["customer"] * p["satisfaction"]["supplier"] for p in found]
    assert max(products) == nash["satisfaction"]["customer"] * nash["satisfaction"]["supplier"]
    for a in found:  # no listed package is dominated by another
        for b in found:
            better = all(b["satisfaction"][p] >= a["satisfaction"][p] for p in a["satisfaction"])
            assert not (better and b["satisfaction"] != a["satisfaction"])


def test_a_trade_gives_way_where_it_matters_less() -> None:
    result = negotiate(*PARTIES, *WEIGHTS, "-f", "json")
    trades = json.loads(result.stdout)["trades"]
    assert trades
    customer = {"C-AQL": 30, "C-NOTICE": 25, "C-RETENTION": 5, "C-AUDIT": 10, "C-METHOD": 10}
    supplier = {"S-AQL": 35, "S-NOTICE": 30, "S-RETENTION": 10, "S-AUDIT": 5, "S-METHOD": 5}
    by_path = {
        "quality.aql.major": "AQL",
        "change_control.notification": "NOTICE",
        "records.retention": "RETENTION",
        "audits.notice": "AUDIT",
        "nonconformance.method": "METHOD",
    }
    weights = {"customer": ("C", customer), "supplier": ("S", supplier)}
    for trade in trades:
        (g, gw), (t, tw) = weights[trade["party"]], weights[trade["to"]]
        gives, gets = by_path[trade["gives"]], by_path[trade["for"]]
        assert gw[f"{g}-{gives}"] < tw[f"{t}-{gives}"]  # matters less to the giver
        assert gw[f"{g}-{gets}"] > tw[f"{t}-{gets}"]  # and what it gets matters more to it


def test_weights_that_do_not_add_up_are_a_located_error(tmp_path: Path) -> None:
    bad = tmp_path / "w.yaml"
    bad.write_text("C-AQL: 30\nC-NOTCE: 70\n", encoding="utf-8")
    result = negotiate(*PARTIES, "--weights", f"customer={bad}", "--weights", WEIGHTS[3])
    assert result.exit_code == 2
    assert f"{bad}:2:1: error: `C-NOTCE` is neither a term of customer" in result.stderr
    bad.write_text("C-AQL: 30\nC-NOTICE: 60\n", encoding="utf-8")
    result = negotiate(*PARTIES, "--weights", f"customer={bad}", "--weights", WEIGHTS[3])
    assert result.exit_code == 2 and "add up to 90, not 100" in result.stderr


def test_the_markdown_memo_matches_the_golden_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = negotiate("examples/negotiation/draft.yaml", *_relative(PARTIES), "-f", "markdown")
    assert_golden("negotiation.md", result.stdout)


def test_a_real_browser_renders_one_band_chart_per_ordered_field(tmp_path: Path) -> None:
    from tests.helpers import browser_dom

    evil = tmp_path / "evil.qr"
    evil.write_text(
        (EXAMPLE / "supplier.qr")
        .read_text(encoding="utf-8")
        .replace('"Sales Director"', '"<b>Sales</b>"')
    )
    page = tmp_path / "negotiation.html"
    result = negotiate(
        str(EXAMPLE / "draft.yaml"), PARTIES[0], PARTIES[1], "--party", f"supplier={evil}",
        *PARTIES[4:], "-f", "html", "-o", str(page),
    )  # fmt: skip
    assert result.exit_code == 1
    dom = browser_dom(page)
    assert dom.count('<svg class="bands"') == 5  # every field but the set-valued method
    assert "<script" not in dom and "<b>" not in dom and "&lt;b&gt;Sales&lt;/b&gt;" in dom
    assert dom.count('class="draft"') == 5
