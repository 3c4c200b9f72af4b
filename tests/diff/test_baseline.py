"""qrules check --baseline FILE | --baseline-rev REV, and qrules baseline create: only new
findings fail the check; findings match by rule, agreement and field (list elements by
identity), never by line and never across files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.helpers import REPO, run_cli
from tests.report_helpers import reference_if_present

POLICY = REPO / "examples" / "quickstart" / "policy.qr"
CONFLICTING = (REPO / "examples" / "quickstart" / "conflicting.yaml").read_text(encoding="utf-8")
TEN_LINES = "".join(f"# note {n}: reviewed in meeting {n}\n" for n in range(10))


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "policy.qr").write_text(POLICY.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "a.yaml").write_text(CONFLICTING, encoding="utf-8")
    return tmp_path


def check(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = run_cli("check", *args, "-r", "policy.qr", "--today", "2026-11-26", "-f", "json")
    return result.exit_code, json.loads(result.output)


def states(report: dict) -> dict[tuple[str, str], str]:  # type: ignore[type-arg]
    return {
        (d["path"], f["rule"]): f["baseline"] for d in report["documents"] for f in d["findings"]
    }


def create(*paths: str) -> Path:
    result = run_cli("baseline", "create", *paths, "-r", "policy.qr", "--today", "2026-11-26")
    assert result.exit_code == 0, result.output
    assert "wrote .qrules-baseline.json: 6 findings in 1 agreement" in result.output
    return Path(".qrules-baseline.json")


def test_a_finding_moved_ten_lines_is_unchanged_and_does_not_fail(repo: Path) -> None:
    create("a.yaml")
    (repo / "a.yaml").write_text(TEN_LINES + CONFLICTING, encoding="utf-8")
    code, report = check("a.yaml", "--baseline", ".qrules-baseline.json")
    assert code == 0
    assert set(states(report).values()) == {"unchanged"}
    audit = next(f for f in report["documents"][0]["findings"] if f["rule"] == "QS-AUDIT")
    assert audit["line"] == 32 + 10
    assert {k: report["summary"][k] for k in ("new", "unchanged", "fixed")} == {
        "new": 0,
        "unchanged": 6,
        "fixed": 0,
    }


def test_the_identical_rule_failing_in_another_file_is_new(repo: Path) -> None:
    create("a.yaml")
    (repo / "b.yaml").write_text(CONFLICTING, encoding="utf-8")
    code, report = check("a.yaml", "b.yaml", "--baseline", ".qrules-baseline.json")
    assert code == 1
    found = states(report)
    assert found[("a.yaml", "QS-AUDIT")] == "unchanged"
    assert found[("b.yaml", "QS-AUDIT")] == "new"
    assert report["summary"]["new"] == 6 and report["summary"]["failed"] == 1


def test_a_product_moved_down_the_list_keeps_its_finding(repo: Path) -> None:
    """The finding on products[1] is on products[2] after a product is inserted above it:
    matched by the part number, not the index."""
    create("a.yaml")
    inserted = CONFLICTING.replace(
        "  products:\n",
        "  products:\n    - part_number: BR-1000\n      name: Gear blank\n      revision: A\n",
    )
    (repo / "a.yaml").write_text(inserted, encoding="utf-8")
    code, report = check("a.yaml", "--baseline", ".qrules-baseline.json")
    parts = next(f for f in report["documents"][0]["findings"] if f["rule"] == "QS-PARTS")
    assert parts["path"] == "scope.products[2].part_number"
    assert parts["identity"] == 'scope.products["rs-6631"].part_number'
    assert (code, parts["baseline"]) == (0, "unchanged")


def test_fixed_findings_are_listed_and_new_ones_fail(repo: Path) -> None:
    create("a.yaml")
    text = CONFLICTING.replace("right_to_audit: false", "right_to_audit: true")
    text = text.replace("      revision: A\n", "")  # RS-6630 loses its revision: a warning
    (repo / "a.yaml").write_text(text, encoding="utf-8")
    code, report = check("a.yaml", "--baseline", ".qrules-baseline.json", "--fail-on", "warning")
    assert code == 1
    assert [f["rule"] for f in report["baseline"]["fixed"]] == ["QS-AUDIT"]
    parts = [f for f in report["documents"][0]["findings"] if f["rule"] == "QS-PARTS"]
    assert [(f["identity"], f["baseline"]) for f in parts] == [
        ('scope.products["RS-6630"]', "new"),  # the element: its revision is missing
        ('scope.products["rs-6631"].part_number', "unchanged"),
    ]
    text_report = run_cli(
        "check", "a.yaml", "-r", "policy.qr", "--baseline", ".qrules-baseline.json"
    ).output
    assert "fixed since the baseline: a.yaml:32 QS-AUDIT " in text_report
    assert "[unchanged: in the baseline]" in text_report
    assert text_report.rstrip().endswith(
        "against .qrules-baseline.json: 1 new, 5 unchanged, 1 fixed"
    )


def test_sarif_marks_each_result_new_unchanged_or_absent(repo: Path) -> None:
    create("a.yaml")
    (repo / "a.yaml").write_text(
        CONFLICTING.replace("right_to_audit: false", "right_to_audit: true"), encoding="utf-8"
    )
    (repo / "b.yaml").write_text(CONFLICTING, encoding="utf-8")
    result = run_cli(
        "check", "a.yaml", "b.yaml", "-r", "policy.qr", "--baseline", ".qrules-baseline.json",
        "--today", "2026-11-26", "-f", "sarif",
    )  # fmt: skip
    data = json.loads(result.output)
    marks = {
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"]): r[
            "baselineState"
        ]
        for r in data["runs"][0]["results"]
    }
    assert marks[("a.yaml", "QS-AUDIT")] == "absent"
    assert marks[("a.yaml", "QS-RETENTION")] == "unchanged"
    assert marks[("b.yaml", "QS-AUDIT")] == "new"
    schema_file = reference_if_present("sarif/sarif-schema-2.1.0.json")
    if schema_file is not None:
        import jsonschema

        schema = json.loads(schema_file.read_text(encoding="utf-8"))
        assert list(jsonschema.Draft4Validator(schema).iter_errors(data)) == []


def git(*args: str, cwd: Path) -> None:
    identity = ["-c", "user.name=qrules tests", "-c", "user.email=tests@qrules.invalid"]
    subprocess.run(
        ["git", *identity, "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_baseline_rev_compares_with_the_agreements_at_a_git_revision(repo: Path) -> None:
    git("init", "-q", cwd=repo)
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "draft", cwd=repo)
    (repo / "a.yaml").write_text(
        TEN_LINES + CONFLICTING.replace("retention: 2 years", "retention: 1 year"),
        encoding="utf-8",
    )
    (repo / "b.yaml").write_text(CONFLICTING, encoding="utf-8")  # not committed: all new
    code, report = check("a.yaml", "b.yaml", "--baseline-rev", "HEAD")
    found = states(report)
    assert found[("a.yaml", "QS-AUDIT")] == "unchanged"
    assert found[("a.yaml", "QS-RETENTION")] == "unchanged"  # same rule, same field
    assert found[("b.yaml", "QS-AUDIT")] == "new"
    assert code == 1
    assert report["baseline"]["source"] == "git revision HEAD"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "the baseline is not JSON"),
        ('{"documents": 3}', "not a qrules JSON report"),
        ('{"documents": [{"path": "a.yaml", "findings": [{}]}]}', "has no `rule`"),
    ],
)
def test_a_bad_baseline_is_exit_2_with_its_file(repo: Path, content: str, message: str) -> None:
    (repo / "old.json").write_text(content, encoding="utf-8")
    result = run_cli("check", "a.yaml", "-r", "policy.qr", "--baseline", "old.json")
    assert result.exit_code == 2
    assert result.output.startswith("old.json")
    assert message in result.output
    assert "Traceback" not in result.output


def test_an_unknown_revision_is_exit_2(repo: Path) -> None:
    git("init", "-q", cwd=repo)
    result = run_cli("check", "a.yaml", "-r", "policy.qr", "--baseline-rev", "no-such-branch")
    assert result.exit_code == 2
    assert "git knows no revision 'no-such-branch'" in result.output


@pytest.mark.parametrize("output_format", ["markdown", "html"])
def test_the_memo_marks_unchanged_findings_and_lists_the_fixed(
    repo: Path, output_format: str
) -> None:
    create("a.yaml")
    (repo / "a.yaml").write_text(
        CONFLICTING.replace("right_to_audit: false", "right_to_audit: true"), encoding="utf-8"
    )
    result = run_cli(
        "check", "a.yaml", "-r", "policy.qr", "--baseline", ".qrules-baseline.json",
        "--today", "2026-11-26", "-f", output_format,
    )  # fmt: skip
    memo = result.output
    assert "Against the baseline" in memo
    assert "0 new, 5 unchanged (marked so above), 1 fixed" in memo
    assert memo.count("unchanged: in the baseline") == 3  # the conflicts left; remarks unmarked
    assert "QS-AUDIT" in memo.split("Against the baseline")[1]  # listed as fixed
    counterparty = run_cli(
        "check", "a.yaml", "-r", "policy.qr", "--baseline", ".qrules-baseline.json",
        "-f", output_format, "--audience", "counterparty",
    ).output  # fmt: skip
    assert "baseline" not in counterparty


BAD_BASELINES = sorted((REPO / "tests" / "corpus" / "bad-baselines").iterdir())


@pytest.mark.parametrize("bad", BAD_BASELINES, ids=lambda p: p.name)
def test_hostile_baselines_are_refused_or_read_never_a_traceback(repo: Path, bad: Path) -> None:
    result = run_cli("check", "a.yaml", "-r", "policy.qr", "--baseline", str(bad))
    assert "Traceback" not in result.output  # run_cli lets any exception through, too
    if bad.name == "wrong-types.json":  # odd types read as absent: its one finding has no
        # field, so it matches nothing and is listed as fixed
        assert result.exit_code == 1 and ": 6 new, 0 unchanged, 1 fixed" in result.output
    else:
        assert result.exit_code == 2
        assert result.output.startswith(str(bad)), result.output


def test_baseline_rev_reads_every_file_in_one_batch_empty_and_missing_ones_too(
    repo: Path,
) -> None:
    (repo / "empty.yaml").write_text("", encoding="utf-8")
    git("init", "-q", cwd=repo)
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "draft", cwd=repo)
    (repo / "new.yaml").write_text(CONFLICTING, encoding="utf-8")
    code, report = check("a.yaml", "empty.yaml", "new.yaml", "--baseline-rev", "HEAD")
    assert code == 1  # new.yaml: new errors
    found = states(report)
    assert found[("empty.yaml", "yaml-syntax")] == "unchanged"  # empty, not missing, then
    assert found[("new.yaml", "QS-AUDIT")] == "new"
    assert found[("a.yaml", "QS-AUDIT")] == "unchanged"


def test_junit_skips_what_the_baseline_knows_and_fails_what_is_new(repo: Path) -> None:
    import xml.etree.ElementTree as ET

    create("a.yaml")
    (repo / "b.yaml").write_text(CONFLICTING, encoding="utf-8")
    result = run_cli(
        "check", "a.yaml", "b.yaml", "-r", "policy.qr", "--baseline", ".qrules-baseline.json",
        "--today", "2026-11-26", "-f", "junit",
    )  # fmt: skip
    suites = {s.get("name"): s for s in ET.fromstring(result.output).iter("testsuite")}

    def audit(suite: str) -> list[str]:
        case = next(c for c in suites[suite].iter("testcase") if c.get("name") == "QS-AUDIT")
        return [child.tag for child in case]

    assert audit("a.yaml")[0] == "skipped" and audit("b.yaml")[0] == "failure"
    properties = {p.get("name"): p.get("value") for p in suites["a.yaml"].iter("property")}
    assert properties["baseline"] == ".qrules-baseline.json"
    assert len(properties["sha256"]) == 64
