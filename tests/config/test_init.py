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
from qrules.config.scaffold import HOOKS
from qrules.resources import schema_path
from tests.helpers import REPO, run_cli

WRITTEN = [  # in the order init writes them
    ".qrules.yaml",
    ".pre-commit-config.yaml",
    ".qrules/agreement.schema.json",
    ".qrules/organisation.schema.json",
    "agreements/example.yaml",
    ".qrules/.gitignore",
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


def test_the_pre_commit_configuration_runs_the_installed_qrules(folder: Path) -> None:
    run_cli("init")
    text = (folder / ".pre-commit-config.yaml").read_text()
    (local,) = yaml.safe_load(text)["repos"]
    assert local["repo"] == "local"
    assert [hook["id"] for hook in local["hooks"]] == [
        "qrules-check",
        "qrules-lint",
        "qrules-fmt",
        "qrules-test",
    ]
    assert {hook["language"] for hook in local["hooks"]} == {"system"}
    # The published form is there, commented, and valid once uncommented.
    remote = re.sub(r"^#(?=  )", "", text.split("# Or, once qrules is published")[1], flags=re.M)
    remote_repo = yaml.safe_load("repos:\n" + remote.split("\n", 2)[2])["repos"][0]
    assert remote_repo["repo"] == "https://github.com/qrules/qrules"
    assert remote_repo["rev"] == f"v{__version__}"
    assert [h["id"] for h in remote_repo["hooks"]] == [h["id"] for h in local["hooks"]]
    if shutil.which("pre-commit") is None:
        pytest.skip("pre-commit is not installed: cannot validate the configuration")
    subprocess.run(["pre-commit", "validate-config", ".pre-commit-config.yaml"], check=True)


def test_the_local_hooks_are_the_published_ones() -> None:
    """.pre-commit-hooks.yaml (language: python, for `repo: URL`) and the local hooks `qrules
    init` writes (language: system) run the same commands on the same files."""
    published = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    for hook_id, hook in HOOKS.items():
        assert {key: published[hook_id].get(key, True) for key in hook} == hook, hook_id
        assert published[hook_id]["language"] == "python"
    assert published["qrules"]["entry"] == published["qrules-check"]["entry"]  # the old name
    if shutil.which("pre-commit") is None:
        pytest.skip("pre-commit is not installed: cannot validate the hooks")
    subprocess.run(
        ["pre-commit", "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")], check=True
    )


def test_init_with_a_ruleset_scaffolds_it_with_passing_tests(folder: Path) -> None:
    result = run_cli("init", "--ruleset", "brennwald")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "next: edit rulesets/brennwald/brennwald.qr, then qrules test"
    )
    assert load_config(folder / ".qrules.yaml").rulesets == ("iso9001", "rulesets/brennwald")
    tested = run_cli("test", "--require-coverage")
    assert tested.exit_code == 0, tested.output
    assert "rulesets/brennwald ..." in tested.output.splitlines()
    assert run_cli("lint").output.endswith("1 ruleset files linted: 0 findings\n")
    assert run_cli("fmt", "--check").exit_code == 0
    assert run_cli("check").exit_code == 0  # the example passes, the failing test is not checked
    fail = (folder / "rulesets/brennwald/tests/fail.yaml").read_text().splitlines()
    assert fail[0] == (
        '# expect: BRENNWALD-AUDIT@72[error], BRENNWALD-AQL@40[reject] ~ "too many lots"'
    )
    assert fail[71] == "  right_to_audit: false" and fail[39] == "    major: 2.5"


def test_a_ruleset_is_added_to_an_existing_configuration(folder: Path) -> None:
    (folder / ".qrules.yaml").write_text(
        "# ours\nrulesets:   # which\n  - iso9001\n\nfail-on: note\n"
    )
    result = run_cli("init", "--ruleset", "ours")
    assert result.exit_code == 0, result.output
    assert (folder / ".qrules.yaml").read_text() == (
        "# ours\nrulesets:   # which\n  - iso9001\n  - rulesets/ours\n\nfail-on: note\n"
    )
    assert not (folder / ".pre-commit-config.yaml").exists()
    (folder / ".qrules.yaml").write_text("rulesets: [iso9001]\n")
    (folder / "rulesets/ours").rename(folder / "old")
    assert run_cli("init", "--ruleset", "ours").exit_code == 0
    assert (folder / ".qrules.yaml").read_text() == "rulesets: [iso9001, rulesets/ours]\n"
    again = run_cli("init", "--ruleset", "ours")
    assert again.exit_code == 2
    assert "rulesets/ours/ours.qr: error: already exists" in again.output


def test_a_ruleset_name_must_be_a_ruleset_name(folder: Path) -> None:
    result = run_cli("init", "--ruleset", "Our Policy")
    assert result.exit_code == 2
    assert result.output == (
        "error: `Our Policy` cannot name a ruleset\n"
        "hint: use lower-case letters, digits and dashes, starting with a letter: our-policy\n"
    )
    assert files_in(folder) == []


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


def test_init_keeps_the_result_cache_out_of_git(folder: Path) -> None:
    import subprocess

    assert run_cli("init").exit_code == 0
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    assert run_cli("check", "--no-config", "agreements", "-r", "iso9001").exit_code in (0, 1)
    assert (folder / ".qrules" / "cache" / "results.sqlite").is_file()
    listed = subprocess.run(
        ["git", "-C", str(folder), "status", "--porcelain", "--untracked-files=all"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert ".qrules/cache" not in listed and ".qrules/agreement.schema.json" in listed
