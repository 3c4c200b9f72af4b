"""The wheel carries the grammar, built-in rulesets and schema, and works outside the repo."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(REPO),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [built] = out.glob("qrules-*.whl")
    return built


def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "qrules/_data/grammar/qrules.lark" in names
    assert "qrules/schema/agreement.schema.json" in names
    assert any(n.startswith("qrules/_data/rulesets/iso9001/") and n.endswith(".qr") for n in names)


def test_installed_wheel_resolves_builtin_rulesets_outside_the_repo(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    agreement = tmp_path / "draft.yaml"
    agreement.write_bytes((REPO / "examples" / "quickstart" / "conflicting.yaml").read_bytes())
    result = subprocess.run(
        [sys.executable, "-m", "qrules", "check", "--ruleset", "iso9001", str(agreement)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(site)},
        timeout=120,
    )
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1), result.stderr
    assert "agreement checked" in result.stdout


def test_installed_wheel_shows_ruleset_paths_as_people_know_them(
    wheel: Path, tmp_path: Path
) -> None:
    """explain and doc name a built-in ruleset by its place among the built-in rulesets,
    never by the installed package's path."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    for command in (["explain", "ISO9001-8.4.3-f"], ["doc", "iso9001"]):
        result = subprocess.run(
            [sys.executable, "-m", "qrules", *command],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={"PYTHONPATH": str(site)},
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert "rulesets/iso9001/iso9001.qr" in result.stdout
        assert str(site) not in result.stdout and "_data" not in result.stdout
