"""One agreement's result as JSON-safe data and back, and the rules of a run: what the
result cache stores, what workers on other machines return, and what a JSON report holds,
so that ``qrules merge`` renders shards' reports in any format as ``check`` would have.

A finding keeps the stable JSON report's keys (``Finding.to_json``) and adds what only
reports built from the full result use (related places, the value shown).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from qrules.model.findings import (
    JSON_KEYS,
    DocumentResult,
    Finding,
    Identity,
    Party,
    Related,
    RuleEntry,
)


class MalformedRecord(ValueError):
    """Data that is not a result this module wrote: never trusted, never half-read."""


def result_to_data(result: DocumentResult) -> dict[str, Any]:
    data: dict[str, Any] = {
        "path": result.path,
        "findings": [finding_to_data(f) for f in result.findings],
    }
    if result.identity is not None:
        data["identity"] = identity_data(result.identity)
    if result.applied is not None:
        data["applied"] = list(result.applied)
    if result.sha256 is not None:
        data["sha256"] = result.sha256
    return data


def identity_data(identity: Identity) -> dict[str, Any]:
    data: dict[str, Any] = {key: getattr(identity, key) for key in _IDENTITY_KEYS}
    data["parties"] = [{"name": p.name, "role": p.role} for p in identity.parties]
    return data


def finding_to_data(finding: Finding) -> dict[str, Any]:
    data = finding.to_json()
    if finding.related:
        data["related"] = [dataclasses.asdict(r) for r in finding.related]
    if finding.value is not None:
        data["value"] = finding.value
    return data


def result_from_data(data: Any) -> DocumentResult:
    """The result ``data`` holds; :class:`MalformedRecord` for anything else."""
    try:
        identity = data.get("identity")
        applied = data.get("applied")
        sha256 = data.get("sha256")
        return DocumentResult(
            path=_text(data["path"]),
            findings=tuple(finding_from_data(f) for f in data["findings"]),
            identity=None if identity is None else _identity(identity),
            applied=None if applied is None else tuple(_text(rule) for rule in applied),
            sha256=None if sha256 is None else _text(sha256),
        )
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise MalformedRecord(f"not a qrules result: {error}") from None


def finding_from_data(data: dict[str, Any]) -> Finding:
    fields = {key: data[key] for key in JSON_KEYS if key in data}
    if not isinstance(fields.get("line", 1), int) or not isinstance(fields.get("column", 1), int):
        raise ValueError("line and column are numbers")
    for key in ("rule", "severity", "message"):
        _text(fields[key])
    fields["refs"] = tuple(_text(ref) for ref in fields.get("refs", ()))
    waiver = data.get("waiver")
    related = tuple(_related(**place) for place in data.get("related", ()))
    baseline = data.get("baseline")
    return Finding(
        **fields,
        waiver=None if waiver is None else dict(waiver),
        related=related,
        value=data.get("value"),
        baseline=None if baseline is None else _text(baseline),
    )


def _related(message: Any, path: Any, line: Any, column: Any) -> Related:
    return Related(_text(message), _text(path), _number(line), _number(column))


def _identity(data: dict[str, Any]) -> Identity:
    shown = {key: _shown(data.get(key)) for key in _IDENTITY_KEYS}
    parties = tuple(
        Party(_shown(p.get("name")), _shown(p.get("role"))) for p in data.get("parties", ())
    )
    return Identity(**shown, parties=parties)


def rule_to_data(rule: RuleEntry) -> dict[str, Any]:
    """A rule as reports describe it (``CheckReport.rules``): what a merged report needs
    to describe the rules that did not fire."""
    data = dataclasses.asdict(rule)
    data["refs"] = list(rule.refs)
    return data


def rule_from_data(data: Any) -> RuleEntry:
    """The rule ``data`` describes; :class:`MalformedRecord` for anything else."""
    try:
        fields = {key: data[key] for key in _RULE_KEYS if key in data}
        for key in ("id", "title", "severity", "ruleset"):
            _text(fields[key])
        fields["refs"] = tuple(_text(ref) for ref in fields.get("refs", ()))
        return RuleEntry(**fields)
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise MalformedRecord(f"not a qrules rule: {error}") from None


_RULE_KEYS = tuple(f.name for f in dataclasses.fields(RuleEntry))


def _shown(value: Any) -> str | None:
    return None if value is None else _text(value)


def _number(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not text")
    return value


_IDENTITY_KEYS = ("id", "title", "revision", "status", "type", "effective", "term")
