"""Data-driven cases: ``tests/cases/NAME/`` holds ``rules.qr``, ``agreement.yaml`` and
``expected.json`` (the findings of ``qrules check`` as rule, severity, line, column, tier,
waived and message). One parametrised test runs each through the real CLI;
``QRULES_UPDATE_GOLDEN=1`` rewrites the expected files.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers import REPO, run_cli

CASES = sorted(p for p in (REPO / "tests" / "cases").iterdir() if p.is_dir())
FIELDS = ("rule", "severity", "line", "column", "tier", "waived", "message")


def findings_of(case: Path) -> list[dict[str, object]]:
    result = run_cli(
        "check",
        str(case / "agreement.yaml"),
        "-r",
        str(case / "rules.qr"),
        "--schema",
        "none",
        "--no-config",
        "--today",
        "2026-11-26",
        "-f",
        "json",
    )
    assert result.exit_code in (0, 1), result.output
    [document] = json.loads(result.stdout)["documents"]
    return [{key: finding[key] for key in FIELDS} for finding in document["findings"]]


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_case(case: Path) -> None:
    expected_file = case / "expected.json"
    found = findings_of(case)
    if os.environ.get("QRULES_UPDATE_GOLDEN") == "1":
        expected_file.write_text(json.dumps(found, indent=2) + "\n", encoding="utf-8")
    assert found == json.loads(expected_file.read_text(encoding="utf-8"))
