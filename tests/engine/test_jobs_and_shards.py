"""Many agreements through the real CLI: `--jobs auto`, the progress bar, `--shard I/N`
and `qrules merge` give the report of one plain run."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from qrules.cli import progress as progress_module
from qrules.engine import batch, workers
from tests.engine.batch_helpers import POLICY, SOURCES, TODAY, make_batch
from tests.helpers import REPO, run_cli


def report(*args: str) -> dict:  # type: ignore[type-arg]
    result = run_cli("check", *args, "-r", POLICY, *TODAY, "-f", "json", "--no-cache")
    assert result.exit_code == 1, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_jobs_auto_is_one_process_for_small_batches_and_one_per_core_for_large() -> None:
    assert batch.resolve_jobs("auto", batch.AUTO_MIN_FILES - 1) == 1
    assert batch.resolve_jobs("auto", 10_000) == workers.cores()
    assert batch.resolve_jobs(4, 2) == 2
    assert batch.resolve_jobs(3, 0) == 1


def test_workers_give_the_report_of_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = str(make_batch(tmp_path / "b", 2 * len(SOURCES)))
    alone = report(folder, "--jobs", "1")
    monkeypatch.setattr(batch, "AUTO_MIN_FILES", 4)  # so that auto starts workers here
    monkeypatch.setattr(workers, "cores", lambda: 2)
    assert report(folder) == alone  # the default: --jobs auto
    assert report(folder, "--jobs", "3") == alone


def test_bad_jobs_and_shard_values_exit_2(tmp_path: Path) -> None:
    folder = str(make_batch(tmp_path / "b", 1))
    for option, value in (
        ("--jobs", "0"),
        ("--jobs", "many"),
        ("--shard", "3/2"),
        ("--shard", "x"),
    ):
        result = run_cli("check", folder, "-r", POLICY, option, value)
        assert result.exit_code == 2
        assert f"Invalid value for '{option}'" in result.output


def test_shards_split_the_files_and_merge_into_the_whole_report(tmp_path: Path) -> None:
    folder = str(make_batch(tmp_path / "b", 3 * len(SOURCES)))
    whole = report(folder)
    parts = []
    for index in (1, 2, 3):
        target = tmp_path / f"shard{index}.json"
        run_cli("check", folder, "-r", POLICY, *TODAY, "-f", "json", "--shard", f"{index}/3",
                "-o", str(target))  # fmt: skip
        parts.append(str(target))
    paths = [[d["path"] for d in json.loads(Path(p).read_text())["documents"]] for p in parts]
    assert sorted(p for shard in paths for p in shard) == [d["path"] for d in whole["documents"]]
    assert all(paths)  # every shard has some
    merged = run_cli("merge", *parts, "-f", "json")
    assert merged.exit_code == 1
    assert json.loads(merged.output) == whole
    sarif = run_cli("merge", *parts, "-f", "sarif")  # the reports describe their rules
    rules = json.loads(sarif.output)["runs"][0]["tool"]["driver"]["rules"]
    assert "QS-CHANGE-NOTICE" in {rule["id"] for rule in rules}
    coverage = run_cli("merge", *parts, "-f", "coverage")
    assert coverage.exit_code == 2 and "--show-passes" in coverage.output


@pytest.mark.parametrize(
    "form",
    ["text", "json", "jsonl", "sarif", "junit", "markdown", "html", "coverage", "coverage-json"],
)
def test_merged_shards_are_the_report_of_the_whole_batch(tmp_path: Path, form: str) -> None:
    """Shards written with --show-passes hold every result whole: their merge, in any
    format, is byte for byte the report one `check` of the batch writes (the batch has
    clean, failing, waived and unreadable agreements)."""
    folder = str(make_batch(tmp_path / "b", 2 * len(SOURCES)))
    common = (folder, "-r", POLICY, *TODAY, "--no-cache")
    parts = []
    for index in (1, 2):
        target = str(tmp_path / f"shard{index}.json")
        run_cli("check", *common, "-f", "json", "--show-passes", "--shard", f"{index}/2",
                "-o", target)  # fmt: skip
        parts.append(target)
    whole = run_cli("check", *common, "-f", form)
    merged = run_cli("merge", *parts, "-f", form)
    assert whole.exit_code == merged.exit_code == 1
    assert merged.stdout == whole.stdout


def test_a_file_stays_in_its_shard_when_others_come(tmp_path: Path) -> None:
    files = [f"agreements/a{i}.yaml" for i in range(50)]
    before = {f: index for index in (1, 2, 3, 4) for f in batch.shard(files, index, 4)}
    more = files + [f"agreements/b{i}.yaml" for i in range(50)]
    after = {f: index for index in (1, 2, 3, 4) for f in batch.shard(more, index, 4)}
    assert all(after[f] == before[f] for f in files)


def test_merge_refuses_overlapping_or_foreign_reports(tmp_path: Path) -> None:
    folder = str(make_batch(tmp_path / "b", 2))
    one = tmp_path / "one.json"
    run_cli("check", folder, "-r", POLICY, "-f", "json", "-o", str(one))
    result = run_cli("merge", str(one), str(one))
    assert result.exit_code == 2
    assert "is in two of the reports" in result.output
    other = tmp_path / "other.json"
    data = json.loads(one.read_text())
    data["rulesets"][0]["version"] = "9.9"
    data["documents"] = []
    other.write_text(json.dumps(data))
    result = run_cli("merge", str(one), str(other))
    assert result.exit_code == 2 and "checked with other rulesets" in result.output
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = run_cli("merge", str(bad))
    assert result.exit_code == 2 and f"{bad}:1:2: error: not JSON" in result.output


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_for_large_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = Terminal()
    monkeypatch.setattr(progress_module.sys, "stderr", terminal)
    monkeypatch.setattr(progress_module, "_EVERY", 0.0)
    assert list(progress_module.progress(range(150), 150)) == list(range(150))
    drawn = terminal.getvalue()
    assert "150/150 files" in drawn and drawn.endswith("\r\033[K")
    for items, enabled in ((range(150), False), (range(20), True)):
        terminal.seek(0)
        terminal.truncate()
        assert list(progress_module.progress(items, len(items), enabled)) == list(items)
        assert terminal.getvalue() == ""
    monkeypatch.setattr(progress_module.sys, "stderr", io.StringIO())  # a pipe, a CI log
    list(progress_module.progress(range(150), 150))


def test_the_bar_reads_done_total_rate_and_eta() -> None:
    assert progress_module.bar(250, 1000, 2.0, width=10) == (
        "[##--------] 250/1,000 files  125/s  ETA 0:06"
    )


def test_quiet_check_on_a_terminal_draws_no_bar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = str(make_batch(tmp_path / "b", progress_module.MIN_FILES))
    calls: list[bool] = []
    real = progress_module.progress

    def spy(items, total, enabled=True):  # type: ignore[no-untyped-def]
        calls.append(enabled)
        return real(items, total, enabled)

    monkeypatch.setattr("qrules.cli.check.progress", spy)
    run_cli("check", folder, "-r", POLICY, "--quiet", "-j", "1")
    run_cli("check", folder, "-r", POLICY, "-j", "1")
    assert calls == [False, True]


def test_the_help_names_the_auto_threshold() -> None:
    # the help text is written out (importing the engine for it would slow `qrules --help`)
    assert f"batches of {batch.AUTO_MIN_FILES} files" in run_cli("check", "--help").output


@pytest.mark.parametrize(
    "bad",
    sorted((REPO / "tests" / "corpus" / "bad-baselines").glob("*.json")),
    ids=lambda p: p.name,
)
def test_merge_refuses_every_hostile_report_with_a_message(bad: Path) -> None:
    """The hostile baselines are hostile reports too (nesting past Python's parser, UTF-16,
    not JSON, wrong shapes): each is exit 2 with a message naming the file."""
    result = run_cli("merge", str(bad))
    assert result.exit_code == 2, result.output
    assert f"{bad}" in result.output and "error:" in result.output
