"""Findings matched across revisions: new, fixed or unchanged.

A finding is the same finding when its rule, its agreement and its field are the same: the
dotted path with each list element named by its identity (``Finding.identity``: a product
by its part number), never its line, which moves with every edit above it, and never across
files: the identical rule failing in another agreement is a new finding there. Several
findings with one key match one for one.

The baseline is an earlier JSON report (``qrules check --format json`` or ``qrules baseline
create``) or the findings of the same agreements at a git revision.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from qrules.errors import UsageError
from qrules.fileio import read_json_report
from qrules.limits import MAX_BASELINE_BYTES
from qrules.model.diff import FIXED, NEW, UNCHANGED, FindingChange
from qrules.model.findings import SEVERITIES, CheckReport, DocumentResult, Finding

Key = tuple[str, str]  # (rule, identity path)


def key(finding: Finding) -> Key:
    return (finding.rule, finding.identity or finding.path)


def agreement_key(path: str) -> str:
    """An agreement's path as both runs name it: normalised, relative, with ``/``."""
    return Path(os.path.normpath(path)).as_posix()


def compare(old: Sequence[Finding], new: Iterable[Finding]) -> list[FindingChange]:
    """Each new finding as new or unchanged, in order; then the old ones now fixed."""
    unmatched = Counter(key(f) for f in old)
    changes = []
    for finding in new:
        state = UNCHANGED if unmatched[key(finding)] > 0 else NEW
        unmatched[key(finding)] -= state == UNCHANGED
        changes.append(FindingChange(state, finding))
    for finding in old:
        if unmatched[key(finding)] > 0:
            unmatched[key(finding)] -= 1
            changes.append(FindingChange(FIXED, finding))
    return changes


def apply(
    report: CheckReport, earlier: Mapping[str, Sequence[Finding]], source: str
) -> CheckReport:
    """``report`` with every finding marked new or unchanged against ``earlier`` (findings
    by agreement key), and the fixed ones listed; only new findings fail the check."""
    disabled = {entry.id for entry in report.rules if not entry.enabled}
    documents, fixed = [], []
    for document in report.documents:
        marked, gone = mark(document, earlier, disabled)
        documents.append(marked)
        fixed += gone
    return replace(report, documents=tuple(documents), baseline=source, fixed=tuple(fixed))


def mark(
    document: DocumentResult, earlier: Mapping[str, Sequence[Finding]], disabled: set[str]
) -> tuple[DocumentResult, list[tuple[str, Finding]]]:
    """One agreement's result marked against ``earlier``, and its findings fixed since (a
    streamed check marks each result as it comes)."""
    # A rule the configuration turned off since is not fixed: it is not checked.
    before = [f for f in earlier.get(agreement_key(document.path), ()) if f.rule not in disabled]
    changes = compare(before, document.findings)
    marked = tuple(replace(c.finding, baseline=c.state) for c in changes if c.state != FIXED)
    fixed = [(document.path, c.finding) for c in changes if c.state == FIXED]
    return replace(document, findings=marked), fixed


def from_results(results: Iterable[DocumentResult]) -> dict[str, list[Finding]]:
    return {agreement_key(r.path): list(r.findings) for r in results}


# ---------------------------------------------------------------------------- the file


def read(path: str) -> dict[str, list[Finding]]:
    """The findings of an earlier JSON report, by agreement; a bad file is exit 2."""
    data = read_json_report(
        path,
        MAX_BASELINE_BYTES,
        "baseline",
        "the baseline is not JSON",
        "a baseline is a report of `qrules check --format json` or `qrules baseline create`",
    )
    documents = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(documents, list):
        raise UsageError(
            "the baseline has no `documents` list: it is not a qrules JSON report",
            source=path,
            hint="write one with `qrules baseline create` or `qrules check --format json`",
        )
    return {
        agreement_key(d["path"]): [_finding(f, path) for f in _list(d.get("findings"), path)]
        for d in documents
        if isinstance(d, dict) and isinstance(d.get("path"), str)
    }


def _list(value: Any, source: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise UsageError("a document's `findings` in the baseline is not a list", source=source)
    return value


def _finding(data: Any, source: str) -> Finding:
    if not isinstance(data, dict) or not isinstance(data.get("rule"), str):
        raise UsageError("a finding of the baseline has no `rule`", source=source)
    severity = data.get("severity")
    return Finding(
        rule=data["rule"],
        severity=severity if severity in SEVERITIES else "error",
        message=_text(data.get("message")),
        path=_text(data.get("path")),
        line=_number(data.get("line")),
        column=_number(data.get("column")),
        ruleset=_text(data.get("ruleset")) or None,
        title=_text(data.get("title")),
        identity=_text(data.get("identity")) or None,
        waived=data.get("waived") is True,
    )


def _text(value: Any) -> str:
    """A string field of the report; anything else (a number, a list) reads as none."""
    return value if isinstance(value, str) else ""


def _number(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 1


def at_revision(
    rev: str,
    files: Sequence[str],
    rulesets: Sequence[str | Path],
    today: dt.date | None,
    schema: str | Path | None,
    params: Any = None,
) -> dict[str, list[Finding]]:
    """The findings of the same agreements at git revision ``rev`` (read with ``git show``);
    a file that did not exist then has none, so all its findings are new."""
    from qrules.diff import sources
    from qrules.engine import check
    from qrules.ruleset import load_ruleset

    rules = load_ruleset(*rulesets, schema=schema, params=params)
    earlier = {}
    shown = sources.show_many(rev, list(files))
    for file in files:
        raw = shown[file]
        revision = sources.Revision(file, rev)
        document = sources.load(revision, schema, raw) if raw is not None else None
        found = check(rules, document, today=today).findings if document is not None else ()
        earlier[agreement_key(file)] = list(found)
    return earlier
