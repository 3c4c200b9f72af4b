"""The pre-commit hook, run by the real pre-commit framework.

pre-commit clones a hook repository at a commit and pip-installs it into a virtualenv of its
own, which needs the package index. The hook repository here is a temporary copy of this
working tree, committed once per module, so the tests check the code as it stands whether
or not it is committed. ``pre-commit try-repo`` builds that environment afresh on every call
(about 6 s here), so it is used for the two basic cases; the other tests run
``pre-commit run`` with a configuration naming the copy, and share one environment through a
module-wide ``PRE_COMMIT_HOME``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qrules.config.scaffold import EXAMPLE, init_files
from tests.helpers import REPO, run_cli

pytestmark = pytest.mark.skipif(
    shutil.which("pre-commit") is None or shutil.which("git") is None,
    reason="the pre-commit tests need the pre-commit and git commands",
)

TIMEOUT = 900  # building the hook's virtualenv downloads and installs packages
QUICKSTART = REPO / "examples" / "quickstart"
# Outside a git checkout: what .gitignore would leave out.
SKIPPED = {".git", ".venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", "build"}


def git(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    identity = {"GIT_AUTHOR_NAME": "qrules tests", "GIT_AUTHOR_EMAIL": "tests@qrules.invalid"}
    identity |= {
        "GIT_COMMITTER_NAME": "qrules tests",
        "GIT_COMMITTER_EMAIL": "tests@qrules.invalid",
    }
    home = tmp_path_factory.mktemp("pre-commit-home")
    # `language: system` hooks run the qrules of this environment, as for a user who
    # installed it where they commit.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return {
        **os.environ,
        **identity,
        "PATH": path,
        "PRE_COMMIT_HOME": str(home),
        "PRE_COMMIT_COLOR": "never",
    }


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> tuple[Path, str]:
    """This working tree as a committed repository: (its path, the commit to use)."""
    target = tmp_path_factory.mktemp("hook-repo")
    for relative in _project_files():
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / relative, destination)
    git("init", "-q", cwd=target)
    git("add", ".", cwd=target)
    git("-c", "commit.gpgsign=false", "commit", "-q", "-m", "as tested", cwd=target, env=env)
    return target, git("rev-parse", "HEAD", cwd=target).strip()


def _project_files() -> list[str]:
    """Tracked and untracked (not ignored) files, or every file outside a git checkout."""
    if (REPO / ".git").exists():
        listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO)
        return [name for name in listed.split("\0") if name and (REPO / name).is_file()]
    return [
        p.relative_to(REPO).as_posix()
        for p in REPO.rglob("*")
        if p.is_file() and not SKIPPED & set(p.relative_to(REPO).parts)
    ]


@pytest.fixture
def work(tmp_path: Path, env: dict[str, str]) -> Path:
    """A fresh git repository to commit agreements into."""
    git("init", "-q", cwd=tmp_path)
    return tmp_path


def add(work: Path, files: dict[str, str]) -> list[str]:
    for name, text in files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text, encoding="utf-8")
    git("add", *files, cwd=work)
    return list(files)


def try_repo(
    hook_repo: tuple[Path, str], work: Path, env: dict[str, str], files: list[str]
) -> subprocess.CompletedProcess[str]:
    path, commit = hook_repo
    command = ["pre-commit", "try-repo", str(path), "qrules", "--ref", commit, "--files", *files]
    return subprocess.run(
        command, cwd=work, env=env, capture_output=True, text=True, timeout=TIMEOUT
    )


def use_hook(work: Path, hook_repo: tuple[Path, str], *hook_ids: str) -> None:
    """A .pre-commit-config.yaml in ``work`` that runs hooks from the copy under test."""
    path, commit = hook_repo
    hooks = "".join(f"      - id: {hook_id}\n" for hook_id in hook_ids or ("qrules",))
    config = f"repos:\n  - repo: {path}\n    rev: {commit}\n    hooks:\n{hooks}"
    add(work, {".pre-commit-config.yaml": config})


def run(work: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # Unlike try-repo, which builds the environment in a store of its own every time,
    # `pre-commit run` keeps it in PRE_COMMIT_HOME, shared by this module's tests.
    return subprocess.run(
        ["pre-commit", "run", *args],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


EXAMPLE_TEXT = init_files()[EXAMPLE]
NO_AUDIT = EXAMPLE_TEXT.replace("right_to_audit: true", "right_to_audit: false")
NO_AUDIT_LINE = NO_AUDIT.splitlines().index("  right_to_audit: false") + 1


def test_a_non_compliant_agreement_fails_with_its_file_and_line(
    hook_repo: tuple[Path, str], work: Path, env: dict[str, str]
) -> None:
    files = add(work, {"agreements/supplier.yaml": NO_AUDIT})
    done = try_repo(hook_repo, work, env, files)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "qrules (quality agreements)" in done.stdout and "Failed" in done.stdout
    assert f"agreements/supplier.yaml:{NO_AUDIT_LINE}:3: error ISO9001-8.4.3-f " in done.stdout
    assert "hint:" not in done.stdout  # --quiet: short output


def test_a_compliant_agreement_and_other_yaml_files_pass(
    hook_repo: tuple[Path, str], work: Path, env: dict[str, str]
) -> None:
    files = add(
        work,
        {
            "agreements/supplier.yaml": EXAMPLE_TEXT,
            ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
            "docs/notes.md": "# Notes\n\nNo front matter here.\n",
            "data.json": '{"not": "an agreement"}\n',
        },
    )
    done = try_repo(hook_repo, work, env, files)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout


def test_with_a_configuration_the_hook_uses_its_rulesets_and_fail_on(
    hook_repo: tuple[Path, str], work: Path, env: dict[str, str]
) -> None:
    policy = (QUICKSTART / "policy.qr").read_text(encoding="utf-8")
    clean = (QUICKSTART / "clean.yaml").read_text(encoding="utf-8")
    only_warning = clean.replace("part_number: ST-4412", "part_number: st-4412")
    files = add(
        work,
        {
            ".qrules.yaml": "rulesets: [policy/policy.qr]\nfail-on: error\n",
            "policy/policy.qr": policy,
            "clean.yaml": clean,
            "warning.yaml": only_warning,
            "conflicting.yaml": (QUICKSTART / "conflicting.yaml").read_text(encoding="utf-8"),
        },
    )
    use_hook(work, hook_repo)
    passing = run(work, env, "--files", "clean.yaml", "warning.yaml")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    # A changed configuration re-checks every agreement it covers.
    rechecked = run(work, env, "--files", ".qrules.yaml")
    assert rechecked.returncode == 1, rechecked.stdout + rechecked.stderr
    assert "conflicting.yaml:32:3: error QS-AUDIT " in rechecked.stdout
    failing = run(work, env, "--files", *files)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "conflicting.yaml:32:3: error QS-AUDIT " in failing.stdout
    assert "warning.yaml:21:7: warning QS-PARTS " in failing.stdout
    assert "ISO9001" not in failing.stdout


def test_init_then_pre_commit_run_all_files_works_on_the_first_try(
    work: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The configuration `qrules init` writes runs as written: local hooks, the installed
    qrules, nothing fetched."""
    monkeypatch.chdir(work)
    assert run_cli("init").exit_code == 0
    git("add", ".", cwd=work)
    done = run(work, env, "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("qrules check", "qrules lint", "qrules fmt --check", "qrules test"):
        assert re.search(rf"^{re.escape(name)} .*(Passed|Skipped)$", done.stdout, re.M), done.stdout
    add(work, {"agreements/bad.yaml": NO_AUDIT})
    done = run(work, env, "--all-files")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"agreements/bad.yaml:{NO_AUDIT_LINE}:3: error ISO9001-8.4.3-f " in done.stdout


def test_a_changed_ruleset_rechecks_every_agreement_and_its_tests(
    work: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(work)
    assert run_cli("init", "--ruleset", "ours").exit_code == 0
    git("add", ".", cwd=work)
    assert run(work, env, "--all-files").returncode == 0
    policy = work / "rulesets/ours/ours.qr"
    # The policy now wants a shorter audit notice than the untouched example gives.
    stricter = "require audits.right_to_audit == true and audits.notice <= 5 days"
    policy.write_text(policy.read_text().replace("require audits.right_to_audit == true", stricter))
    git("add", ".", cwd=work)
    done = run(work, env, "--files", "rulesets/ours/ours.qr")
    assert done.returncode == 1, done.stdout + done.stderr
    notice = EXAMPLE_TEXT.splitlines().index("  notice: 10 days") + 1
    assert f"agreements/example.yaml:{notice}:3: error OURS-AUDIT " in done.stdout  # re-checked
    assert "rulesets/ours/tests/pass.yaml:" not in done.stdout  # a rule test is no agreement
    assert "FAILED rulesets/ours/tests/pass.yaml" in done.stdout  # but its tests ran
    assert "unexpected OURS-AUDIT" in done.stdout


def test_the_published_lint_fmt_and_test_hooks(
    hook_repo: tuple[Path, str], work: Path, env: dict[str, str]
) -> None:
    policy = (QUICKSTART / "policy.qr").read_text(encoding="utf-8")
    add(
        work,
        {
            ".qrules.yaml": "rulesets: [policy/policy.qr]\n",
            "policy/policy.qr": policy.replace("  require audits", "  require   audits"),
            "policy/tests/pass.yaml": "# expect: none\n"
            + (QUICKSTART / "clean.yaml").read_text(encoding="utf-8"),
        },
    )
    use_hook(work, hook_repo, "qrules-lint", "qrules-fmt", "qrules-test")
    done = run(work, env, "--all-files")
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"^qrules lint \(rulesets\)\.+Failed$", done.stdout, re.M), done.stdout
    assert "policy/policy.qr:25:1: warning missing-ref QS-PARTS cites no source" in done.stdout
    assert re.search(r"^qrules fmt --check \(rulesets\)\.+Failed$", done.stdout, re.M)
    assert "would reformat policy/policy.qr" in done.stdout
    assert re.search(r"^qrules test \(rule tests\)\.+Passed$", done.stdout, re.M)


REDLINE = REPO / "examples" / "redline"


def test_the_weaker_hook_fails_only_a_commit_that_weakens_a_term(
    hook_repo: tuple[Path, str], work: Path, env: dict[str, str]
) -> None:
    """qrules-weaker compares each staged agreement with HEAD: a commit that shortens the
    change notice from 90 to 60 days fails, one that only tightens containment passes."""
    path, commit = hook_repo
    draft3 = (REDLINE / "draft-3.yaml").read_text(encoding="utf-8")
    config = (
        f"repos:\n  - repo: {path}\n    rev: {commit}\n    hooks:\n"
        "      - id: qrules-weaker\n        args: [-r, policy.qr]\n"
    )
    files = {".pre-commit-config.yaml": config, "policy.qr": (REDLINE / "policy.qr").read_text()}
    add(work, {**files, "agreements/nordvik.yaml": draft3})
    first = run(work, env, "qrules-weaker", "--files", "agreements/nordvik.yaml")
    assert first.returncode == 0, first.stdout + first.stderr  # no commit yet: all new
    git("-c", "commit.gpgsign=false", "commit", "-q", "-m", "draft 3", cwd=work, env=env)

    add(work, {"agreements/nordvik.yaml": draft3.replace("48 hours", "24 hours")})
    stronger = run(work, env, "qrules-weaker")  # the staged files, as at commit time
    assert stronger.returncode == 0, stronger.stdout + stronger.stderr
    assert "Passed" in stronger.stdout

    # Staged: the notice cut to 60 days; in the working tree (stashed by pre-commit): not.
    add(work, {"agreements/nordvik.yaml": draft3.replace("90 days", "60 days")})
    (work / "agreements" / "nordvik.yaml").write_text(draft3, encoding="utf-8")
    weaker = run(work, env, "qrules-weaker")
    assert weaker.returncode == 1, weaker.stdout + weaker.stderr
    assert re.search(r"^qrules diff --fail-on weaker .*\.+Failed$", weaker.stdout, re.M)
    assert (
        "weaker   us: RL-CHANGE-NOTICE Change notification 90 days (line 37) → 60 days "
        "(line 37); prefer → accept: now needs the approval of Purchasing Director"
    ) in weaker.stdout
    subprocess.run(["pre-commit", "install"], cwd=work, env=env, check=True, capture_output=True)
    commit = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "notice 60 days"],
        cwd=work, env=env, capture_output=True, text=True, timeout=TIMEOUT,
    )  # fmt: skip
    assert commit.returncode != 0, commit.stdout + commit.stderr
    assert "RL-CHANGE-NOTICE" in commit.stdout + commit.stderr
    assert (work / "agreements" / "nordvik.yaml").read_text(encoding="utf-8") == draft3


def test_the_check_hook_with_a_baseline_fails_only_on_new_findings(
    hook_repo: tuple[Path, str], work: Path, env: dict[str, str]
) -> None:
    """`qrules baseline create`, then the qrules-check hook with `--baseline`: the known
    findings moved 10 lines pass; the same findings in another agreement are new and fail."""
    path, commit = hook_repo
    conflicting = (QUICKSTART / "conflicting.yaml").read_text(encoding="utf-8")
    config = (
        f"repos:\n  - repo: {path}\n    rev: {commit}\n    hooks:\n      - id: qrules-check\n"
        "        args: [--baseline, .qrules-baseline.json]\n"
    )
    add(
        work,
        {
            ".qrules.yaml": "rulesets: [policy.qr]\n",
            ".pre-commit-config.yaml": config,
            "policy.qr": (QUICKSTART / "policy.qr").read_text(encoding="utf-8"),
            "agreements/tallgrass.yaml": conflicting,
        },
    )
    subprocess.run(
        ["qrules", "baseline", "create", "agreements"], cwd=work, env=env, check=True,
        capture_output=True,
    )  # fmt: skip
    add(work, {"agreements/tallgrass.yaml": "# reviewed\n" * 10 + conflicting})
    moved = run(work, env, "qrules-check", "--files", "agreements/tallgrass.yaml")
    assert moved.returncode == 0, moved.stdout + moved.stderr
    files = add(work, {"agreements/tallgrass-2.yaml": conflicting})
    again = run(work, env, "qrules-check", "--files", "agreements/tallgrass.yaml", *files)
    assert again.returncode == 1, again.stdout + again.stderr
    assert "agreements/tallgrass-2.yaml:32:3: error QS-AUDIT " in again.stdout
    assert "agreements/tallgrass.yaml:42:3: error QS-AUDIT " in again.stdout  # reported...
    assert "[unchanged: in the baseline]" in again.stdout  # ...as known
