"""A batch of real agreements to check: copies of the examples and the quickstart drafts
(clean, with conflicts, malformed), renamed so that they sort apart."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.helpers import REPO

QUICKSTART = REPO / "examples" / "quickstart"
POLICY = str(QUICKSTART / "policy.qr")
TODAY = ("--today", "2026-11-26")
SOURCES = sorted((REPO / "examples" / "agreements").glob("*.yaml")) + sorted(
    QUICKSTART.glob("*.yaml")
)


def make_batch(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        source = SOURCES[i % len(SOURCES)]
        shutil.copyfile(source, folder / f"a{i:04d}-{source.name}")
    return folder
