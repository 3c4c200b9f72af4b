"""What a report records so an auditor can show which rules judged which bytes: the qrules
version, each ruleset's name, version and sha256, the schema's sha256, the date checked as
of (``--today``) and when the report was made.

The timestamp honours ``SOURCE_DATE_EPOCH`` (reproducible-builds.org), so a pinned run
writes the same bytes every time; without it, the current time in UTC.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Evidence:
    qrules: str
    today: dt.date | None  # None where nothing was judged as of a date (negotiate)
    timestamp: str  # ISO 8601, UTC, to the second
    schema: str  # auto | none | the schema file named
    schema_sha256: str | None
    rulesets: tuple[dict[str, Any], ...]  # name, version, path, sha256

    def to_json(self) -> dict[str, Any]:
        return {
            "qrules": self.qrules,
            "today": self.today.isoformat() if self.today else None,
            "timestamp": self.timestamp,
            "schema": {"source": self.schema, "sha256": self.schema_sha256},
            "rulesets": [dict(r) for r in self.rulesets],
        }


def gather(
    version: str,
    today: dt.date | None,
    rulesets: Iterable[dict[str, Any]],
    schema: str | Path | None,
    builtin_schema: Path,
) -> Evidence:
    """The evidence of a run; ``schema`` as the run was given it (auto, none or a file)."""
    named = "none" if schema in (None, "none") else str(schema)
    file = builtin_schema if named == "auto" else None if named == "none" else Path(named)
    return Evidence(version, today, timestamp(), named, file_sha256(file), tuple(rulesets))


def timestamp() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = (
        dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        if epoch.isdigit()
        else dt.datetime.now(dt.timezone.utc)
    )
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def file_sha256(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None  # the schema's own problem is reported where it is read
