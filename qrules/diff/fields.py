"""Which fields changed between two revisions of an agreement, each with its value and line
on both sides.

Mappings are compared key by key. List elements are matched by their identity (a product
by its part number, a party by its name, a certificate by its number: ``IDENTITY_KEYS``),
so inserting a product above another is one product added, not every product changed;
lists whose elements have no identity are compared by position.
"""

from __future__ import annotations

from typing import Any

from qrules.document import Document
from qrules.model.diff import FieldChange, Side
from qrules.model.paths import DocPath, dotted, identities
from qrules.model.values import show

CHANGED, ADDED, REMOVED = "changed", "added", "removed"


def changed_fields(old: Document | None, new: Document | None) -> list[FieldChange]:
    """Every change, in the new revision's order (removed fields where they stood)."""
    walk = _Walk(old, new)
    walk.compare(_data(old), _data(new), (), (), "")
    return walk.changes


def _data(document: Document | None) -> Any:
    return document.data if document is not None and document.readable else {}


class _Walk:
    def __init__(self, old: Document | None, new: Document | None) -> None:
        self.old, self.new = old, new
        self.changes: list[FieldChange] = []

    def compare(self, a: Any, b: Any, pa: DocPath, pb: DocPath, name: str) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for key in [*b, *(k for k in a if k not in b)]:
                child = f"{name}.{key}" if name else str(key)
                self.either(a, b, key, key, (*pa, key), (*pb, key), child)
        elif isinstance(a, list) and isinstance(b, list):
            self.lists(a, b, pa, pb, name)
        elif a != b or show(a) != show(b) or type(a) is not type(b):
            self.changes.append(FieldChange(name, CHANGED, self.side(a, pa, 0), self.side(b, pb)))

    def either(self, a: Any, b: Any, ka: Any, kb: Any, pa: DocPath, pb: DocPath, name: str) -> None:
        has_a, has_b = _has(a, ka), _has(b, kb)
        if has_a and has_b:
            self.compare(a[ka], b[kb], pa, pb, name)
        elif has_b:
            self.changes.append(FieldChange(name, ADDED, Side(None, None), self.side(b[kb], pb)))
        elif has_a:
            self.changes.append(
                FieldChange(name, REMOVED, self.side(a[ka], pa, 0), Side(None, None))
            )

    def lists(self, a: list[Any], b: list[Any], pa: DocPath, pb: DocPath, name: str) -> None:
        parent = pa[-1] if pa else None
        ia, ib = identities(parent, a), identities(parent, b)
        if None in ia or None in ib:  # no identity: by position
            for index in range(max(len(a), len(b))):
                self.either(a, b, index, index, (*pa, index), (*pb, index), f"{name}[{index}]")
            return
        where_a = {identity: index for index, identity in enumerate(ia)}
        order = [*ib, *(i for i in ia if i not in ib)]
        where_b = {identity: index for index, identity in enumerate(ib)}
        for identity in order:
            ka, kb = where_a.get(identity, -1), where_b.get(identity, -1)
            label = f'{name}["{identity}"]'
            self.either(a, b, ka, kb, (*pa, ka), (*pb, kb), label)

    def side(self, value: Any, path: DocPath, which: int = 1) -> Side:
        document = self.new if which else self.old
        line = document.locations.get(path, (None, None))[0] if document else None
        return Side(_brief(value), line, dotted(path))


def _has(container: Any, key: Any) -> bool:
    if isinstance(container, dict):
        return key in container
    return isinstance(key, int) and 0 <= key < len(container)


def _brief(value: Any) -> str:
    """A value as a redline shows it: scalars whole, sections and lists by their size."""
    if isinstance(value, dict):
        return f"{{{len(value)} field{'s' * (len(value) != 1)}}}"
    if isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
        return f"[{len(value)} element{'s' * (len(value) != 1)}]"
    return show(value)
