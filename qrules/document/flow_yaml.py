"""One-line flow collections of the fast path's subset: lists of plain scalars
(``[material, process, site]``) and mappings of plain keys to plain scalars
(``{min: 1, max: 5}``), each item with the column where it starts (its key's, in a mapping,
where the strict path marks a mapping's value). Empty items, trailing commas, keys without
values, quotes, `:` or `#` in an item, nested collections: None, and libyaml reads the text.
"""

from __future__ import annotations

import re

# A plain scalar in flow context, spaces around it removed: no indicator first (`-` only
# before a non-space), then no `:`, `#`, `,` or bracket.
_ITEM = re.compile(r"""(?:[^\x00-\x20\-?:,\[\]{}#&*!|>'"%@`]|-(?=[^ ]))[^\n:#,\[\]{}]*""")

# A flow collection on one line, as the line pattern finds it.
FLOW = r"\[[^\n\[\]{}]*\]|\{[^\n\[\]{}]*\}"

Item = tuple[str | None, str, int]  # its key (None in a list), its text, its 0-based column


def flow_items(flow: str, column: int) -> list[Item] | None:
    """The items of the flow collection written at ``column`` (its bracket's), in order."""
    inner = flow[1:-1]
    if not inner.strip(" "):
        return []
    items: list[Item] = []
    column += 1  # where the first item's part starts, after the bracket
    for part in inner.split(","):
        text = part.strip(" ")
        start = column + len(part) - len(part.lstrip(" "))
        column += len(part) + 1
        key = None
        if flow[0] == "{":
            key, colon, text = text.partition(": ")
            text = text.lstrip(" ")
            if not colon or not _ITEM.fullmatch(key) or key[-1] == " ":
                return None
        if not _ITEM.fullmatch(text):
            return None
        items.append((key, text, start))
    return items
