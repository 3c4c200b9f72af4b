"""JSON reports of shards (``qrules check --shard I/N --format json``) joined into one
report, which any format then renders: a CI matrix checks the shards side by side and
one job writes the SARIF, JUnit and memo of the whole batch.

The shards must come from the same qrules and the same rulesets, and no agreement may be
in two of them. A JSON report holds the whole result of each agreement and describes the
rules of its run, so the merged report is the report ``check`` would have written of the
whole batch. Which rules applied to an agreement (for clause coverage) is in a report
written with ``--show-passes``: the rules it passed, and those with findings.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from qrules.errors import UsageError
from qrules.fileio import read_json_report
from qrules.model.evidence import Evidence
from qrules.model.findings import CheckReport, DocumentResult, RuleEntry
from qrules.model.serial import MalformedRecord, result_from_data, rule_from_data

BUILTIN_RULESET = "qrules"  # the ruleset of qrules' own checks (engine/catalogue.py)
MAX_REPORT_BYTES = 2**31  # a shard's report of a million agreements still fits


def merge_reports(
    paths: Sequence[str], fail_on: str = "error", rules: tuple[RuleEntry, ...] | None = None
) -> tuple[CheckReport, bool]:
    """One report of every shard's documents, in output order (by path), and whether it
    knows which rules applied to each (every shard written with ``--show-passes``).
    ``rules``: the rules of the run, where the reports predate describing them."""
    shards = [(path, _read(path)) for path in paths]
    first_path, first = shards[0]
    if rules is None:
        rules = _rules(first_path, first)
    documents: dict[str, DocumentResult] = {}
    passes = True
    for path, data in shards:
        _same_run(first_path, first, path, data)
        for entry in data["documents"]:
            document = _document(path, entry, rules)
            passes = passes and isinstance(entry, dict) and "passed" in entry
            if document.path in documents:
                raise UsageError(
                    f"{document.path} is in two of the reports (again in {path})",
                    source=path,
                    hint="merge the reports of distinct shards (--shard I/N) of one check",
                )
            documents[document.path] = document
    evidence = _evidence(shards)
    report = CheckReport(
        version=str(first["qrules"]),
        rulesets=tuple(dict(r) for r in first["rulesets"]),
        documents=tuple(documents[p] for p in sorted(documents)),
        fail_on=fail_on,
        rules=rules,
        checked_on=None if evidence is None else evidence.today,
        evidence=evidence,
    )
    return report, passes


def _evidence(shards: list[tuple[str, dict[str, Any]]]) -> Evidence | None:
    """The shards' common evidence (the same rules, schema and date, or the merge is
    refused), stamped with the latest shard's time."""
    if any(not isinstance(data.get("evidence"), dict) for _, data in shards):
        return None
    records: list[tuple[str, dict[str, Any]]] = [(p, data["evidence"]) for p, data in shards]
    first_path, first = records[0]
    for path, record in records:
        if {**record, "timestamp": None} != {**first, "timestamp": None}:
            raise UsageError(
                f"checked with other rules, schema or date than {first_path} (see `evidence`)",
                source=path,
                hint="merge the shards of one check: the same qrules, rulesets and options",
            )
    try:
        return Evidence(
            qrules=str(first["qrules"]),
            today=dt.date.fromisoformat(first["today"]),
            timestamp=max(str(record["timestamp"]) for _, record in records),
            schema=str(first["schema"]["source"]),
            schema_sha256=first["schema"]["sha256"],
            rulesets=tuple(dict(r) for r in first["rulesets"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise UsageError(f"the evidence is malformed: {error}", source=first_path) from None


def _read(path: str) -> dict[str, Any]:
    data = read_json_report(path, MAX_REPORT_BYTES, "report", "not JSON", _MERGE_HINT)
    keys = ("qrules", "rulesets", "documents")
    if not isinstance(data, dict) or any(key not in data for key in keys):
        raise UsageError(
            "not a qrules JSON report (it needs `qrules`, `rulesets` and `documents`)",
            source=path,
            hint=_MERGE_HINT,
        )
    return data


_MERGE_HINT = "merge reports written by `qrules check --format json`"


def _same_run(first_path: str, first: dict[str, Any], path: str, data: dict[str, Any]) -> None:
    for key, what in (("qrules", "qrules version"), ("rulesets", "rulesets"), ("rules", "rules")):
        if data.get(key) != first.get(key):
            raise UsageError(
                f"checked with other {what} than {first_path}: "
                f"{json.dumps(data[key])} against {json.dumps(first[key])}",
                source=path,
                hint="merge the shards of one check: the same qrules, rulesets and options",
            )


def _rules(path: str, data: dict[str, Any]) -> tuple[RuleEntry, ...]:
    try:
        return tuple(rule_from_data(rule) for rule in data.get("rules", ()))
    except (MalformedRecord, TypeError) as error:
        raise UsageError(f"the rules are malformed: {error}", source=path) from None


def _document(path: str, entry: Any, rules: tuple[RuleEntry, ...]) -> DocumentResult:
    try:
        document = result_from_data(entry)
        passed = entry.get("passed")
        applied = None if passed is None else _applied(document, passed, rules)
    except (MalformedRecord, TypeError) as error:
        raise UsageError(f"a document entry is malformed: {error}", source=path) from None
    return replace(document, applied=applied)


def _applied(
    document: DocumentResult, passed: list[str], rules: tuple[RuleEntry, ...]
) -> tuple[str, ...]:
    """The rules that applied, in the run's order: those passed and those that fired
    (qrules' own checks on the file are not rules that apply)."""
    ran = set(passed) | {f.rule for f in document.findings if f.ruleset != BUILTIN_RULESET}
    return tuple(rule.id for rule in rules if rule.id in ran and rule.kind != "builtin")
