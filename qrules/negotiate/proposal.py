"""A compromise draft: the draft's text with each suggested value written in at its line,
everything else (comments, layout, other values) untouched. The draft itself is never
modified; the caller writes the result elsewhere, atomically."""

from __future__ import annotations

import json
import re
from typing import Any

from qrules.model.values import Duration, Percent, show

_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 .%_/-]*$")  # safe as a plain YAML scalar
_VALUE = re.compile(
    r"^(?P<head>\s*(?:- )?[^#:\n]+:[ \t]*)(?P<value>[^#\n]*?)(?P<tail>[ \t]*(?:#.*)?)$"
)


def yaml_scalar(value: Any) -> str:
    """A value as the agreement writes it, quoted only where YAML would misread it."""
    text = show(value)
    if isinstance(value, (bool, int, float, Duration, Percent)) or (
        isinstance(value, str) and _PLAIN.match(text) and text.lower() not in _SPECIAL
    ):
        return text
    return json.dumps(str(value), ensure_ascii=False)


_SPECIAL = {"yes", "no", "on", "off", "y", "n", "true", "false", "null", "~"}


def write_in(text: str, changes: dict[int, Any]) -> str:
    """``text`` with the value on each of the given (1-based) lines replaced; a line that
    does not hold a ``key: value`` pair is left as it is."""
    lines = text.splitlines(keepends=True)
    for line_number, value in changes.items():
        index = line_number - 1
        if not 0 <= index < len(lines):
            continue
        body = lines[index].rstrip("\r\n")
        ending = lines[index][len(body) :]
        match = _VALUE.match(body)
        if match is None or not match.group("value").strip():
            continue
        lines[index] = match.group("head") + yaml_scalar(value) + match.group("tail") + ending
    return "".join(lines)
