"""Rule tests that can fail for the right reason: `# expect:` pins the tier, the severity and
part of the message; coverage per tier; JSON and JUnit results; lint of rules that cannot
fire. All through the real CLI on real files."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
import xmlschema

from tests.helpers import run_cli
from tests.report_helpers import reference_if_present

Write = Callable[[str, str | bytes], Path]

RULES = """\
ruleset demo "Demo"
  version "1"

rule NOTICE "Change notice"
  ref "ISO 9001:2015 8.5.6"
  severity warning
  require change_control.notification >= 14 days
  message "Change notice {change_control.notification} is shorter than 14 days"

term AQL "Major AQL" at quality.aql.major
  ref "QP-7"
  prefer <= 0.65
  accept <= 1.0 approval "Quality Director"
  reject "too lenient"
"""
AGREEMENT = """\
agreement: qrules/v1
id: T-1
title: t
type: supplier-quality
status: draft
parties:
  - role: supplier
    name: X
    country: DE
change_control:
  notification: {notice}
quality:
  aql:
    major: {aql}
"""
# With one header line: notification at line 12, the AQL at line 15.


def suite(write: Write, tests: dict[str, str], rules: str = RULES) -> Path:
    folder = write("demo/demo.qr", rules).parent
    for name, (expect, notice, aql) in tests.items():
        write(
            f"demo/tests/{name}", f"# expect: {expect}\n" + AGREEMENT.format(notice=notice, aql=aql)
        )
    return folder


COVERING = {
    "preferred.yaml": ("none", "30 days", "0.4"),
    "accepted.yaml": ("AQL@15[accept, note]", "30 days", "1.0"),
    "rejected.yaml": ('AQL@15[reject] ~ "too lenient"', "30 days", "2.0"),
    "notice.yaml": ('NOTICE@12[warning] ~ "7 days"', "7 days", "0.4"),
}


def test_pins_that_hold_pass_with_full_tier_coverage(write: Write) -> None:
    folder = suite(write, COVERING)
    result = run_cli("test", str(folder), "--require-coverage")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "4 passed, 0 failed"


def test_a_tier_changed_from_accept_to_reject_fails_the_test(write: Write) -> None:
    changed = RULES.replace('accept <= 1.0 approval "Quality Director"', "reject <= 1.0")
    folder = suite(write, COVERING, changed)
    result = run_cli("test", str(folder))
    assert result.exit_code == 1
    assert "  expected AQL@15[accept, note] but it fired at line 15 [reject, error]" in (
        result.output
    )
    assert "1 failed" in result.output.splitlines()[-1]


def test_severity_and_message_pins(write: Write) -> None:
    folder = suite(
        write,
        {
            "severity.yaml": ("NOTICE[error]", "7 days", "0.4"),
            "text.yaml": ('NOTICE@12 ~ "14 weeks"', "7 days", "0.4"),
        },
    )
    result = run_cli("test", str(folder))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "  expected NOTICE[error] but it fired at line 12 [warning]" in lines
    assert (
        '  expected NOTICE@12 ~ "14 weeks" but it fired at line 12 [warning] ~ '
        '"Change notice 7 days is shorter than 14 days"'
    ) in lines


@pytest.mark.parametrize(
    ("expect", "said"),
    [
        ("AQL[prefer]", "AQL[prefer]: a preferred value reports nothing"),
        ("AQL[approve]", "cannot read `[approve]` in the expectation of AQL"),
        ("AQL[accept, reject]", "cannot read `[accept, reject]`"),
        ('AQL ~ "unclosed', "cannot read the expectation 'AQL ~ \"unclosed'"),
    ],
)
def test_unreadable_pins_are_reported(write: Write, expect: str, said: str) -> None:
    folder = suite(write, {"bad.yaml": (expect, "30 days", "0.4")})
    result = run_cli("test", str(folder))
    assert result.exit_code == 1
    assert said in result.output
    assert 'RULE@LINE[accept|reject|error|warning|note], RULE ~ "message text"' in result.output


def test_coverage_is_per_tier_prefer_included(write: Write) -> None:
    folder = suite(write, {k: COVERING[k] for k in ("accepted.yaml", "rejected.yaml")})
    result = run_cli("test", str(folder), "--require-coverage")
    assert result.exit_code == 1
    assert result.output.splitlines()[-4:] == [
        f"coverage: {folder}: no test makes NOTICE fire",
        f"coverage: {folder}: no test reaches AQL tier prefer (line 12)",
        "",
        "2 passed, 0 failed",
    ]
    assert run_cli("test", str(folder)).exit_code == 0  # only required with the flag


def test_json_results(write: Write) -> None:
    folder = suite(write, {"preferred.yaml": COVERING["preferred.yaml"]})
    result = run_cli("test", str(folder), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["summary"] == {"passed": 1, "failed": 0, "coverage_required": False}
    (only,) = data["suites"]
    assert only["cases"] == [
        {
            "path": str(folder / "tests" / "preferred.yaml"),
            "passed": True,
            "expected": [],
            "problems": [],
        }
    ]
    assert only["uncovered"] == {
        "rules": ["NOTICE"],
        "tiers": [
            {"term": "AQL", "tier": "accept", "line": 13},
            {"term": "AQL", "tier": "reject", "line": 14},
        ],
    }


def test_junit_results_for_ci(write: Write, tmp_path: Path) -> None:
    tests = dict(COVERING, **{"wrong.yaml": ("AQL[reject]", "30 days", "1.0")})
    folder = suite(write, tests)
    out = tmp_path / "rule-tests.xml"
    result = run_cli("test", str(folder), "--format", "junit", "--require-coverage", "-o", str(out))
    assert result.exit_code == 1
    assert result.output == "4 passed, 1 failed\n"  # the summary on stderr; the XML in the file
    xml = out.read_text(encoding="utf-8")
    schema = reference_if_present("junit/junit-10.xsd")
    if schema is not None:
        xmlschema.XMLSchema(str(schema)).validate(xml)
    root = ET.fromstring(xml)
    assert (root.get("tests"), root.get("failures")) == ("6", "1")
    failed = root.find(".//testcase[@name='" + str(folder / "tests" / "wrong.yaml") + "']/failure")
    assert failed is not None and "expected AQL[reject]" in (failed.text or "")
    coverage = root.find(".//testcase[@name='coverage']")
    assert coverage is not None and coverage.find("failure") is None


# ---------------------------------------------------------------------------- lint


def test_lint_a_rule_that_requires_nothing_and_a_term_no_value_reaches(write: Write) -> None:
    path = write(
        "odd.qr",
        """\
        ruleset odd "Odd"
          version "1"

        rule NOTHING "Requires nothing"
          ref "QP-1"
          message "never shown"

        term BACKWARDS "Bounds the wrong way round" at quality.aql.major
          ref "QP-2"
          reject between 5 and 1 "never"

        term GAP "An empty accept tier" at quality.aql.major
          ref "QP-3"
          prefer <= 1
          accept between 3 and 2 approval "Quality Director"
          reject
        """,
    )
    result = run_cli("lint", str(path))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if not line.startswith("    hint")]
    assert lines == [
        f"{path}:4:1: error no-require NOTHING requires nothing, so it can never fire",
        f"{path}:8:1: error no-reachable-tier no tier of BACKWARDS can ever decide: no value "
        "satisfies any of them",
        f"{path}:15:3: warning unreachable-tier this `accept` tier is never reached: no value "
        "satisfies it that an earlier tier does not already decide",
        "1 ruleset files linted: 3 findings",
    ]
