"""The command line, as users and CI run it: exit codes, formats, order, files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import REPO, run_cli

Write = Callable[[str, str | bytes], Path]
QUICKSTART = REPO / "examples" / "quickstart"
POLICY = str(QUICKSTART / "policy.qr")
CLEAN, CONFLICTING, MALFORMED = (
    str(QUICKSTART / name) for name in ("clean.yaml", "conflicting.yaml", "malformed.yaml")
)
TODAY = ("--today", "2026-11-26")


def test_clean_agreement_exits_0() -> None:
    result = run_cli("check", CLEAN, "-r", POLICY, *TODAY)
    assert result.exit_code == 0
    assert (
        result.output == "1 agreement checked: 1 passed, 0 failed (0 errors, 0 warnings, "
        "0 notes, 0 waived)\n"
    )


def test_conflicts_exit_1_with_file_line_column() -> None:
    result = run_cli("check", CONFLICTING, "-r", POLICY, *TODAY)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (
        f"{CONFLICTING}:32:3: error QS-AUDIT The agreement does not let us audit the "
        "supplier's premises" in lines
    )
    assert "    hint: Add `audits: {right_to_audit: true, notice: 10 days}`" in lines
    assert (
        lines[-1] == "1 agreement checked: 0 passed, 1 failed (4 errors, 1 warning, "
        "1 note, 0 waived)"
    )


def test_quiet_drops_hints() -> None:
    result = run_cli("check", CONFLICTING, "-r", POLICY, "-q", *TODAY)
    assert "hint:" not in result.output


def test_fail_on_lowers_the_threshold(write: Write) -> None:
    rules = write("r.qr", 'ruleset t\nrule W "t"\n  severity warning\n  require false\n')
    assert run_cli("check", CLEAN, "-r", str(rules), *TODAY).exit_code == 0
    assert run_cli("check", CLEAN, "-r", str(rules), "--fail-on", "warning").exit_code == 1
    assert run_cli("check", CLEAN, "-r", str(rules), "--fail-on", "note").exit_code == 1


def test_an_unparsable_agreement_is_a_finding_and_the_batch_goes_on() -> None:
    result = run_cli("check", MALFORMED, CLEAN, "-r", POLICY, *TODAY)
    assert result.exit_code == 1
    assert f"{MALFORMED}:14:3: error duplicate-key" in result.output
    assert result.output.splitlines()[-1].startswith("2 agreements checked: 1 passed, 1 failed")


def test_a_bad_ruleset_exits_2_with_a_located_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    bad = "tests/corpus/bad-rulesets/misspelt-keyword.qr"  # shown relative to the working folder
    result = run_cli("check", CLEAN, "-r", str(REPO / bad))
    assert result.exit_code == 2
    assert result.output.splitlines()[0].startswith(f"{bad}:3:3: syntax error: unexpected `requre`")


def test_an_unknown_builtin_ruleset_exits_2() -> None:
    result = run_cli("check", CLEAN, "-r", "iso9000")
    assert result.exit_code == 2
    assert "error: no ruleset named 'iso9000' and no such file" in result.output
    assert "hint: did you mean `iso9001`?" in result.output


def test_bad_options_exit_2() -> None:
    assert run_cli("check", CLEAN, "--format", "xml").exit_code == 2
    assert run_cli("check", CLEAN, "--fail-on", "fatal").exit_code == 2
    assert run_cli("check").exit_code == 2


def test_a_folder_without_agreements_exits_2(tmp_path: Path) -> None:
    result = run_cli("check", str(tmp_path), "-r", POLICY)
    assert result.exit_code == 2
    assert "no agreement files found" in result.output


def json_report(*args: str) -> dict:  # type: ignore[type-arg]
    result = run_cli("check", *args, "--format", "json", *TODAY)
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_json_contract() -> None:
    report = json_report(str(QUICKSTART), "-r", POLICY)
    assert list(report) == ["qrules", "rulesets", "summary", "documents", "evidence", "rules"]
    assert report["rulesets"] == [{"name": "quickstart", "version": "1.0", "rules": 6}]
    assert report["summary"] == {
        "documents": 3,
        "passed": 1,
        "failed": 2,
        "errors": 6,
        "warnings": 1,
        "notes": 1,
        "waived": 0,
    }
    paths = [d["path"] for d in report["documents"]]
    assert paths == sorted(paths) == [CLEAN, CONFLICTING, MALFORMED]
    assert [d["status"] for d in report["documents"]] == ["pass", "fail", "fail"]
    finding = next(f for f in report["documents"][1]["findings"] if f["rule"] == "QS-AUDIT")
    assert finding == {
        "rule": "QS-AUDIT",
        "ruleset": "quickstart",
        "severity": "error",
        "title": "We may audit the supplier's site",
        "message": "The agreement does not let us audit the supplier's premises",
        "refs": ["ISO 9001:2015 8.4.3 f)"],
        "path": "audits.right_to_audit",
        "identity": "audits.right_to_audit",
        "line": 32,
        "column": 3,
        "tier": None,
        "approval": None,
        "hint": "Add `audits: {right_to_audit: true, notice: 10 days}`",
        "waived": False,
        "value": "false",  # the value the rule judged, as messages show it
    }
    # what the agreement says it is, for reports built from this one (`qrules merge`)
    assert report["documents"][1]["identity"] == {
        "id": "SQA-2027-031",
        "title": "Supplier Quality Agreement — PA66 GF30 resin",
        "revision": "0.3",
        "status": "draft",
        "type": "supplier-quality",
        "effective": "2027-04-01",
        "term": None,
        "parties": [
            {"name": "Brennwald Antriebstechnik GmbH", "role": "customer"},
            {"name": "Tallgrass Polymers Ltd.", "role": "supplier"},
        ],
    }
    assert [rule["id"] for rule in report["rules"]][:2] == ["QS-AUDIT", "QS-CHANGE-NOTICE"]
    aql = next(f for f in report["documents"][1]["findings"] if f["rule"] == "QS-AQL")
    assert (aql["severity"], aql["tier"], aql["approval"]) == ("note", "accept", "Quality Director")


def test_json_findings_are_ordered_by_line_then_rule() -> None:
    for document in json_report(str(QUICKSTART), "-r", POLICY)["documents"]:
        keys = [(f["line"], f["rule"]) for f in document["findings"]]
        assert keys == sorted(keys)


def test_output_file_is_written_atomically(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    result = run_cli("check", CONFLICTING, "-r", POLICY, "-f", "json", "-o", str(target))
    assert result.exit_code == 1 and result.stdout == ""
    # The one line a person at the terminal reads, on standard error.
    assert result.stderr == (
        "1 agreement checked: 0 passed, 1 failed (4 errors, 1 warning, 1 note, 0 waived)\n"
    )
    assert json.loads(target.read_text())["summary"]["failed"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary left


def test_agreements_are_never_modified() -> None:
    before = {p: p.read_bytes() for p in QUICKSTART.iterdir()}
    run_cli("check", str(QUICKSTART), "-r", POLICY, "-f", "json")
    assert {p: p.read_bytes() for p in QUICKSTART.iterdir()} == before


def test_parallel_jobs_give_the_same_report() -> None:
    args = (str(REPO / "examples"), "-r", POLICY)
    assert json_report(*args, "--jobs", "2") == json_report(*args)


def test_schema_command_prints_the_schema() -> None:
    result = run_cli("schema")
    schema = json.loads(result.output)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "change_control" in schema["properties"]


def test_schema_none_and_own_schema(write: Write) -> None:
    own = write("own.yaml", "supplier: X\n")
    schema = write("s.json", '{"type": "object", "required": ["buyer"]}')
    rules = write("r.qr", 'ruleset t schema none\nrule R "t" require supplier == "X"\n')
    assert run_cli("check", str(own), "-r", str(rules), "--schema", "none").exit_code == 0
    result = run_cli("check", str(own), "-r", str(rules), "--schema", str(schema))
    assert result.exit_code == 1
    assert "error schema the agreement: 'buyer' is a required property" in result.output


def test_python_dash_m_and_the_console_script_agree() -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    module = subprocess.run(
        [sys.executable, "-m", "qrules", "--version"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert module.stdout.startswith("qrules, version ")
    assert module.stderr == ""


def test_colour_only_on_a_terminal_and_not_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from qrules.cli import output as cli_module

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(cli_module.sys, "stdout", Terminal())
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert cli_module.is_tty()
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli_module.is_tty()
    plain = run_cli("check", CONFLICTING, "-r", POLICY, *TODAY).output  # not a terminal
    assert "\033[" not in plain


def test_colour_marks_severities() -> None:
    from qrules.engine.batch import check_files
    from qrules.report import text

    report = check_files([POLICY], [CONFLICTING])
    coloured = text.render(report, colour=True)
    assert "\033[31merror\033[0m QS-AUDIT" in coloured
    assert "\033[33mwarning\033[0m QS-PARTS" in coloured
    assert "\033[" not in text.render(report, colour=False)
