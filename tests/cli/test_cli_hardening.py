"""The CLI under hostile conditions (issue 9): outputs it cannot write, Ctrl-C in a batch,
a hook that selects nothing, control characters in agreements. Real files, the real CLI.

Running as root (as CI containers do), permission bits do not stop writes, so unwritable
targets are made with what stops root too: a path under /proc or /sys, a missing folder,
a directory where a file is expected. A read-only folder for `fmt --write` is tested with
chmod where the tests do not run as root, and with a simulated read-only file system
(os.replace raising EROFS) everywhere.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qrules.cli import cli
from tests.helpers import REPO

AGREEMENT = REPO / "examples" / "agreements" / "brennwald-nordvik-steel.yaml"  # passes iso9001
TODAY = ("--today", "2026-11-26")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
HAS_PROC = Path("/proc/self/stat").exists()


def qrules(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qrules", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with one passing agreement, as the current directory; no .qrules.yaml."""
    (tmp_path / "a.yaml").write_text(AGREEMENT.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def assert_cannot_write(result: Result | subprocess.CompletedProcess[str], target: str) -> None:
    exit_code = result.exit_code if isinstance(result, Result) else result.returncode
    assert exit_code == 2, result.stdout + result.stderr
    assert f"error: cannot write {target}: " in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# ---------------------------------------------------------------------------- case 12: writing


@pytest.mark.parametrize(
    "option",
    [
        ["-o", "missing/out.json"],
        ["--report", "sarif=missing/out.json"],
        ["--report", "junit=adir"],
        ["-o", "a.yaml/out.json"],  # a file where a folder is expected
    ],
    ids=["output-missing-folder", "report-missing-folder", "report-is-a-dir", "file-as-folder"],
)
def test_unwritable_report_is_exit_2_before_any_agreement_is_read(
    repo: Path, option: list[str]
) -> None:
    (repo / "adir").mkdir()
    # Reading a FIFO blocks until someone writes to it: if qrules read the agreements before
    # checking its outputs, this would hang until the timeout.
    os.mkfifo(repo / "blocks.yaml")
    result = qrules("check", "a.yaml", "blocks.yaml", *option, cwd=repo, timeout=30)
    assert_cannot_write(result, option[1].partition("=")[2] or option[1])
    assert result.stdout == ""


def test_reasons_name_the_cause(repo: Path) -> None:
    (repo / "adir").mkdir()
    missing = invoke("check", "a.yaml", "-o", "missing/out.json")
    assert "cannot write missing/out.json: folder missing does not exist" in missing.stderr
    assert "hint: create the folder first" in missing.stderr
    directory = invoke("check", "a.yaml", "--report", "json=adir")
    assert "cannot write adir: it is a directory" in directory.stderr


@pytest.mark.skipif(not HAS_PROC, reason="needs /proc (nobody, not even root, creates files there)")
@pytest.mark.parametrize(
    "args",
    [
        ["check", "a.yaml", "-o", "/proc/qrules-out.json"],
        ["check", "a.yaml", "--report", "html=/proc/qrules-out.html"],
        ["doc", "iso9001", "-o", "/proc/qrules-doc.md"],
        ["schema", "-o", "/proc/qrules-schema.json"],
        ["init", "/proc/qrules-init"],
    ],
    ids=["check-output", "check-report", "doc", "schema", "init"],
)
def test_writing_under_proc_is_exit_2(repo: Path, args: list[str]) -> None:
    target = args[-1].partition("=")[2] or args[-1]
    assert_cannot_write(qrules(*args, cwd=repo), target)


def test_sample_svg_that_cannot_be_written(repo: Path) -> None:
    result = qrules("sample", "--n", "80", "--ac", "2", "--svg", "missing/oc.svg", cwd=repo)
    assert_cannot_write(result, "missing/oc.svg")


def test_report_over_an_input_agreement_is_refused(repo: Path) -> None:
    original = (repo / "a.yaml").read_bytes()
    (repo / "link.json").symlink_to("a.yaml")
    os.link(repo / "a.yaml", repo / "hard.json")  # the same file under another name
    for target in ("a.yaml", "./a.yaml", str(repo / "a.yaml"), "link.json", "hard.json"):
        result = invoke("check", "a.yaml", "-f", "json", "-o", target)
        assert_cannot_write(result, target)
        assert "it is the agreement a.yaml" in result.stderr
        result = invoke("check", ".", "--report", f"json={target}")
        assert_cannot_write(result, target)
    assert (repo / "a.yaml").read_bytes() == original


def test_two_reports_into_one_file_are_refused(repo: Path) -> None:
    result = invoke("check", "a.yaml", "-o", "out.json", "--report", "json=./out.json")
    assert result.exit_code == 2
    assert "two reports would be written to ./out.json (named out.json too)" in result.stderr


def test_atomic_write_goes_through_a_symlink_and_keeps_the_mode(repo: Path) -> None:
    (repo / "real").mkdir()
    real = repo / "real" / "out.json"
    real.write_text("old\n")
    real.chmod(0o640)
    (repo / "out.json").symlink_to("real/out.json")
    result = invoke("check", "a.yaml", *TODAY, "-f", "json", "-o", "out.json")
    assert result.exit_code == 0, result.output
    assert (repo / "out.json").is_symlink()
    assert json.loads(real.read_text())["summary"]["documents"] == 1
    assert real.stat().st_mode & 0o777 == 0o640
    assert leftovers(repo) == [] and leftovers(repo / "real") == []


def test_output_to_a_pipe_is_written_into_it(repo: Path) -> None:
    """A device or FIFO (/dev/stdout, /dev/null) is written into, never replaced by a file."""
    fifo = repo / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    try:
        result = qrules("check", "a.yaml", *TODAY, "-f", "json", "-o", "pipe", cwd=repo)
        received, _ = reader.communicate(timeout=20)
    finally:
        reader.kill()
    assert result.returncode == 0, result.stderr
    assert json.loads(received)["summary"]["documents"] == 1
    assert fifo.is_fifo()


def formattable(repo: Path) -> Path:
    ruleset = repo / "rules" / "policy.qr"
    ruleset.parent.mkdir()
    text = (REPO / "examples" / "quickstart" / "policy.qr").read_text(encoding="utf-8")
    ruleset.write_text(text.replace("\n  severity", "\n      severity"), encoding="utf-8")
    return ruleset


def test_fmt_write_on_a_read_only_file_system(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulated: os.replace fails as on a read-only mount (root cannot chmod its way to it)."""
    ruleset = formattable(repo)
    before = ruleset.read_text(encoding="utf-8")

    def read_only(source: object, target: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(os, "replace", read_only)
    result = invoke("fmt", "--write", "rules/policy.qr")
    assert_cannot_write(result, "rules/policy.qr")
    assert "Read-only file system" in result.stderr
    assert "0 files reformatted" in result.stdout
    assert ruleset.read_text(encoding="utf-8") == before
    assert leftovers(ruleset.parent) == []


@pytest.mark.skipif(IS_ROOT, reason="root writes into read-only folders; see the simulated test")
def test_fmt_write_and_doc_in_a_read_only_folder(repo: Path) -> None:
    ruleset = formattable(repo)
    ruleset.parent.chmod(0o555)
    try:
        assert_cannot_write(
            qrules("fmt", "--write", "rules/policy.qr", cwd=repo), "rules/policy.qr"
        )
        assert_cannot_write(qrules("doc", "-o", "rules/doc.md", cwd=repo), "rules/doc.md")
    finally:
        ruleset.parent.chmod(0o755)


# ---------------------------------------------------------------------------- case 13: Ctrl-C


def process_group(pgid: int) -> list[tuple[int, str]]:
    """(pid, state) of the processes in a process group, read from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        fields = stat.rpartition(")")[2].split()  # after "pid (command)"
        if int(fields[2]) == pgid:
            members.append((int(entry.name), fields[0]))
    return members


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Thousands of agreements: a batch that runs for several seconds."""
    folder = tmp_path_factory.mktemp("batch")
    text = AGREEMENT.read_text(encoding="utf-8")
    for number in range(8000):  # long enough on a fast machine: the interrupt lands mid-batch
        (folder / f"agreement-{number:04}.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.skipif(not HAS_PROC or sys.platform != "linux", reason="reads processes from /proc")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_stops_the_batch_at_once(batch: Path, tmp_path: Path, jobs: str) -> None:
    command = [sys.executable, "-m", "qrules", "check", str(batch), "--jobs", jobs]
    process = subprocess.Popen(
        [*command, "-o", "out.json"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: its workers are found by it
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        started = _wait_for_workers(process, int(jobs))
        # A terminal's Ctrl-C goes to the whole foreground process group, workers included.
        os.killpg(process.pid, signal.SIGINT)
        interrupted = time.monotonic()
        _, stderr = process.communicate(timeout=20)
    finally:
        process.kill()
    assert time.monotonic() - interrupted < 5, "did not stop at once"
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr and "Aborted" not in stderr
    assert list(tmp_path.iterdir()) == []  # no out.json, no temporary file
    assert len(started) >= int(jobs)
    assert _group_empties(process.pid), process_group(process.pid)  # workers stopped


def _group_empties(pgid: int, within: float = 10.0) -> bool:
    """Whether the process group is gone within a few seconds: under load a terminated
    worker can take a moment to be reaped by init after its parent exited."""
    deadline = time.monotonic() + within
    while process_group(pgid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _wait_for_workers(process: subprocess.Popen[str], jobs: int) -> list[tuple[int, str]]:
    """Wait until the batch runs: the worker processes are up (with --jobs 1, the parent
    itself), then a little longer, so the interrupt lands in the middle of the work."""
    wanted = jobs + 1 if jobs > 1 else 1
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        members = process_group(process.pid)
        if len(members) >= wanted:
            time.sleep(0.3)
            assert process.poll() is None, "the batch ended before it could be interrupted"
            return members
        time.sleep(0.05)
    raise AssertionError("the batch did not start")


@pytest.mark.parametrize(
    ("args", "interrupted"),
    [
        (["sample", "--n", "80", "--ac", "2"], "qrules.cli.sample.analyse"),
        (["doc", "iso9001"], "qrules.cli.authoring._rulesets_for_docs"),
    ],
    ids=["sample", "doc"],
)
def test_ctrl_c_is_exit_130_in_every_command(
    monkeypatch: pytest.MonkeyPatch, args: list[str], interrupted: str
) -> None:
    """The command group handles it, so no command can forget to (a Ctrl-C in the middle
    of one of these is hard to time, so the interrupt is raised where the work happens)."""

    def ctrl_c(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(interrupted, ctrl_c)
    result = invoke(*args)
    assert (result.exit_code, result.stderr) == (130, "qrules: interrupted\n")


# ---------------------------------------------------------------------------- case 18: nothing


@pytest.mark.parametrize("paths", [["ci.yml", "notes.md"], ["docs"]], ids=["files", "folder"])
def test_agreements_only_selecting_nothing_says_so_and_writes_empty_reports(
    repo: Path, paths: list[str]
) -> None:
    (repo / "ci.yml").write_text("jobs:\n  build: {}\n")
    (repo / "notes.md").write_text("# Notes\n")
    (repo / "docs").mkdir()
    (repo / "docs" / "other.yaml").write_text("name: not an agreement\n")
    result = invoke(
        "check", *paths, "--agreements-only", "-o", "out.txt", "--report", "json=out.json"
    )
    assert result.exit_code == 0
    assert "no agreements selected" in result.stderr
    assert result.stdout == ""
    assert json.loads((repo / "out.json").read_text())["summary"]["documents"] == 0
    assert (repo / "out.txt").read_text().startswith("0 agreements checked")


def test_agreements_only_selecting_nothing_prints_an_empty_report(repo: Path) -> None:
    (repo / "ci.yml").write_text("jobs: {}\n")
    result = invoke("check", "ci.yml", "--agreements-only", "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["documents"] == []


def test_without_agreements_only_no_files_is_still_a_usage_error(repo: Path) -> None:
    (repo / "empty").mkdir()
    result = invoke("check", "empty")
    assert result.exit_code == 2
    assert "no agreement files found in empty" in result.stderr


# ---------------------------------------------------------------------------- case 19: controls

FORGED = "Bar\nforged.yaml:1:1: error FAKE-RULE all clear \x1b[2J\u202e"


def forged_agreement(folder: Path, name: str = "forge.yaml") -> Path:
    """An agreement whose product name, printed in ISO9001-8.2.2's message, carries a
    newline, an escape sequence and a bidi override; its waiver's approver a newline."""
    text = AGREEMENT.read_text(encoding="utf-8")
    product = "      name: Cold-drawn bar 42CrMo4+QT, Ø 38 h9, length 3000 mm\n"
    assert product in text
    forged = json.dumps(FORGED)  # a YAML double-quoted string with \n, \u001b, \u202e
    text = text.replace(product, f"      name: {forged}\n", 1)
    text = text.replace("      specification: EN 10083-3 / Brennwald drawing 7-4140-01\n", "", 1)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_control_characters_in_messages_are_escaped(repo: Path) -> None:
    forged_agreement(repo)
    result = qrules("check", "forge.yaml", *TODAY, cwd=repo)
    assert result.returncode == 1, result.stderr
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "forged.yaml" not in [line.partition(":")[0] for line in result.stdout.splitlines()]
    assert "Product Bar\\nforged.yaml:1:1: error FAKE-RULE all clear \\x1b[2J\\u202e does" in (
        result.stdout
    )


def test_control_characters_in_waivers_are_escaped(repo: Path) -> None:
    path = forged_agreement(repo)
    waiver = (
        "waivers:\n  - rule: ISO9001-8.2.2\n    reason: pending\n"
        '    approved_by: "Q\\nforged.yaml:2:2: error X"\n    expires: 2030-01-01\n'
    )
    path.write_text(path.read_text(encoding="utf-8") + waiver, encoding="utf-8")
    result = invoke("check", "forge.yaml", *TODAY)
    assert result.exit_code == 0, result.output
    assert "[waived by Q\\nforged.yaml:2:2: error X until 2030-01-01]" in result.stdout


def test_control_characters_in_file_names_are_escaped(repo: Path) -> None:
    name = "evil\nforged.yaml:1:1: error FAKE \x1b[31m.yaml"
    forged_agreement(repo, name)
    result = invoke("check", ".", *TODAY)
    assert result.exit_code == 1
    locations = [line.partition(":")[0] for line in result.stdout.splitlines()]
    assert "forged.yaml" not in locations and "\x1b" not in result.stdout
    assert "evil\\nforged.yaml:1:1: error FAKE \\x1b[31m.yaml:39:7: error ISO9001-8.2.2" in (
        result.stdout
    )


SURROGATE = REPO / "tests" / "corpus" / "bad-agreements" / "json-lone-surrogate.json"


@pytest.mark.parametrize(
    "form",
    ["text", "json", "jsonl", "sarif", "junit", "markdown", "html", "coverage", "coverage-json"],
)
def test_text_utf8_cannot_hold_is_written_escaped(tmp_path: Path, form: str) -> None:
    """A lone surrogate (a JSON `\\ud83d` escape with no pair) in an agreement's title and
    values reaches every report, on standard output and in files: written as its escape,
    never a traceback (JSON and JSON Lines read it back as the same text)."""
    target = tmp_path / f"report.{form}"
    for extra in ((), ("-o", str(target))):
        result = qrules("check", str(SURROGATE), "-f", form, "--no-cache", *extra, cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        text = target.read_text(encoding="utf-8") if extra else result.stdout
        if form in ("json", "jsonl", "markdown", "html"):  # those that show the title
            assert "\\ud83d" in text
        if form in ("json", "coverage-json"):
            json.loads(text)
        elif form == "jsonl":
            [json.loads(line) for line in text.splitlines()]
