"""--format markdown: the review memo for the signing meeting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qrules.report.markdown import code, escape
from tests.helpers import REPO, dedent, run_cli
from tests.report_helpers import (
    ALL_BUILTIN,
    POLICY,
    QUICKSTART,
    TODAY,
    assert_golden,
    check_quickstart,
    negotiating_room,
    write_approvals,
    write_waived,
)

CELL_BORDER = re.compile(r"(?<!\\)\|")


def section(memo: str, heading: str) -> str:
    """The text under a heading, up to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = memo.index(f"\n{heading}\n") + len(heading) + 2
    ends = [m.start() for m in re.finditer(rf"\n#{{1,{len(level)}}} ", memo[start:])]
    return memo[start : start + ends[0]] if ends else memo[start:]


def cells(row: str) -> list[str]:
    return [cell.strip() for cell in CELL_BORDER.split(row.strip())[1:-1]]


def rows(text: str) -> list[list[str]]:
    """The body rows of the first table in ``text``."""
    lines = [line for line in text.splitlines() if line.startswith("|")]
    return [cells(line) for line in lines[2:]]


@pytest.fixture
def memo(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(REPO)
    result = check_quickstart("--format", "markdown")
    assert result.exit_code == 1
    return result.output


@pytest.fixture
def waived_memo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    write_waived(tmp_path)
    return run_cli("check", "waived.yaml", "-r", "policy.qr", *TODAY, "-f", "markdown").output


@pytest.fixture
def approvals_memo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    write_approvals(tmp_path)
    result = run_cli("check", "approvals.yaml", "-r", "policy.qr", *TODAY, "-f", "markdown")
    assert result.exit_code == 0
    return result.output


def test_the_quickstart_memo_matches_the_golden_file(memo: str) -> None:
    assert_golden("quickstart.memo.md", memo)


def test_a_memo_ready_after_approvals_matches_the_golden_file(approvals_memo: str) -> None:
    assert_golden("approvals.memo.md", approvals_memo)


def test_the_header_names_date_rulesets_audience_and_the_verdicts(memo: str) -> None:
    assert memo.startswith("# Agreement review memo\n\n- **Date:** 2026-11-26\n")
    assert "- **Rulesets:** quickstart 1.0\n" in memo
    assert (
        "- **Agreements:** 3 checked: 1 ready to sign, 0 ready after approvals, 2 not ready\n"
    ) in memo
    assert "- **Internal:** shows our fallback positions, approvers and reasons" in memo


def test_the_batch_opens_with_the_rules_that_fail_most(memo: str) -> None:
    failing = rows(section(memo, "## Rules that fail most"))
    assert failing[0] == ["**duplicate-key** Every key appears once", "—", "1"]
    assert ["**QS-AUDIT** We may audit the supplier's site", "ISO 9001:2015 8.4.3 f)", "1"] in (
        failing
    )
    assert memo.index("## Rules that fail most") < memo.index("## `examples/quickstart/")


def test_the_rules_that_fail_most_count_agreements_not_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_waived(tmp_path)
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text((REPO / QUICKSTART / "conflicting.yaml").read_text())
    memo = run_cli("check", "a.yaml", "b.yaml", "-r", "policy.qr", *TODAY, "-f", "markdown")
    table = rows(section(memo.output, "## Rules that fail most"))
    assert [row[2] for row in table] == ["2", "2", "2", "2"]
    assert [row[0].split("**")[1] for row in table] == [
        "QS-AUDIT",
        "QS-CHANGE-APPROVAL",
        "QS-CHANGE-NOTICE",
        "QS-RETENTION",
    ]


def test_each_agreement_has_an_identity_block(memo: str) -> None:
    conflicting = section(memo, f"## `{QUICKSTART}/conflicting.yaml`")
    assert conflicting.strip().splitlines()[:8] == [
        "**Not ready: 4 conflicts**",
        "",
        "- **Agreement:** SQA-2027-031, revision 0.3, draft",
        "- **Title:** Supplier Quality Agreement — PA66 GF30 resin",
        "- **Type:** supplier-quality",
        "- **Parties:** Brennwald Antriebstechnik GmbH (customer), Tallgrass Polymers Ltd. "
        "(supplier)",
        "- **Effective:** 2027-04-01, term not stated",
        "- **Judged by:** quickstart 1.0",
    ]


def test_the_identity_shows_a_value_as_the_agreement_wrote_it(memo: str) -> None:
    # `revision: 1.10` is read as the number 1.1 (and reported); the memo names revision 1.10.
    malformed = section(memo, f"## `{QUICKSTART}/malformed.yaml`")
    assert "- **Agreement:** SQA-2027-044, revision 1.10, draft\n" in malformed


def test_conflicts_are_grouped_by_clause_with_title_line_value_needs_and_fix(memo: str) -> None:
    conflicts = section(section(memo, f"## `{QUICKSTART}/conflicting.yaml`"), "### Conflicts")
    clauses = re.findall(r"^#### (.+)$", conflicts, re.M)
    assert clauses == ["ISO 9001:2015 7.5.3", "ISO 9001:2015 8.4.3 f)", "ISO 9001:2015 8.5.6"]
    notice = section(conflicts, "#### ISO 9001:2015 8.5.6")
    assert notice.strip().splitlines()[:5] == [
        "- **QS-CHANGE-NOTICE** Changes are announced early "
        "(line 29, `change_control.notification`)",
        "  - Change notification is 30 days; our policy needs 90 days",
        "  - Current value: `30 days`",
        "  - Needs: `change_control.notification >= 90 days`",
        "  - Fix: Set change\\_control.notification to at least 90 days",
    ]


def test_a_terms_conflict_shows_our_positions_internally(memo: str) -> None:
    retention = section(memo, "#### ISO 9001:2015 7.5.3")
    assert "  - Current value: `2 years`\n" in retention
    assert (
        "  - Our positions: reject \\< 3 years — Shorter than the product's service life; "
        "prefer \\<= 10 years; accept any other value (approval: Finance)"
    ) in retention


def test_a_missing_field_has_no_current_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    agreement = (REPO / QUICKSTART / "conflicting.yaml").read_text().split("audits:")[0]
    (tmp_path / "a.yaml").write_text(agreement + "records: {retention: 5 years}\n")
    (tmp_path / "policy.qr").write_text((REPO / QUICKSTART / "policy.qr").read_text())
    memo = run_cli("check", "a.yaml", "-r", "policy.qr", *TODAY, "-f", "markdown").output
    audit = section(memo, "#### ISO 9001:2015 8.4.3 f)")
    assert "\\`audits\\` is missing" in audit
    assert "Current value" not in audit


def test_the_verdict_counts_the_approvals_still_open(approvals_memo: str) -> None:
    assert "**Ready to sign after 2 approvals (Finance, Quality Director)**" in approvals_memo
    assert (
        "- **Agreements:** 1 checked: 0 ready to sign, 1 ready after approvals, 0 not ready"
    ) in approvals_memo


def test_approvals_are_counted_per_approver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "positions.qr").write_text(
        dedent(
            """
            ruleset positions "Three fallbacks"
            term AQL-MAJOR "Major-defect AQL" at quality.aql.major
              prefer <= 0.65
              accept <= 1.0 approval "Quality Director"
            term AQL-MINOR "Minor-defect AQL" at quality.aql.minor
              prefer <= 1.5
              accept <= 4.0 approval "Quality Director"
            term NOTICE "Change notice" at change_control.notification
              prefer >= 180 days
              accept approval "Purchasing"
            """
        )
    )
    clean = (REPO / QUICKSTART / "clean.yaml").read_text().replace("major: 0.65", "major: 1.0")
    (tmp_path / "a.yaml").write_text(clean)
    result = run_cli("check", "a.yaml", "-r", "positions.qr", *TODAY, "-f", "markdown")
    assert "**Ready to sign after 3 approvals (Quality Director ×2, Purchasing)**" in result.output
    approvals = rows(section(result.output, "### Approvals required"))
    assert [(row[0], row[1], row[2]) for row in approvals] == [
        ("Quality Director", "**AQL-MAJOR** Major-defect AQL", "`1.0`"),
        ("Quality Director", "**AQL-MINOR** Minor-defect AQL", "`2.5`"),
        ("Purchasing", "**NOTICE** Change notice", "`120 days`"),
    ]


def test_the_approvals_table_names_approver_term_value_and_line(approvals_memo: str) -> None:
    approvals = section(approvals_memo, "### Approvals required").strip().splitlines()
    assert cells(approvals[0]) == ["Approver", "Term", "Value", "Line", "Position"]
    assert cells(approvals[3]) == [
        "Quality Director",
        "**QS-AQL** Major-defect AQL",
        "`1.0`",
        "28",
        "Major-defect AQL 1.0 is outside the preferred position (\\<= 0.65); acceptable with "
        "approval by Quality Director",
    ]


def test_the_sign_off_lists_each_approver_and_each_party(approvals_memo: str) -> None:
    signoff = section(approvals_memo, "### Sign-off").strip().splitlines()
    assert cells(signoff[0]) == ["Role", "For", "Name", "Date", "Signature"]
    assert [cells(row) for row in signoff[2:]] == [
        ["Finance", "approves Record retention 12 years", "", "", ""],
        ["Quality Director", "approves Major-defect AQL 1.0", "", "", ""],
        ["customer", "Brennwald Antriebstechnik GmbH", "", "", ""],
        ["supplier", "Nordvik Stål AS", "", "", ""],
    ]


def test_an_agreement_that_is_not_ready_has_no_sign_off(memo: str) -> None:
    assert "### Sign-off" not in section(memo, f"## `{QUICKSTART}/conflicting.yaml`")


def test_a_batch_folds_agreements_ready_to_sign_into_one_line_each(memo: str) -> None:
    assert f"## `{QUICKSTART}/clean.yaml`" not in memo
    folded = section(memo, "## Ready to sign (1)").strip().splitlines()
    assert folded[0] == (
        f"- `{QUICKSTART}/clean.yaml`: SQA-2027-014, revision 2.0: Supplier Quality Agreement "
        "— hot-rolled steel strip"
    )


def test_one_agreement_ready_to_sign_has_its_full_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = run_cli("check", f"{QUICKSTART}/clean.yaml", "-r", f"{QUICKSTART}/policy.qr", *TODAY)
    memo = run_cli(
        "check",
        f"{QUICKSTART}/clean.yaml",
        "-r",
        f"{QUICKSTART}/policy.qr",
        *TODAY,
        "-f",
        "markdown",
    ).output
    assert result.exit_code == 0
    assert "**Ready to sign**" in memo and "### Sign-off" in memo
    assert "## Ready to sign (" not in memo and "## Rules that fail most" not in memo


def test_agreements_come_in_natural_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_waived(tmp_path)
    text = (REPO / QUICKSTART / "conflicting.yaml").read_text()
    for number in (10, 2, 1):
        (tmp_path / f"agreement-{number}.yaml").write_text(text)
    memo = run_cli("check", ".", "-r", "policy.qr", *TODAY, "-f", "markdown").output
    headings = re.findall(r"^## `(agreement-\d+)\.yaml`", memo, re.M)
    assert headings == ["agreement-1", "agreement-2", "agreement-10"]


def test_waivers_list_rule_reason_approval_expiry_with_pipes_escaped(waived_memo: str) -> None:
    waivers = section(waived_memo, "### Waivers").strip().splitlines()
    assert cells(waivers[0]) == ["Rule", "Reason", "Approved by", "Expires", "Line"]
    assert cells(waivers[2]) == [
        "QS-AUDIT",
        "Audited yearly by our notified body \\| report shared",
        "Quality Director",
        "2027-06-30",
        "36",
    ]
    assert "Not ready: 4 conflicts" in waived_memo  # the waived QS-AUDIT is not one of them


def test_findings_without_refs_are_grouped_under_other(waived_memo: str) -> None:
    conflicts = section(waived_memo, "### Conflicts")
    assert re.findall(r"^#### (.+)$", conflicts, re.M)[-1] == "Other"
    assert "waiver for QS-CHANGE-NOTICE expired on 2026-01-31" in section(conflicts, "#### Other")


def test_loader_problems_have_their_own_section(memo: str) -> None:
    malformed = section(memo, f"## `{QUICKSTART}/malformed.yaml`")
    problems = section(malformed, "### Problems reading the agreement").strip().splitlines()
    assert problems == [
        "- line 6: error **schema** revision: \\`1.10\\` is read as the number 1.1, not a string "
        '— *Fix:* quote it: "1.10"',
        "- line 14: error **duplicate-key** duplicate key \\`notification\\` (first on line 12); "
        "a contract must mean one thing — *Fix:* remove one of the two, or merge them",
    ]
    assert "### Conflicts" not in malformed


def test_findings_below_fail_on_are_remarks(memo: str) -> None:
    remarks = section(memo, "### Remarks (not blocking)").strip().splitlines()
    assert remarks == [
        "- line 21: warning **QS-PARTS** Product rs-6631 needs a part number like BR-2041 and "
        "a revision"
    ]


def test_each_agreement_shows_its_clause_coverage(memo: str) -> None:
    conflicting = section(memo, f"## `{QUICKSTART}/conflicting.yaml`")
    assert section(conflicting, "### Clause coverage").strip().splitlines() == [
        "- **Addressed:** Brennwald QP-07",
        "- **Conflicts:** ISO 9001:2015 7.5.3; ISO 9001:2015 8.4.3 f); ISO 9001:2015 8.5.6",
    ]
    batch = rows(section(memo, "## Clause coverage"))
    assert batch[0] == ["Brennwald QP-07", "3", "0", "0", "0", "0"]


def test_rule_changes_by_the_configuration_are_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_waived(tmp_path)
    (tmp_path / ".qrules.yaml").write_text(
        "rulesets: [policy.qr]\nrules:\n"
        "  QS-PARTS: {disabled: true, reason: Numbers | later}\n"
        "  QS-RETENTION: {severity: warning, reason: Archive law applies}\n"
    )
    memo = run_cli("check", "waived.yaml", *TODAY, "-f", "markdown").output
    assert rows(section(memo, "## Rules changed by the configuration")) == [
        ["QS-PARTS", "disabled", "Numbers \\| later"],
        ["QS-RETENTION", "severity warning", "Archive law applies"],
    ]


def test_escape_neutralises_markdown_in_user_text() -> None:
    assert escape("a|b *c* _d_ [e](f) <g> `h` #i ~j~ &k") == (
        "a\\|b \\*c\\* \\_d\\_ \\[e\\](f) \\<g\\> \\`h\\` \\#i \\~j\\~ \\&k"
    )
    assert escape("two\nlines\t and  spaces") == "two lines and spaces"


def test_code_spans_hold_backticks_and_pipes() -> None:
    assert code("a.yaml:3") == "`a.yaml:3`"
    assert code("we`ird.yaml") == "``we`ird.yaml``"
    assert code("`start") == "`` `start ``"
    assert code("a|b.yaml", in_table=True) == "`a\\|b.yaml`"


# ---------------------------------------------------------------------------- counterparty


def counterparty_run(*args: str) -> tuple[str, str]:
    """The internal and the counterparty memo of one run over every example agreement."""
    rulesets = [arg for name in ALL_BUILTIN for arg in ("-r", name)]
    paths = ["examples/agreements", QUICKSTART, *args]
    internal = run_cli("check", *paths, *rulesets, "-r", POLICY, *TODAY, "-f", "markdown")
    counterparty = run_cli(
        "check", *paths, *rulesets, "-r", POLICY, *TODAY, "-f", "markdown",
        "--audience", "counterparty",
    )  # fmt: skip
    return internal.output, counterparty.output


def test_the_counterparty_memo_holds_no_tier_approver_or_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    internal, counterparty = counterparty_run(str(write_approvals(tmp_path)))
    secrets = negotiating_room(*ALL_BUILTIN, POLICY)
    # The check has teeth: the internal memo of the same run shows our room.
    assert "Quality Director" in internal and "Beyond 10 years adds storage cost" in internal
    leaked = [s for s in secrets if s in counterparty or escape(s) in counterparty]
    assert leaked == []


def test_the_counterparty_memo_matches_the_golden_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    memo = check_quickstart("--format", "markdown", "--audience", "counterparty").output
    assert_golden("quickstart.counterparty.md", memo)


def test_the_counterparty_memo_says_what_must_change_by_clause(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO)
    memo = check_quickstart("--format", "markdown", "--audience", "counterparty").output
    assert memo.startswith("# Agreement review\n")
    conflicting = section(memo, f"## `{QUICKSTART}/conflicting.yaml`")
    assert "**Changes requested: 4**" in conflicting
    assert section(conflicting, "#### ISO 9001:2015 7.5.3").strip().splitlines() == [
        "- **QS-RETENTION** Record retention (line 34, `records.retention`)",
        "  - Record retention: not acceptable to us as drafted",
        "  - Current value: `2 years`",
    ]
    assert "  - Fix: Set change\\_control.notification to at least 90 days" in conflicting
    for internal_only in ("### Approvals required", "### Clause coverage", "## Clause coverage"):
        assert internal_only not in memo


def test_the_counterparty_is_not_told_of_fallbacks_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_approvals(tmp_path).rename(tmp_path / "draft.yaml")
    memo = run_cli(
        "check", "draft.yaml", "-r", "policy.qr", *TODAY, "-f", "markdown",
        "--audience", "counterparty",
    ).output  # fmt: skip
    assert "**No changes requested**" in memo
    assert "approv" not in memo.lower()
    signoff = section(memo, "### Sign-off").strip().splitlines()
    assert [cells(row)[0] for row in signoff[2:]] == ["customer", "supplier"]
