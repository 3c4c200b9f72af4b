"""Rules × agreements: what fires, where it points, tiers and waivers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qrules.engine import check
from qrules.ruleset import load_ruleset
from tests.helpers import TODAY, dedent, findings_of

Write = Callable[[str, str | bytes], Path]

AGREEMENT = """\
agreement: qrules/v1
id: SQA-1
title: Steel strip
type: supplier-quality
status: draft
parties:
  - role: supplier
    name: Nordvik Stål AS
    country: "NO"
scope:
  products:
    - part_number: BR-2041
      revision: C
    - part_number: hx-17
    - part_number: BR-2043
      revision: A
change_control:
  notification: 14 days
  approval_required: true
audits:
  right_to_audit: false
quality:
  aql:
    major: 1.0
records:
  retention: 2 years
"""


def agreement(write: Write, extra: str = "", base: str = AGREEMENT) -> Path:
    return write("agreement.yaml", base + dedent(extra))


def test_a_failing_field_is_blamed_at_its_line(write: Write) -> None:
    rules = 'ruleset t\nrule AUDIT "t"\n  require audits.right_to_audit == true\n'
    assert findings_of(rules, agreement(write)) == [("AUDIT", 21, 3)]


def test_the_failing_conjunct_is_blamed(write: Write) -> None:
    rules = (
        'ruleset t\nrule R "t"\n  require audits.right_to_audit == false'
        " and change_control.notification >= 30 days\n"
    )
    assert findings_of(rules, agreement(write)) == [("R", 18, 3)]


def test_each_failing_list_element_is_a_finding_at_its_line(write: Write) -> None:
    rules = """
        ruleset t
        rule PN "t"
          require all p in scope.products: p.part_number matches /^[A-Z]{2}-[0-9]{4}$/
          message "bad part number {p.part_number}"
    """
    path = agreement(write)
    assert findings_of(rules, path) == [("PN", 14, 7)]
    result = check(load_ruleset(path.parent / "rules.qr"), path, today=TODAY)
    assert result.findings[0].message == "bad part number hx-17"
    assert result.findings[0].path == "scope.products[1].part_number"


def test_a_missing_field_in_a_list_element_points_at_the_element(write: Write) -> None:
    rules = 'ruleset t\nrule REV "t"\n  require all p in scope.products: exists(p.revision)\n'
    assert findings_of(rules, agreement(write)) == [("REV", 14, 7)]


def test_nested_quantifier_failure_is_blamed_inside(write: Write) -> None:
    rules = (
        'ruleset t\nrule R "t"\n  require any x in [1]: all p in scope.products:'
        " exists(p.revision)\n"
    )
    assert findings_of(rules, agreement(write)) == [("R", 11, 3)]  # the list `any` searched


def test_a_missing_field_is_never_a_silent_pass(write: Write) -> None:
    rules = 'ruleset t\nrule N "t"\n  require audits.notice <= 10 days\n'
    path = agreement(write)
    assert findings_of(rules, path) == [("N", 20, 1)]  # at `audits`, the nearest parent
    result = check(load_ruleset(path.parent / "rules.qr"), path, today=TODAY)
    assert result.findings[0].message == "t — `audits.notice` is missing"  # the title: no message
    assert result.findings[0].path == "audits.notice"


def test_a_missing_field_keeps_the_rules_explanation(write: Write) -> None:
    rules = (
        'ruleset t\nrule N "Audit notice"\n  require audits.notice <= 10 days\n'
        '  message "We may audit at short notice"\n'
        'rule M "Notice shown"\n  require audits.notice <= 10 days\n'
        '  message "Notice {audits.notice} is too long"\n'
    )
    path = agreement(write)
    findings_of(rules, path)
    result = check(load_ruleset(path.parent / "rules.qr"), path, today=TODAY)
    assert [f.message for f in result.findings] == [
        "Notice shown — `audits.notice` is missing",  # its message needs the missing field
        "We may audit at short notice — `audits.notice` is missing",
    ]


def test_when_guards_a_missing_field(write: Write) -> None:
    rules = (
        'ruleset t\nrule N "t"\n  when exists(audits.notice)\n  require audits.notice <= 10 days\n'
    )
    assert findings_of(rules, agreement(write)) == []


def test_scope_limits_rules_by_type(write: Write) -> None:
    rules = """
        ruleset t
        scope type == "software-delivery"
        rule S "t" require false
        scope true
        rule ALL "t" require false
    """
    assert [f[0] for f in findings_of(rules, agreement(write))] == ["ALL"]


def test_lets_and_messages(write: Write) -> None:
    rules = """
        ruleset t
        rule CN "Change notice"
          let minimum = 30 days
          require change_control.notification >= minimum
          message "notice {change_control.notification} is below {minimum}"
          hint "raise it to {minimum} or more"
    """
    path = agreement(write)
    result = check(load_ruleset(write("r.qr", rules)), path, today=TODAY)
    [finding] = result.findings
    assert (finding.line, finding.message, finding.hint) == (
        18,
        "notice 14 days is below 30 days",
        "raise it to 30 days or more",
    )


def test_default_message_shows_the_requirement(write: Write) -> None:
    rules = 'ruleset t\nrule CN "Change notice"\n  require change_control.notification >= 30 days\n'
    result = check(load_ruleset(write("r.qr", rules)), agreement(write), today=TODAY)
    assert result.findings[0].message == (
        "Change notice: requires change_control.notification >= 30 days"
    )


def test_every_failing_require_is_a_finding(write: Write) -> None:
    rules = (
        'ruleset t\nrule R "t"\n  require audits.right_to_audit\n'
        "  require records.retention >= 3 years\n"
    )
    assert findings_of(rules, agreement(write)) == [("R", 21, 3), ("R", 26, 3)]


def test_a_type_error_is_a_finding_not_a_crash(write: Write) -> None:
    rules = 'ruleset t\nrule R "t"\n  require records.retention > 3\n'
    path = agreement(write)
    result = check(load_ruleset(write("r.qr", rules)), path, today=TODAY)
    [finding] = result.findings
    assert (finding.rule, finding.line, finding.severity) == ("R", 26, "error")
    assert finding.message == (
        "cannot evaluate: cannot compare duration 2 years with number 3 using >"
    )


TERMS = """
    ruleset t
    term AQL "Major-defect AQL" at quality.aql.major
      prefer <= 0.65
      accept <= 1.0 approval "Quality Director"
      reject "above 1.0 the field risk is too high"

    term RET "Record retention" at records.retention
      reject < 3 years "shorter than the service life"
      prefer <= 10 years
      accept approval "Finance" "beyond 10 years costs storage"

    term CN "Change notice" at change_control.notification
      prefer >= 90 days
      accept >= 30 days approval "Purchasing"
"""


def term_findings(write: Write, base: str) -> list[tuple[str, str, str | None, str | None, str]]:
    result = check(load_ruleset(write("t.qr", TERMS)), agreement(write, base=base), today=TODAY)
    return [(f.rule, f.severity, f.tier, f.approval, f.message) for f in result.findings]


def test_terms_report_by_tier(write: Write) -> None:
    assert term_findings(write, AGREEMENT) == [
        ("CN", "error", None, None, "Change notice 14 days matches no negotiated position"),
        (
            "AQL",
            "note",
            "accept",
            "Quality Director",
            "Major-defect AQL 1.0 is outside the preferred position (<= 0.65); acceptable with "
            "approval by Quality Director",
        ),
        (
            "RET",
            "error",
            "reject",
            None,
            "Record retention 2 years is rejected: shorter than the service life",
        ),
    ]


def test_terms_flag_needless_stringency(write: Write) -> None:
    base = (
        AGREEMENT.replace("2 years", "25 years")
        .replace("14 days", "120 days")
        .replace("major: 1.0", "major: 0.4")
    )
    assert term_findings(write, base) == [
        (
            "RET",
            "note",
            "accept",
            "Finance",
            "Record retention 25 years is outside the preferred position (<= 10 years); "
            "acceptable with approval by Finance: beyond 10 years costs storage",
        ),
    ]


def test_a_missing_term_field_is_rejected(write: Write) -> None:
    base = AGREEMENT.replace("records:\n  retention: 2 years\n", "")
    found = [f for f in term_findings(write, base) if f[0] == "RET"]
    assert found == [("RET", "error", "reject", None, "Record retention — `records` is missing")]


WAIVED_RULES = 'ruleset t\nrule AUDIT "t"\n  require audits.right_to_audit == true\n'


def waiver_findings(write: Write, waivers: str) -> list[tuple[str, int, bool, str]]:
    path = agreement(write, "waivers:\n" + dedent(waivers))
    result = check(load_ruleset(write("w.qr", WAIVED_RULES)), path, today=TODAY)
    return [(f.rule, f.line, f.waived, f.severity) for f in result.findings]


def test_an_approved_current_waiver_waives(write: Write) -> None:
    found = waiver_findings(
        write,
        """
        - rule: AUDIT
          reason: supplier is audited by the notified body
          approved_by: Quality Director
          expires: 2027-06-30
    """,
    )
    assert found == [("AUDIT", 21, True, "error")]


def test_an_expired_waiver_is_a_finding_and_waives_nothing(write: Write) -> None:
    found = waiver_findings(
        write,
        """
        - rule: AUDIT
          reason: legacy
          approved_by: Quality Director
          expires: 2026-01-31
    """,
    )
    assert found == [("AUDIT", 21, False, "error"), ("waiver", 28, False, "error")]


def test_an_unapproved_waiver_is_a_finding(write: Write) -> None:
    found = waiver_findings(write, "- rule: AUDIT\n  reason: legacy\n")
    assert found == [("AUDIT", 21, False, "error"), ("waiver", 28, False, "error")]


def test_a_waiver_for_a_rule_that_did_not_fire(write: Write) -> None:
    found = waiver_findings(
        write,
        """
        - rule: AUDIT
          reason: r
          approved_by: QD
        - rule: NOT-A-RULE
          reason: r
          approved_by: QD
    """,
    )
    assert found == [("AUDIT", 21, True, "error"), ("waiver", 31, False, "warning")]
    path = agreement(write, "waivers:\n- {rule: NOT-A-RULE, reason: r, approved_by: QD}\n")
    result = check(load_ruleset(write("w.qr", WAIVED_RULES)), path, today=TODAY)
    assert result.findings[-1].message == (
        "waiver for NOT-A-RULE is unused: the rule is not in the loaded rulesets"
    )


def test_results_are_sorted_by_line_then_rule(write: Write) -> None:
    rules = """
        ruleset t
        rule B "t" require records.retention >= 3 years
        rule A "t" require records.retention >= 5 years
        rule C "t" require audits.right_to_audit
    """
    assert findings_of(rules, agreement(write)) == [("C", 21, 3), ("A", 26, 3), ("B", 26, 3)]


def test_tier_conditions_in_between_and_tier_severity(write: Write) -> None:
    rules = """
        ruleset t
        term LEVEL "Inspection level" at inspection.level
          prefer in ["II", "III"]
          reject not in ["I"] "special levels sample too few parts"
          accept approval "QA"
        term AQL "Major AQL" at quality.aql.major
          prefer between 0.25 and 0.65
          reject between 0.65 and 1.0 severity warning "costly to argue"
          reject
    """

    def found(extra: str, base: str = AGREEMENT) -> list[tuple[str, str, str | None]]:
        path = agreement(write, extra, base)
        result = check(load_ruleset(write("t.qr", rules)), path, today=TODAY)
        return [(f.rule, f.severity, f.tier) for f in result.findings]

    inspection = "inspection:\n  level: {}\n"
    assert found(inspection.format("II")) == [("AQL", "warning", "reject")]
    assert found(inspection.format("S-3")) == [
        ("AQL", "warning", "reject"),
        ("LEVEL", "error", "reject"),
    ]
    assert found(inspection.format("I")) == [
        ("AQL", "warning", "reject"),
        ("LEVEL", "note", "accept"),
    ]
    low = AGREEMENT.replace("major: 1.0", "major: 0.4")
    assert found(inspection.format("III"), low) == []
