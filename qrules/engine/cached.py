"""Results of earlier checks, as ruff and mypy keep theirs: re-checking 10,000 agreements of
which 20 changed checks 20.

A result depends on the agreement's bytes and path, the rules that ran (their parsed
syntax), the schema's bytes, qrules' version and, where rules read ``today()`` or the
agreement has waivers (which expire), the check date. The key holds all of them but the
date; an entry that depends on the date records it, and a run on another date misses it.
Only results of files read whole are kept: a file that cannot be read says so afresh.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qrules import __version__
from qrules.cache import ResultStore
from qrules.model.findings import DocumentResult, Finding
from qrules.model.serial import MalformedRecord, result_from_data, result_to_data
from qrules.resources import schema_path
from qrules.ruleset import Rulebook
from qrules.syntax import ast

CACHE_FOLDER = ".qrules/cache"
# An entry's layout: the fields of a result, so that a result gaining a field misses every
# entry written without it (between releases too, as in development).
LAYOUT = repr([[f.name for f in dataclasses.fields(kind)] for kind in (DocumentResult, Finding)])


@dataclass(frozen=True)
class CacheSpec:
    """Where a run's results are kept and what they depend on (``run``); it pickles, so
    each worker opens the store for itself."""

    folder: Path
    run: str
    today: str
    checks: tuple[str, ...] = ()  # the ids of the run's rules, in order (part of ``run``)


def cache_spec(folder: Path, rules: Rulebook, loading: Any, today: dt.date) -> CacheSpec | None:
    """The spec of a run whose rules were loaded as ``loading`` says (``workers.Loading``);
    None where a ruleset was not read from a file (nothing to key its results on)."""
    if any(ruleset.sha256 is None for ruleset in rules.rulesets):
        return None
    # the schema documents are read with, and the params' values, shape every result
    schema = rules.schema if loading.schema == "auto" else loading.schema
    params = repr(sorted((name, repr(value)) for name, value in loading.params.items()))
    reads_today = any(_calls_today(r.syntax) for r in rules.rulesets)
    day = today.isoformat()
    run = _run_digest(rules, schema, params, day if reads_today else "")
    return CacheSpec(folder, run, day, tuple(check.info.id for check in rules.checks))


class ResultCache:
    """One process's view of the stored results of a run."""

    def __init__(self, spec: CacheSpec) -> None:
        self.spec = spec
        self.store = ResultStore(spec.folder / "results.sqlite")

    def key(self, path: str, raw: bytes) -> str:
        content = hashlib.sha256(raw).hexdigest()
        return hashlib.sha256(f"{self.spec.run}\0{path}\0{content}".encode()).hexdigest()

    def get(self, key: str, path: str) -> DocumentResult | None:
        text = self.store.get(key)
        if text is None:
            return None
        try:
            entry = json.loads(text)
            if entry["today"] not in (None, self.spec.today):
                return None  # its waivers were judged on another date
            data = entry["result"]
            data["applied"] = self._applied(data.pop("skipped"))
            result = result_from_data(data)
        except (ValueError, KeyError, TypeError, MalformedRecord):
            return None  # corrupt or from another layout: checked again
        return result if result.path == path else None

    def put(self, key: str, result: DocumentResult, dated: bool) -> None:
        data = result_to_data(result)
        data["skipped"] = self._skipped(data.pop("applied", None))
        entry = {"today": self.spec.today if dated else None, "result": data}
        self.store.put(key, json.dumps(entry, ensure_ascii=False, separators=(",", ":")))

    def close(self) -> None:
        self.store.close()

    # Which rules applied, as the positions of the few that did not: the run's key holds
    # its rules in order, and every rule id in each of 10,000 entries was a third of the
    # time to read them back.
    def _skipped(self, applied: list[str] | None) -> list[int] | None:
        if applied is None:
            return None
        skipped, ran = [], iter(applied)
        upcoming = next(ran, None)
        for index, rule in enumerate(self.spec.checks):
            if rule == upcoming:
                upcoming = next(ran, None)
            else:
                skipped.append(index)
        return skipped

    def _applied(self, skipped: list[int] | None) -> list[str] | None:
        if skipped is None:
            return None
        left_out = set(skipped)
        return [rule for index, rule in enumerate(self.spec.checks) if index not in left_out]


def dated(data: Any) -> bool:
    """Whether an agreement's result depends on the check date beyond its rules: waivers
    expire."""
    return isinstance(data, dict) and bool(data.get("waivers"))


def _run_digest(rules: Rulebook, schema: str | Path | None, params: str, today: str) -> str:
    parts = [__version__, code_digest(), LAYOUT, today, _schema_digest(schema), params]
    parts += [f"{ruleset.path}:{ruleset.sha256}" for ruleset in rules.rulesets]
    parts += [check.info.id for check in rules.checks]  # the rules of this run, if narrowed
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


@functools.cache
def code_digest() -> str:
    """Which qrules judged: its version alone does not say, for a checkout or an editable
    install whose code changes under one version. Each module's name, size and time of
    change (the package's ~150 files: a millisecond, once per process)."""
    package = Path(__file__).resolve().parents[1]
    entries = []
    for module in sorted(package.rglob("*.py")):
        with contextlib.suppress(OSError):
            status = module.stat()
            entries.append(f"{module.relative_to(package)}:{status.st_size}:{status.st_mtime_ns}")
    return hashlib.sha256("\0".join(entries).encode()).hexdigest()


def _schema_digest(schema: str | Path | None) -> str:
    if schema in (None, "none"):
        return "none"
    file = schema_path() if schema == "auto" else Path(schema)
    try:
        return f"{schema}:{hashlib.sha256(file.read_bytes()).hexdigest()}"
    except OSError:
        return f"{schema}:unreadable"


def _calls_today(node: object) -> bool:
    return any(isinstance(n, ast.Call) and n.name == "today" for n in _walk(node))


def _walk(node: object) -> Iterator[object]:
    """Every node below ``node``, without recursion (an expression may nest deep)."""
    stack = [node]
    while stack:
        node = stack.pop()
        yield node
        if dataclasses.is_dataclass(node) and not isinstance(node, type):
            stack.extend(getattr(node, item.name) for item in dataclasses.fields(node))
        elif isinstance(node, tuple):
            stack.extend(node)
