"""A corpus of bad rulesets and bad agreements through the real CLI: never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO

BAD_RULESETS = sorted((REPO / "tests" / "corpus" / "bad-rulesets").glob("*.qr"))
BAD_AGREEMENTS = sorted((REPO / "examples" / "malformed").iterdir())
CLEAN = str(REPO / "examples" / "quickstart" / "clean.yaml")
POLICY = str(REPO / "examples" / "quickstart" / "policy.qr")


def qrules(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qrules", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )


@pytest.mark.parametrize("ruleset", BAD_RULESETS, ids=lambda p: p.name)
def test_bad_rulesets_give_a_located_error(ruleset: Path) -> None:
    result = qrules("check", CLEAN, "-r", str(ruleset))
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{ruleset.relative_to(REPO).as_posix()}:"), first
    assert ": error: " in first or ": syntax error: " in first


@pytest.mark.parametrize("agreement", BAD_AGREEMENTS, ids=lambda p: p.name)
@pytest.mark.parametrize("output_format", ["text", "json"])
def test_bad_agreements_are_findings(agreement: Path, output_format: str) -> None:
    result = qrules("check", str(agreement), CLEAN, "-r", POLICY, "-f", output_format)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode in (0, 1)
    assert result.stderr == ""
