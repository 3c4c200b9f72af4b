"""Paths into a document: ``("scope", "products", 2, "revision")``, written
``scope.products[2].revision`` in messages and reports."""

from __future__ import annotations

import re
from collections import Counter

DocPath = tuple[str | int, ...]
Location = tuple[int, int]  # 1-based line and column


def dotted(path: DocPath) -> str:
    """``("scope", "products", 2, "revision")`` → ``scope.products[2].revision``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def undotted(text: str) -> DocPath:
    """``scope.products[2].revision`` → ``("scope", "products", 2, "revision")``."""
    return tuple(int(index) if index else key for index, key in _PART.findall(text))


# What names an element of each list of the agreement format, so that a list element is
# the same element after its neighbours moved (redlines, baselines): a product by its part
# number, a party by its name, a certificate by its number.
IDENTITY_KEYS: dict[str, tuple[str, ...]] = {
    "products": ("part_number", "name"),
    "parties": ("name",),
    "certifications": ("certificate", "standard"),
    "objectives": ("name",),
    "responsibilities": ("activity",),
    "signatures": ("party",),
    "waivers": ("rule",),
}


def element_identity(list_name: str | int | None, element: object) -> str | None:
    """What names a list element: its identity field's value, a scalar itself, or None."""
    if isinstance(element, (str, int, float)) and not isinstance(element, bool):
        return str(element)
    if not isinstance(element, dict) or not isinstance(list_name, str):
        return None
    for key in IDENTITY_KEYS.get(list_name, ()):
        value = element.get(key)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
    return None


def identities(list_name: str | int | None, items: list[object]) -> list[str | None]:
    """Each element's identity; None for one that has none or shares it with another."""
    found = [element_identity(list_name, item) for item in items]
    counts = Counter(found)
    return [i if i is not None and counts[i] == 1 else None for i in found]


def identity_path(data: object, path: DocPath) -> str:
    """``path`` dotted, each list index replaced by the element's identity where it has
    one: ``scope.products["RS-6631"].revision``. What matches a finding across revisions."""
    text, node, parent = "", data, None
    for part in path:
        if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
            name = identities(parent, node)[part]
            text += f"[{part}]" if name is None else '["' + name.replace('"', '\\"') + '"]'
            node = node[part]
        elif isinstance(part, int):
            text, node = text + f"[{part}]", None
        else:
            text += f".{part}" if text else part
            node = node.get(part) if isinstance(node, dict) else None
        parent = part
    return text
