"""Waivers between two revisions: added, removed, and those of the new revision that have
expired as of the date checked (an expired waiver waives nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qrules.document import Document
from qrules.model.diff import WaiverChange
from qrules.model.values import parse_date, show


def waiver_changes(
    old: Document | None, new: Document | None, today: dt.date
) -> list[WaiverChange]:
    before, after = _waivers(old), _waivers(new)
    changes = [
        _change(rule, "added", entry, new) for rule, entry in after.items() if rule not in before
    ]
    changes += [
        _change(rule, "removed", entry, old) for rule, entry in before.items() if rule not in after
    ]
    for rule, entry in after.items():
        expires = _expiry(entry[1])
        if expires is not None and expires < today:
            changes.append(_change(rule, "expired", entry, new))
    return sorted(changes, key=lambda c: (c.line or 0, c.rule, c.change))


def _waivers(document: Document | None) -> dict[str, tuple[int, dict[str, Any]]]:
    data = document.data if document is not None and document.readable else None
    listed = data.get("waivers") if isinstance(data, dict) else None
    found: dict[str, tuple[int, dict[str, Any]]] = {}
    for index, waiver in enumerate(listed if isinstance(listed, list) else []):
        if isinstance(waiver, dict) and isinstance(waiver.get("rule"), str):
            found.setdefault(waiver["rule"], (index, waiver))
    return found


def _change(
    rule: str, change: str, entry: tuple[int, dict[str, Any]], document: Document | None
) -> WaiverChange:
    index, waiver = entry
    line = document.locations.get(("waivers", index), (None, None))[0] if document else None
    expires = waiver.get("expires")
    approved = waiver.get("approved_by")
    return WaiverChange(
        rule,
        change,
        line,
        show(expires) if expires is not None else None,
        str(approved) if approved else None,
    )


def _expiry(waiver: dict[str, Any]) -> dt.date | None:
    expires = waiver.get("expires")
    if isinstance(expires, str):
        expires = parse_date(expires)
    return expires if isinstance(expires, dt.date) else None
