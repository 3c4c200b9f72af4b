"""A repository that configures every command: nested .qrules.yaml files, per-path
overrides, --select/--ignore, --statistics, rulesets and rule tests found through the
configuration, and the hook's view of rulesets, configurations and rule-test fixtures."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import Result

from tests.helpers import REPO, run_cli
from tests.report_helpers import TODAY

QUICKSTART = REPO / "examples" / "quickstart"
CONFLICTING = (QUICKSTART / "conflicting.yaml").read_text(encoding="utf-8")
CLEAN = (QUICKSTART / "clean.yaml").read_text(encoding="utf-8")
POLICY = (QUICKSTART / "policy.qr").read_text(encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def put(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def check(*args: str) -> Result:
    return run_cli("check", *args, *TODAY)


def findings(result: Result) -> list[tuple[str, str, str]]:
    data = json.loads(result.stdout)
    return [(d["path"], f["rule"], f["severity"]) for d in data["documents"] for f in d["findings"]]


def test_each_folder_is_checked_with_its_own_configuration(repo: Path) -> None:
    put(
        repo,
        {
            ".qrules.yaml": "rulesets: [policy.qr]\n",
            "policy.qr": POLICY,
            "ours/a.yaml": CONFLICTING,
            "iso/.qrules.yaml": "rulesets: [iso9001]\n",
            "iso/b.yaml": CONFLICTING,
        },
    )
    result = check("ours/a.yaml", "iso/b.yaml", "-f", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert [r["name"] for r in data["rulesets"]] == ["quickstart", "iso9001"]
    rules = {
        path: {rule for p, rule, _ in findings(result) if p == path}
        for path in ("ours/a.yaml", "iso/b.yaml")
    }
    assert "QS-AUDIT" in rules["ours/a.yaml"] and not any(
        r.startswith("ISO") for r in rules["ours/a.yaml"]
    )
    assert "ISO9001-8.4.3-f" in rules["iso/b.yaml"] and not any(
        r.startswith("QS") for r in rules["iso/b.yaml"]
    )


def test_overrides_apply_to_the_files_they_match(repo: Path) -> None:
    put(
        repo,
        {
            ".qrules.yaml": """\
rulesets: [policy.qr]
overrides:
  - files: "suppliers/asia/**"
    rules:
      QS-AUDIT:
        severity: warning
        reason: Audited by our regional office under the frame contract
      QS-RETENTION:
        disabled: true
        reason: Records are kept by the regional office
""",
            "policy.qr": POLICY,
            "suppliers/asia/a.yaml": CONFLICTING,
            "suppliers/europe/b.yaml": CONFLICTING,
        },
    )
    result = check("suppliers", "-f", "json")
    got = findings(result)
    assert ("suppliers/asia/a.yaml", "QS-AUDIT", "warning") in got
    assert ("suppliers/europe/b.yaml", "QS-AUDIT", "error") in got
    assert ("suppliers/europe/b.yaml", "QS-RETENTION", "error") in got
    assert not any(p == "suppliers/asia/a.yaml" and r == "QS-RETENTION" for p, r, _ in got)


def test_an_override_for_an_unknown_rule_is_located(repo: Path) -> None:
    put(
        repo,
        {
            ".qrules.yaml": "rulesets: [policy.qr]\noverrides:\n  - files: a.yaml\n    rules:\n"
            "      QS-AUDITT: {disabled: true, reason: x}\n",
            "policy.qr": POLICY,
            "a.yaml": CLEAN,
        },
    )
    result = check("a.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith(".qrules.yaml:5:7: error: rules: no rule `QS-AUDITT`")
    assert "did you mean `QS-AUDIT`?" in result.stderr


def test_select_and_ignore(repo: Path) -> None:
    put(repo, {"a.yaml": CONFLICTING, "bad.yaml": "agreement: [\n"})
    policy = str(QUICKSTART / "policy.qr")
    only = check("a.yaml", "bad.yaml", "-r", policy, "--select", "QS-CHANGE-*", "-f", "json")
    assert {rule for _, rule, _ in findings(only)} == {
        "QS-CHANGE-NOTICE",
        "QS-CHANGE-APPROVAL",
        "yaml-syntax",  # an agreement qrules cannot read is never left out
    }
    rest = check(
        "a.yaml", "-r", policy, "--ignore", "QS-CHANGE-*", "--ignore", "QS-AUDIT", "-f", "json"
    )
    assert {rule for _, rule, _ in findings(rest)} == {"QS-PARTS", "QS-AQL", "QS-RETENTION"}


def test_statistics_count_findings_per_rule_most_frequent_first(repo: Path) -> None:
    put(
        repo,
        {
            "a.yaml": CONFLICTING,
            "b.yaml": CONFLICTING.replace("right_to_audit: false", "right_to_audit: true"),
        },
    )
    result = check(
        "a.yaml", "b.yaml", "-r", "iso9001", "-r", str(QUICKSTART / "policy.qr"), "--statistics"
    )
    lines = result.stdout.splitlines()
    counts = [int(line.split()[0]) for line in lines[:-1]]
    assert counts == sorted(counts, reverse=True)
    audit = next(line for line in lines if " QS-AUDIT " in line)
    assert audit.split()[0] == "1" and "ISO 9001:2015 8.4.3 f)" in audit
    assert lines[-1].startswith("2 agreements checked: 0 passed, 2 failed")


def test_without_paths_test_lint_fmt_and_explain_use_the_configuration(repo: Path) -> None:
    put(
        repo,
        {
            ".qrules.yaml": "rulesets: [policy/policy.qr, iso9001]\n",
            "policy/policy.qr": POLICY,
            "policy/tests/pass.yaml": "# expect: none\n" + CLEAN,
        },
    )
    tested = run_cli("test")
    assert tested.exit_code == 0, tested.output
    assert (
        tested.stdout.splitlines()[0] == "policy/policy.qr ."
    )  # the repository's own, not the built-ins
    linted = run_cli("lint")
    assert linted.stdout.splitlines()[-1] == "1 ruleset files linted: 1 findings"
    assert "policy/policy.qr:25:1: warning missing-ref QS-PARTS" in linted.stdout
    assert run_cli("fmt", "--check").exit_code == 0
    explained = run_cli("explain", "QS-AUDIT")
    assert explained.exit_code == 0, explained.output
    assert "(policy/policy.qr:" in explained.stdout
    assert "ISO9001-8.4.3-f" in run_cli("explain", "ISO9001-8.4.3-f").stdout


def test_the_hook_rechecks_every_agreement_when_a_ruleset_or_the_configuration_changes(
    repo: Path,
) -> None:
    put(
        repo,
        {
            ".qrules.yaml": "rulesets: [policy/policy.qr]\n",
            "policy/policy.qr": POLICY,
            "policy/tests/fail.yaml": "# expect: QS-AUDIT\n" + CONFLICTING,  # meant to fail
            "agreements/a.yaml": CLEAN,
            "agreements/b.yaml": CONFLICTING,
        },
    )
    for changed in ("policy/policy.qr", ".qrules.yaml"):
        result = check("--agreements-only", changed, "-f", "json")
        assert result.exit_code == 1
        paths = [d["path"] for d in json.loads(result.stdout)["documents"]]
        assert paths == ["agreements/a.yaml", "agreements/b.yaml"]  # never the rule test
    # A rule-test fixture named by the hook is skipped; named by a person, it is checked.
    assert check("--agreements-only", "policy/tests/fail.yaml").exit_code == 0
    assert check("policy/tests/fail.yaml").exit_code == 1
    # Without paths: the configuration's agreements, not the rule tests.
    whole = check("-f", "json")
    assert [d["path"] for d in json.loads(whole.stdout)["documents"]] == paths


def test_lint_and_fmt_without_paths_or_configuration_say_what_to_name(repo: Path) -> None:
    for command in ("lint", "fmt"):
        result = run_cli(command)
        assert result.exit_code == 2
        assert f"name the rulesets to {command} (.qr files or folders), or list them under " in (
            result.stderr
        )
