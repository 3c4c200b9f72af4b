"""--format coverage and coverage-json: which clauses each agreement addresses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qrules.engine import check
from qrules.ruleset import load_ruleset
from tests.helpers import REPO, run_cli
from tests.helpers import TODAY as TODAY_DATE
from tests.report_helpers import QUICKSTART, TODAY, assert_golden, write_waived

CONFLICTING = (REPO / QUICKSTART / "conflicting.yaml").read_text(encoding="utf-8")
AUDIT, QP07 = "ISO 9001:2015 8.4.3 f)", "Brennwald QP-07"


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One agreement in every state: the quickstart's three, one with a waiver, one out of
    the ruleset's scope and one that cannot be read."""
    monkeypatch.chdir(tmp_path)
    for name in ("clean.yaml", "conflicting.yaml", "malformed.yaml"):
        (tmp_path / name).write_bytes((REPO / QUICKSTART / name).read_bytes())
    write_waived(tmp_path)
    other = CONFLICTING.replace("type: supplier-quality", "type: customer-quality")
    (tmp_path / "customer.yaml").write_text(other, encoding="utf-8")
    (tmp_path / "binary.yaml").write_bytes(b"agreement: qrules/v1\n\x00\x01")
    return tmp_path


def coverage(*args: str) -> dict[str, Any]:
    result = run_cli("check", *args, "-r", "policy.qr", *TODAY, "-f", "coverage-json")
    data: dict[str, Any] = json.loads(result.output)
    return data


def states(data: dict[str, Any], path: str) -> dict[str, str]:
    [document] = [d for d in data["documents"] if d["path"] == path]
    return {clause: entry["state"] for clause, entry in document["clauses"].items()}


def test_the_coverage_matrix_matches_the_golden_files(corpus: Path) -> None:
    markdown = run_cli("check", ".", "-r", "policy.qr", *TODAY, "-f", "coverage")
    assert markdown.exit_code == 1
    assert_golden("coverage.md", markdown.output)
    data = run_cli("check", ".", "-r", "policy.qr", *TODAY, "-f", "coverage-json").output
    assert_golden("coverage.json", data)


def test_the_clauses_are_every_distinct_ref_of_the_rules(corpus: Path) -> None:
    data = coverage("conflicting.yaml")
    assert [c["clause"] for c in data["clauses"]] == [
        QP07,
        "ISO 9001:2015 7.5.3",
        AUDIT,
        "ISO 9001:2015 8.5.6",
    ]
    assert data["clauses"][3]["rules"] == ["QS-CHANGE-NOTICE", "QS-CHANGE-APPROVAL"]
    assert data["states"] == ["addressed", "conflict", "waived", "silent", "unread"]


def test_a_finding_is_a_conflict_and_a_rule_that_held_addresses_its_clause(corpus: Path) -> None:
    data = coverage("conflicting.yaml", "clean.yaml")
    assert states(data, "conflicting.yaml")[AUDIT] == "conflict"
    assert states(data, "clean.yaml") == dict.fromkeys(states(data, "clean.yaml"), "addressed")
    [document] = [d for d in data["documents"] if d["path"] == "conflicting.yaml"]
    assert document["id"] == "SQA-2027-031"
    assert document["clauses"]["ISO 9001:2015 8.5.6"] == {
        "state": "conflict",
        "rules": ["QS-CHANGE-NOTICE", "QS-CHANGE-APPROVAL"],
    }


def test_a_fallback_position_taken_addresses_its_clause(corpus: Path) -> None:
    # conflicting.yaml has AQL 1.0: acceptable with the Quality Director's approval.
    document = coverage("conflicting.yaml")["documents"][0]
    assert document["clauses"][QP07] == {"state": "addressed", "rules": ["QS-AQL"]}


def test_a_waived_finding_waives_its_clause(corpus: Path) -> None:
    assert states(coverage("waived.yaml"), "waived.yaml")[AUDIT] == "waived"


def test_an_agreement_out_of_every_rules_scope_is_silent(corpus: Path) -> None:
    assert set(states(coverage("customer.yaml"), "customer.yaml").values()) == {"silent"}


def test_an_agreement_that_cannot_be_read_is_unread(corpus: Path) -> None:
    data = coverage("binary.yaml")
    assert set(states(data, "binary.yaml").values()) == {"unread"}
    assert data["documents"][0]["id"] is None


def test_the_batch_totals_count_every_agreement_once_per_clause(corpus: Path) -> None:
    data = coverage(".")
    assert [d["path"] for d in data["documents"]] == sorted(d["path"] for d in data["documents"])
    audit = next(c for c in data["clauses"] if c["clause"] == AUDIT)
    assert {k: audit[k] for k in data["states"]} == {
        "addressed": 2,  # clean, malformed
        "conflict": 1,  # conflicting
        "waived": 1,
        "silent": 1,  # customer
        "unread": 1,  # binary
    }
    for clause in data["clauses"]:
        assert sum(clause[state] for state in data["states"]) == len(data["documents"])


def test_a_rule_the_configuration_disables_addresses_nothing(corpus: Path) -> None:
    (corpus / ".qrules.yaml").write_text(
        "rulesets: [policy.qr]\nrules:\n  QS-AUDIT: {disabled: true, reason: Audited by others}\n"
    )
    result = run_cli("check", "clean.yaml", "conflicting.yaml", *TODAY, "-f", "coverage-json")
    data = json.loads(result.output)
    assert states(data, "clean.yaml")[AUDIT] == "silent"
    assert states(data, "conflicting.yaml")[AUDIT] == "silent"


def test_the_markdown_matrix_has_the_batch_then_each_agreement(corpus: Path) -> None:
    text = run_cli("check", ".", "-r", "policy.qr", *TODAY, "-f", "coverage").output
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## All agreements",
        "## `binary.yaml`",
        "## `clean.yaml`",
        "## `conflicting.yaml`",
        "## `customer.yaml`",
        "## `malformed.yaml`",
        "## `waived.yaml`",
        "## Evidence",
    ]
    assert "| ISO 9001:2015 8.4.3 f) | waived | QS-AUDIT |" in text


def test_coverage_can_be_one_of_several_reports(corpus: Path) -> None:
    result = run_cli(
        "check", "conflicting.yaml", "-r", "policy.qr", *TODAY,
        "--report", "coverage-json=cov.json", "--report", "coverage=cov.md",
    )  # fmt: skip
    assert result.exit_code == 1
    assert json.loads((corpus / "cov.json").read_text())["documents"][0]["path"] == (
        "conflicting.yaml"
    )
    assert (corpus / "cov.md").read_text().startswith("# Clause coverage\n")


def test_the_engine_records_which_rules_applied(corpus: Path) -> None:
    rules = load_ruleset(corpus / "policy.qr")
    applied = check(rules, corpus / "conflicting.yaml", today=TODAY_DATE).applied
    assert applied == (
        "QS-AUDIT",
        "QS-CHANGE-NOTICE",
        "QS-CHANGE-APPROVAL",
        "QS-PARTS",
        "QS-AQL",
        "QS-RETENTION",
    )
    assert check(rules, corpus / "customer.yaml", today=TODAY_DATE).applied == ()
    assert check(rules, corpus / "binary.yaml", today=TODAY_DATE).applied is None


def test_the_engine_records_the_agreements_identity(corpus: Path) -> None:
    identity = check(load_ruleset(corpus / "policy.qr"), corpus / "conflicting.yaml").identity
    assert identity is not None
    assert (identity.id, identity.revision, identity.status, identity.effective) == (
        "SQA-2027-031",
        "0.3",
        "draft",
        "2027-04-01",
    )
    assert [(p.name, p.role) for p in identity.parties] == [
        ("Brennwald Antriebstechnik GmbH", "customer"),
        ("Tallgrass Polymers Ltd.", "supplier"),
    ]
