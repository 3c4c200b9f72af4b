"""--format sarif: valid SARIF 2.1.0, and what GitHub code scanning needs beyond the schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.helpers import REPO, run_cli
from tests.report_helpers import (
    QUICKSTART,
    TODAY,
    assert_golden,
    check_quickstart,
    reference,
    reference_if_present,
    write_waived,
)

Sarif = dict[str, Any]


def validate(data: Sarif) -> None:
    """Check against the official SARIF 2.1.0 schema; skips where the reference is absent."""
    schema = json.loads(reference("sarif/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    assert type(validator).__name__ == "Draft4Validator"
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


@pytest.fixture
def quickstart(monkeypatch: pytest.MonkeyPatch) -> Sarif:
    monkeypatch.chdir(REPO)
    result = check_quickstart("--format", "sarif")
    assert result.exit_code == 1
    return dict(json.loads(result.output))


@pytest.fixture
def waived(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Sarif:
    monkeypatch.chdir(tmp_path)
    write_waived(tmp_path)
    result = run_cli("check", "waived.yaml", "-r", "policy.qr", *TODAY, "-f", "sarif")
    return dict(json.loads(result.output))


def results(data: Sarif) -> list[dict[str, Any]]:
    return list(data["runs"][0]["results"])


def rules(data: Sarif) -> list[dict[str, Any]]:
    return list(data["runs"][0]["tool"]["driver"]["rules"])


def test_the_quickstart_report_matches_the_golden_file(quickstart: Sarif) -> None:
    assert_golden("quickstart.sarif", json.dumps(quickstart, indent=2, ensure_ascii=False) + "\n")


def test_reports_are_valid_sarif_2_1_0(quickstart: Sarif, waived: Sarif) -> None:
    validate(quickstart)
    validate(waived)


def test_the_schema_check_itself_accepts_githubs_examples_and_rejects_a_broken_report(
    quickstart: Sarif,
) -> None:
    for name in ("minimum-required", "all-supported-properties"):
        validate(json.loads(reference(f"sarif/{name}.sarif.json").read_text(encoding="utf-8")))
    broken = json.loads(json.dumps(quickstart))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(AssertionError):
        validate(broken)


def test_githubs_requirements_beyond_the_schema(quickstart: Sarif) -> None:
    assert quickstart["$schema"].startswith("https://")
    assert quickstart["version"] == "2.1.0"
    assert len(quickstart["runs"]) == 1
    ids = [rule["id"] for rule in rules(quickstart)]
    assert len(ids) == len(set(ids))
    assert all(rule["shortDescription"]["text"] for rule in rules(quickstart))
    assert results(quickstart)
    for result in results(quickstart):
        assert result["ruleId"] in ids
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["message"]["text"]
        physical = result["locations"][0]["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert uri.startswith(f"{QUICKSTART}/")  # relative to the repository root
        assert ":" not in uri and not uri.startswith("/") and ".." not in uri
        assert physical["region"]["startLine"] >= 1
        assert result["partialFingerprints"]["primaryLocationLineHash"]


def test_rules_carry_help_tags_and_levels(quickstart: Sarif) -> None:
    audit = next(rule for rule in rules(quickstart) if rule["id"] == "QS-AUDIT")
    assert audit["name"] == "quickstart/QS-AUDIT"
    assert audit["shortDescription"]["text"] == "We may audit the supplier's site"
    assert audit["fullDescription"]["text"].startswith("Requires audits.right_to_audit == true.")
    assert "Clauses: ISO 9001:2015 8.4.3 f)" in audit["help"]["text"]
    assert "**How to fix:** Add \\`audits: {right\\_to\\_audit" in audit["help"]["markdown"]
    assert audit["defaultConfiguration"] == {"level": "error"}
    assert audit["properties"]["tags"] == ["quality", "quickstart", "ISO 9001:2015 8.4.3 f)"]
    parts = next(rule for rule in rules(quickstart) if rule["id"] == "QS-PARTS")
    assert parts["defaultConfiguration"] == {"level": "warning"}


def test_loader_findings_have_rule_entries(quickstart: Sarif) -> None:
    by_id = {rule["id"]: rule for rule in rules(quickstart)}
    fired = {r["ruleId"] for r in results(quickstart)}
    assert {"schema", "duplicate-key"} <= fired
    assert by_id["duplicate-key"]["shortDescription"]["text"] == "Every key appears once"
    assert by_id["schema"]["properties"]["tags"] == ["quality", "qrules"]
    assert by_id["yaml-ambiguous"]["defaultConfiguration"] == {"level": "warning"}


def test_results_point_at_line_column_and_field(quickstart: Sarif) -> None:
    audit = next(r for r in results(quickstart) if r["ruleId"] == "QS-AUDIT")
    location = audit["locations"][0]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": f"{QUICKSTART}/conflicting.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 32, "startColumn": 3},
    }
    assert location["logicalLocations"] == [{"fullyQualifiedName": "audits.right_to_audit"}]
    assert audit["level"] == "error"
    assert audit["message"]["text"] == (
        "The agreement does not let us audit the supplier's premises\n"
        "Hint: Add `audits: {right_to_audit: true, notice: 10 days}`"
    )
    aql = next(r for r in results(quickstart) if r["ruleId"] == "QS-AQL")
    assert aql["level"] == "note"
    assert aql["properties"] == {"tier": "accept", "approval": "Quality Director"}


def test_a_waived_finding_is_suppressed_in_source_with_its_reason(waived: Sarif) -> None:
    audit = next(r for r in results(waived) if r["ruleId"] == "QS-AUDIT")
    suppression = audit["suppressions"][0]
    assert suppression["kind"] == "inSource"
    assert suppression["status"] == "accepted"
    assert suppression["justification"] == "Audited yearly by our notified body | report shared"
    assert suppression["location"]["physicalLocation"]["region"] == {
        "startLine": 36,
        "startColumn": 5,
    }
    related = audit["relatedLocations"]
    assert [(r["id"], r["message"]["text"]) for r in related] == [(1, "waived by this entry")]
    assert related[0]["logicalLocations"] == [{"fullyQualifiedName": "waivers[0]"}]


def test_an_expired_waiver_relates_to_the_finding_it_would_waive(waived: Sarif) -> None:
    expired = next(r for r in results(waived) if r["ruleId"] == "waiver")
    assert expired["message"]["text"].startswith(
        "waiver for QS-CHANGE-NOTICE expired on 2026-01-31"
    )
    assert "suppressions" not in expired
    [related] = expired["relatedLocations"]
    assert related["message"]["text"] == "the QS-CHANGE-NOTICE finding it would waive"
    assert related["physicalLocation"]["region"] == {"startLine": 29, "startColumn": 3}
    notice = next(r for r in results(waived) if r["ruleId"] == "QS-CHANGE-NOTICE")
    assert "suppressions" not in notice


def fingerprints(data: Sarif) -> dict[str, str]:
    return {r["ruleId"]: r["partialFingerprints"]["primaryLocationLineHash"] for r in results(data)}


def test_fingerprints_survive_lines_moving_and_differ_by_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, waived: Sarif
) -> None:
    before = fingerprints(waived)
    agreement = tmp_path / "waived.yaml"
    agreement.write_text("# a comment that moves every line\n" + agreement.read_text())
    result = run_cli("check", "waived.yaml", "-r", "policy.qr", *TODAY, "-f", "sarif")
    after = fingerprints(json.loads(result.output))
    assert after == before
    assert len(set(before.values())) == len(before)
    assert all(value.endswith(":1") for value in before.values())


def test_identical_lines_get_distinct_fingerprints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = 'ruleset t schema none\nrule ONE "Short items"\n  require all i in items: len(i) < 3\n'
    (tmp_path / "rules.qr").write_text(rule)
    (tmp_path / "a.yaml").write_text("items:\n  - long\n  - long\n")
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "a.yaml", "-r", "rules.qr", "--schema", "none", "-f", "sarif")
    hashes = [
        r["partialFingerprints"]["primaryLocationLineHash"]
        for r in results(json.loads(result.output))
    ]
    assert len(hashes) == 2
    assert hashes[0].split(":")[0] == hashes[1].split(":")[0]
    assert [h.split(":")[1] for h in hashes] == ["1", "2"]


def test_files_outside_the_current_folder_get_absolute_file_uris(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    agreement = write_waived(tmp_path)
    monkeypatch.chdir(REPO)
    result = run_cli(
        "check", str(agreement), "-r", str(tmp_path / "policy.qr"), *TODAY, "-f", "sarif"
    )
    artifact = results(json.loads(result.output))[0]["locations"][0]["physicalLocation"]
    assert artifact["artifactLocation"] == {"uri": agreement.resolve().as_uri()}


def test_a_rule_disabled_by_the_configuration_is_listed_disabled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_waived(tmp_path)
    (tmp_path / ".qrules.yaml").write_text(
        "rulesets: [policy.qr]\n"
        "rules:\n  QS-PARTS:\n    disabled: true\n    reason: Numbers come with the first order\n"
    )
    data = json.loads(run_cli("check", "waived.yaml", *TODAY, "-f", "sarif").output)
    if reference_if_present("sarif/sarif-schema-2.1.0.json"):
        validate(data)
    parts = next(rule for rule in rules(data) if rule["id"] == "QS-PARTS")
    assert parts["defaultConfiguration"] == {"level": "warning", "enabled": False}
    assert parts["properties"]["override"] == "Numbers come with the first order"
    assert "QS-PARTS" not in {r["ruleId"] for r in results(data)}


def test_the_run_records_success_and_the_summary(quickstart: Sarif) -> None:
    run = quickstart["runs"][0]
    assert run["invocations"] == [
        {"executionSuccessful": True, "exitCode": 1, "endTimeUtc": "2026-11-26T00:00:00Z"}
    ]
    assert run["tool"]["driver"]["name"] == "qrules"
    assert run["tool"]["driver"]["informationUri"].startswith("https://")
    assert run["properties"]["summary"]["documents"] == 3
    assert run["properties"]["failOn"] == "error"
