"""Fixtures shared by the tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import dedent


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """Write a (dedented) file under tmp_path and return its path."""

    def write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(dedent(text), encoding="utf-8")
        return path

    return write


def pytest_configure(config: pytest.Config) -> None:
    """One fresh qrules cache for the session (subprocesses inherit it): tests never
    depend on what an earlier run left in the user's cache."""
    import os
    import shutil
    import tempfile

    cache = tempfile.mkdtemp(prefix="qrules-cache-")
    config.add_cleanup(lambda: shutil.rmtree(cache, ignore_errors=True))
    os.environ["QRULES_CACHE_DIR"] = cache
    # Reports record when they were made; pinned, so that goldens are the same bytes every
    # run (tests/report/test_evidence.py checks the unpinned clock).
    os.environ["SOURCE_DATE_EPOCH"] = "1795651200"  # 2026-11-26T00:00:00Z
