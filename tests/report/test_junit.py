"""--format junit: one testsuite per agreement, one testcase per rule, valid junit-10.xsd."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from tests.helpers import REPO, run_cli
from tests.report_helpers import (
    QUICKSTART,
    TODAY,
    assert_golden,
    check_quickstart,
    reference,
    reference_if_present,
)

RULES_PER_AGREEMENT = 6 + 9  # the quickstart policy, then qrules' own loader and waiver checks


def validate(xml: str) -> ET.Element:
    """The parsed report, checked against junit-10.xsd where ../shared/reference/ has it."""
    schema = reference_if_present("junit/junit-10.xsd")
    if schema is not None:
        xmlschema.XMLSchema(str(schema)).validate(xml)
    return ET.fromstring(xml)


def run(*args: str) -> ET.Element:
    return validate(check_quickstart("--format", "junit", *args).output)


def case(root: ET.Element, agreement: str, rule: str) -> ET.Element:
    suite = root.find(f"testsuite[@name='{agreement}']")
    assert suite is not None
    found = suite.find(f"testcase[@name='{rule}']")
    assert found is not None
    return found


@pytest.fixture(autouse=True)
def _at_the_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def test_the_quickstart_report_matches_the_golden_file() -> None:
    result = check_quickstart("--format", "junit")
    assert result.exit_code == 1
    assert_golden("quickstart.junit.xml", result.output)


def test_reports_are_valid_against_the_junit_schema(tmp_path: Path) -> None:
    schema = xmlschema.XMLSchema(str(reference("junit/junit-10.xsd")))
    schema.validate(check_quickstart("--format", "junit").output)
    schema.validate(check_quickstart("--format", "junit", "--fail-on", "note").output)
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema.validate('<testsuites><testsuite name="x"/></testsuites>')


def test_one_suite_per_agreement_and_one_case_per_rule() -> None:
    root = run()
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        f"{QUICKSTART}/clean.yaml",
        f"{QUICKSTART}/conflicting.yaml",
        f"{QUICKSTART}/malformed.yaml",
    ]
    for suite in suites:
        assert len(suite.findall("testcase")) == int(suite.get("tests", "")) == RULES_PER_AGREEMENT
    assert root.get("tests") == str(3 * RULES_PER_AGREEMENT)
    assert (root.get("failures"), root.get("errors")) == ("6", "0")


def test_rules_that_did_not_fire_pass() -> None:
    clean = case(run(), f"{QUICKSTART}/clean.yaml", "QS-AUDIT")
    assert list(clean) == []


def test_a_failure_lists_each_finding_with_file_line_column() -> None:
    audit = case(run(), f"{QUICKSTART}/conflicting.yaml", "QS-AUDIT")
    failure = audit.find("failure")
    assert failure is not None
    assert failure.get("type") == "error"
    assert failure.get("message") == (
        "line 32: The agreement does not let us audit the supplier's premises"
    )
    assert failure.text == (
        f"{QUICKSTART}/conflicting.yaml:32:3: error QS-AUDIT The agreement does not let us "
        "audit the supplier's premises\n"
        "    hint: Add `audits: {right_to_audit: true, notice: 10 days}`\n"
    )
    assert audit.get("classname") == f"{QUICKSTART}/conflicting.yaml"


def test_findings_below_fail_on_pass_with_their_output() -> None:
    parts = case(run(), f"{QUICKSTART}/conflicting.yaml", "QS-PARTS")
    assert parts.find("failure") is None
    output = parts.find("system-out")
    assert output is not None and output.text is not None
    assert output.text.startswith(f"{QUICKSTART}/conflicting.yaml:21:7: warning QS-PARTS")
    stricter = case(run("--fail-on", "warning"), f"{QUICKSTART}/conflicting.yaml", "QS-PARTS")
    failure = stricter.find("failure")
    assert failure is not None and failure.get("type") == "warning"


def test_loader_problems_fail_their_own_testcases() -> None:
    root = run()
    duplicate = case(root, f"{QUICKSTART}/malformed.yaml", "duplicate-key")
    failure = duplicate.find("failure")
    assert failure is not None
    assert failure.get("message", "").startswith("line 14: duplicate key `notification`")
    assert case(root, f"{QUICKSTART}/malformed.yaml", "schema").find("failure") is not None


def test_an_unreadable_agreement_is_an_error_and_its_rules_are_skipped() -> None:
    binary = "examples/malformed/binary.yaml"
    result = run_cli("check", binary, "-r", f"{QUICKSTART}/policy.qr", *TODAY, "-f", "junit")
    root = validate(result.output)
    unreadable = case(root, binary, "document-unreadable")
    error = unreadable.find("error")
    assert error is not None
    assert error.get("message", "").startswith("line 9: the file is binary")
    skipped = case(root, binary, "QS-AUDIT").find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "not checked: the agreement could not be read"
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("errors"), suite.get("skipped"), root.get("errors")) == ("1", "6", "1")


def test_waived_findings_are_skipped_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.report_helpers import write_waived

    monkeypatch.chdir(tmp_path)
    write_waived(tmp_path)
    result = run_cli("check", "waived.yaml", "-r", "policy.qr", *TODAY, "-f", "junit")
    root = validate(result.output)
    skipped = case(root, "waived.yaml", "QS-AUDIT").find("skipped")
    assert skipped is not None
    assert skipped.get("message") == (
        "waived: Audited yearly by our notified body | report shared "
        "(approved by Quality Director, expires 2027-06-30)"
    )
    expired = case(root, "waived.yaml", "waiver").find("failure")
    assert expired is not None
    assert expired.get("message") == "line 40: waiver for QS-CHANGE-NOTICE expired on 2026-01-31"


def test_disabled_rules_are_skipped_with_the_configurations_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text((REPO / QUICKSTART / "conflicting.yaml").read_text())
    (tmp_path / ".qrules.yaml").write_text(
        f"rulesets: [{REPO / QUICKSTART / 'policy.qr'}]\n"
        "rules:\n  QS-AUDIT:\n    disabled: true\n    reason: Audits by the notified body\n"
    )
    root = validate(run_cli("check", "a.yaml", *TODAY, "-f", "junit").output)
    skipped = case(root, "a.yaml", "QS-AUDIT").find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "disabled by the configuration: Audits by the notified body"


def test_properties_and_control_characters_stay_valid_xml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.qr").write_text(
        'ruleset t schema none\nrule BELL "No bells"\n  require name == "x"\n'
        '  message "Name is {name} <&>"\n'
    )
    (tmp_path / "a.yaml").write_text('name: "bell\\a<&>"\n')
    root = validate(run_cli("check", "a.yaml", "-r", "r.qr", "-f", "junit").output)
    failure = case(root, "a.yaml", "BELL").find("failure")
    assert failure is not None
    assert failure.get("message") == "line 1: Name is bell\ufffd<&> <&>"
    properties = {p.get("name"): p.get("value") for p in root.iter("property")}
    sha256 = hashlib.sha256((tmp_path / "a.yaml").read_bytes()).hexdigest()
    assert properties == {"status": "fail", "fail-on": "error", "rulesets": "t", "sha256": sha256}
