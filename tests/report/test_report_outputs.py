"""--output and --report FORMAT=FILE: several reports from one run, each written atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers import REPO
from tests.report_helpers import assert_golden, check_quickstart


@pytest.fixture(autouse=True)
def _at_the_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def test_several_reports_from_one_run(tmp_path: Path) -> None:
    sarif, junit, memo = tmp_path / "q.sarif", tmp_path / "q.xml", tmp_path / "memo.md"
    result = check_quickstart(
        "--report", f"sarif={sarif}", "--report", f"junit={junit}", "--report", f"markdown={memo}"
    )
    assert result.exit_code == 1
    assert result.output == check_quickstart().output  # the text report, as without --report
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert junit.read_text().startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')
    assert memo.read_text() == check_quickstart("--format", "markdown").output


def test_format_and_output_still_write_the_main_report(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    result = check_quickstart("--format", "json", "--output", str(target))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("3 agreements checked: 1 passed, 2 failed")  # the summary
    assert json.loads(target.read_text())["summary"]["documents"] == 3


@pytest.mark.parametrize("output_format", ["sarif", "junit", "markdown"])
def test_every_format_goes_to_stdout_or_to_a_file_alike(output_format: str, tmp_path: Path) -> None:
    target = tmp_path / f"report.{output_format}"
    check_quickstart("--format", output_format, "-o", str(target))
    assert target.read_text(encoding="utf-8") == check_quickstart("-f", output_format).output


def test_reports_are_replaced_atomically_keeping_permissions(tmp_path: Path) -> None:
    target = tmp_path / "q.sarif"
    target.write_text("old")
    os.chmod(target, 0o640)
    check_quickstart("--report", f"sarif={target}")
    assert target.stat().st_mode & 0o777 == 0o640
    assert json.loads(target.read_text())["version"] == "2.1.0"
    assert [p.name for p in tmp_path.iterdir()] == ["q.sarif"]  # no temporary file left


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("sarif", "'sarif' is not FORMAT=FILE, e.g. sarif=qrules.sarif"),
        ("sarif=", "'sarif=' is not FORMAT=FILE, e.g. sarif=qrules.sarif"),
        (
            "pdf=x.pdf",
            "unknown format 'pdf'; one of text, json, jsonl, sarif, junit, markdown, html",
        ),
    ],
)
def test_bad_report_values_exit_2(value: str, message: str) -> None:
    result = check_quickstart("--report", value)
    assert result.exit_code == 2
    assert message in result.output


def test_two_reports_cannot_share_a_file(tmp_path: Path) -> None:
    target = str(tmp_path / "same")
    result = check_quickstart("--report", f"sarif={target}", "-f", "junit", "-o", target)
    assert result.exit_code == 2
    assert f"two reports would be written to {target}" in result.output
    assert not Path(target).exists()


def test_the_quickstart_text_report_matches_the_golden_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The default output, as a terminal without colour shows it: every finding at its
    place, hints, the summary line."""
    monkeypatch.chdir(REPO)
    assert_golden("quickstart.txt", check_quickstart().output)
