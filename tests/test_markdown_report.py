"""--format markdown: the review memo for the signing meeting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qrules.report.markdown import code, escape
from tests.helpers import REPO, run_cli
from tests.report_helpers import QUICKSTART, TODAY, assert_golden, check_quickstart, write_waived

CELL_BORDER = re.compile(r"(?<!\\)\|")


def section(memo: str, heading: str) -> str:
    """The text under a heading, up to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = memo.index(f"\n{heading}\n") + len(heading) + 2
    ends = [m.start() for m in re.finditer(rf"\n#{{1,{len(level)}}} ", memo[start:])]
    return memo[start : start + ends[0]] if ends else memo[start:]


def cells(row: str) -> list[str]:
    return [cell.strip() for cell in CELL_BORDER.split(row.strip())[1:-1]]


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


def test_the_quickstart_memo_matches_the_golden_file(memo: str) -> None:
    assert_golden("quickstart.memo.md", memo)


def test_the_header_names_date_rulesets_and_the_verdicts(memo: str) -> None:
    assert memo.startswith("# Agreement review memo\n\n- **Date:** 2026-11-26\n")
    assert "- **Rulesets:** quickstart 1.0\n" in memo
    assert "- **Agreements:** 3 checked: 1 ready to sign, 2 not ready\n" in memo
    rows = [cells(line) for line in memo.splitlines() if line.startswith("| `")]
    assert rows == [
        [f"`{QUICKSTART}/clean.yaml`", "Ready to sign", "0"],
        [f"`{QUICKSTART}/conflicting.yaml`", "Not ready: 4 conflicts", "1"],
        [f"`{QUICKSTART}/malformed.yaml`", "Not ready: 2 conflicts", "0"],
    ]


def test_conflicts_are_grouped_by_their_first_clause_with_line_references(memo: str) -> None:
    conflicts = section(section(memo, f"## `{QUICKSTART}/conflicting.yaml`"), "### Conflicts")
    clauses = re.findall(r"^#### (.+)$", conflicts, re.M)
    assert clauses == ["ISO 9001:2015 7.5.3", "ISO 9001:2015 8.4.3 f)", "ISO 9001:2015 8.5.6"]
    notice = section(conflicts, "#### ISO 9001:2015 8.5.6")
    assert notice.strip().splitlines() == [
        f"- `{QUICKSTART}/conflicting.yaml:29` error **QS-CHANGE-NOTICE** Change notification is "
        "30 days; our policy needs 90 days — *Fix:* Set change\\_control.notification to at "
        "least 90 days",
        f"- `{QUICKSTART}/conflicting.yaml:30` error **QS-CHANGE-APPROVAL** The supplier may "
        "change the product without our prior approval — *Fix:* Set "
        "change\\_control.approval\\_required: true",
    ]


def test_findings_without_refs_are_grouped_under_other(waived_memo: str) -> None:
    conflicts = section(waived_memo, "### Conflicts")
    assert re.findall(r"^#### (.+)$", conflicts, re.M)[-1] == "Other"
    assert "**waiver** waiver for QS-CHANGE-NOTICE expired on 2026-01-31" in section(
        conflicts, "#### Other"
    )


def test_accepted_fallback_positions_need_approval(memo: str) -> None:
    approvals = section(memo, "### Approvals required").strip().splitlines()
    assert cells(approvals[0]) == ["Term", "Position", "Approval", "Line"]
    assert cells(approvals[2]) == [
        "QS-AQL Major-defect AQL",
        "Major-defect AQL 1.0 is outside the preferred position (\\<= 0.65); acceptable with "
        "approval by Quality Director",
        "Quality Director",
        f"`{QUICKSTART}/conflicting.yaml:26`",
    ]


def test_waivers_list_rule_reason_approval_expiry_with_pipes_escaped(waived_memo: str) -> None:
    rows = section(waived_memo, "### Waivers").strip().splitlines()
    assert cells(rows[0]) == ["Rule", "Reason", "Approved by", "Expires", "Waiver"]
    assert cells(rows[2]) == [
        "QS-AUDIT",
        "Audited yearly by our notified body \\| report shared",
        "Quality Director",
        "2027-06-30",
        "`waived.yaml:36`",
    ]
    assert "Not ready: 4 conflicts" in waived_memo  # the waived QS-AUDIT is not one of them


def test_loader_problems_have_their_own_section(memo: str) -> None:
    malformed = section(memo, f"## `{QUICKSTART}/malformed.yaml`")
    problems = section(malformed, "### Problems reading the agreement").strip().splitlines()
    assert problems == [
        f"- `{QUICKSTART}/malformed.yaml:6` error **schema** revision: \\`1.10\\` is read as the "
        'number 1.1, not a string — *Fix:* quote it: "1.10"',
        f"- `{QUICKSTART}/malformed.yaml:14` error **duplicate-key** duplicate key "
        "\\`notification\\` (first on line 12); a contract must mean one thing — *Fix:* remove "
        "one of the two, or merge them",
    ]
    assert "### Conflicts" not in malformed


def test_findings_below_fail_on_are_remarks(memo: str) -> None:
    remarks = section(memo, "### Remarks (not blocking)").strip().splitlines()
    assert remarks == [
        f"- `{QUICKSTART}/conflicting.yaml:21` warning **QS-PARTS** Product rs-6631 needs a part "
        "number like BR-2041 and a revision"
    ]


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
    rows = section(memo, "## Rules changed by the configuration").strip().splitlines()
    assert [cells(row) for row in rows[2:]] == [
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
