"""qrules init: a commented .qrules.yaml, a pre-commit configuration, an example agreement.

Running the generated pre-commit configuration for real is in test_precommit.py, which
shares the hook environment with the other pre-commit tests.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from qrules import __version__
from qrules.config import load_config
from qrules.resources import schema_path
from tests.helpers import run_cli

WRITTEN = [  # in the order init writes them
    ".qrules.yaml",
    ".pre-commit-config.yaml",
    ".qrules/agreement.schema.json",
    ".qrules/organisation.schema.json",
    "agreements/example.yaml",
]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def files_in(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_init_writes_its_files(folder: Path) -> None:
    result = run_cli("init")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        *(f"wrote {name}" for name in WRITTEN),
        "next: git init (if needed), pip install pre-commit, pre-commit install",
    ]
    assert files_in(folder) == sorted(WRITTEN)


def test_init_into_a_named_folder(folder: Path) -> None:
    assert run_cli("init", "repo").exit_code == 0
    assert files_in(folder / "repo") == sorted(WRITTEN)


def test_the_example_agreement_passes_with_the_generated_configuration(folder: Path) -> None:
    run_cli("init")
    result = run_cli("check")  # no paths: the configuration's folder
    assert result.exit_code == 0, result.output
    assert result.output == (
        "1 agreement checked: 1 passed, 0 failed (0 errors, 0 warnings, 0 notes, 0 waived)\n"
    )


def test_the_example_carries_the_schema_modeline(folder: Path) -> None:
    run_cli("init")
    first = (folder / "agreements" / "example.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../.qrules/agreement.schema.json"
    # The modeline resolves, relative to the agreement, to a copy of the real schema.
    copy = folder / "agreements" / "../.qrules/agreement.schema.json"
    assert copy.read_text() == schema_path().read_text()


def test_the_pre_commit_configuration_uses_the_hook(folder: Path) -> None:
    run_cli("init")
    config = yaml.safe_load((folder / ".pre-commit-config.yaml").read_text())
    assert config == {
        "repos": [
            {
                "repo": "https://github.com/qrules/qrules",
                "rev": f"v{__version__}",
                "hooks": [{"id": "qrules"}],
            }
        ]
    }
    if shutil.which("pre-commit") is None:
        pytest.skip("pre-commit is not installed: cannot validate the configuration")
    subprocess.run(["pre-commit", "validate-config", ".pre-commit-config.yaml"], check=True)


def test_the_generated_configuration_is_valid_with_and_without_its_examples(
    folder: Path,
) -> None:
    run_cli("init")
    path = folder / ".qrules.yaml"
    config = load_config(path)
    assert (config.rulesets, config.fail_on, config.schema) == (("iso9001",), "error", "auto")
    assert [glob.pattern for glob in config.exclude] == ["**/archive/**"]
    # Every commented-out example is valid as soon as it is uncommented.
    uncommented = re.sub(r"^# (?=(include|rules|  ))", "", path.read_text(), flags=re.M)
    path.write_text(uncommented)
    config = load_config(path)
    assert [glob.pattern for glob in config.include] == ["agreements/**"]
    assert [(o.rule, o.severity, o.disabled) for o in config.rules] == [
        ("ISO9001-8.2.4", "note", False),
        ("ISO9001-8.4.2-sampling", None, True),
    ]
    assert run_cli("check").exit_code == 0


def test_init_refuses_to_overwrite_and_writes_nothing(folder: Path) -> None:
    (folder / ".qrules.yaml").write_text("fail-on: note\n")
    result = run_cli("init")
    assert result.exit_code == 2
    assert result.output == (
        ".qrules.yaml: error: already exists; nothing was written\n"
        "hint: remove it, or run `qrules init --force` to overwrite\n"
    )
    assert files_in(folder) == [".qrules.yaml"]
    assert (folder / ".qrules.yaml").read_text() == "fail-on: note\n"


def test_init_force_overwrites(folder: Path) -> None:
    (folder / ".qrules.yaml").write_text("fail-on: note\n")
    assert run_cli("init", "--force").exit_code == 0
    assert files_in(folder) == sorted(WRITTEN)
    assert load_config(folder / ".qrules.yaml").fail_on == "error"
