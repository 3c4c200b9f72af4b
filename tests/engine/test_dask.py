"""The Dask executor on a real (in-process) Dask cluster: the same report as a local run,
through the real CLI; and the executor-agnostic `check_partition`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from qrules.engine.dask import check_partition, is_remote
from tests.engine.batch_helpers import POLICY, SOURCES, TODAY, make_batch
from tests.helpers import TODAY as TODAY_DATE
from tests.helpers import run_cli

distributed = pytest.importorskip(
    "distributed", reason="Dask is an optional extra: pip install '.[dask]' (CI installs it)"
)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    cluster = distributed.LocalCluster(
        processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def report(*args: str) -> dict:  # type: ignore[type-arg]
    result = run_cli("check", *args, "-r", POLICY, *TODAY, "-f", "json", "--no-cache")
    assert result.exit_code == 1, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_a_dask_run_gives_the_local_report(tmp_path: Path, scheduler: str) -> None:
    folder = make_batch(tmp_path / "b", 2 * len(SOURCES))
    (folder / "missing-link.yaml").symlink_to(tmp_path / "nowhere.yaml")  # unreadable
    local = report(str(folder), "-j", "1")
    assert report(str(folder), "--executor", "dask", "--scheduler", scheduler) == local


def test_check_partition_is_the_engines_check(tmp_path: Path) -> None:
    folder = make_batch(tmp_path / "b", len(SOURCES))
    paths = [str(p) for p in sorted(folder.iterdir())]
    results = check_partition([POLICY], paths, today=TODAY_DATE)
    assert [r.path for r in results] == paths
    assert check_partition([POLICY], paths, today=TODAY_DATE) == results  # rules loaded once


def test_remote_paths_are_read_through_fsspec(tmp_path: Path) -> None:
    pytest.importorskip("fsspec", reason="fsspec comes with the dask extra")
    agreement = Path(POLICY).parent / "conflicting.yaml"
    url = f"memory://agreements/{agreement.name}"
    import fsspec

    with fsspec.open(url, "wb") as stream:
        stream.write(agreement.read_bytes())
    remote, missing = check_partition(
        [POLICY], [url, "memory://nothing/here.yaml"], today=TODAY_DATE
    )
    local = check_partition([POLICY], [str(agreement)], today=TODAY_DATE)[0]
    assert remote.findings == local.findings and remote.path == url
    assert [f.rule for f in missing.findings] == ["document-unreadable"]
    assert is_remote("s3://bucket/a.yaml") and not is_remote("agreements/a.yaml")


def test_dask_options_are_checked(tmp_path: Path) -> None:
    folder = str(make_batch(tmp_path / "b", 1))
    result = run_cli("check", folder, "-r", POLICY, "--scheduler", "tcp://127.0.0.1:1")
    assert result.exit_code == 2 and "--scheduler needs --executor dask" in result.output
    for address in ("inproc://nothing", "tcp://"):  # none that waits for a timeout
        result = run_cli(
            "check", folder, "-r", POLICY, "--executor", "dask", "--scheduler", address
        )
        assert result.exit_code == 2 and "cannot reach the Dask scheduler" in result.output
