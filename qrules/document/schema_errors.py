"""What is wrong with a value the agreement's schema refuses, said for people: a sentence
instead of the schema's regular expression (`14 dayz` is not a duration like `24 hours` or
`3 days`), how YAML read a value it re-typed, and a hint (the nearest unit, field or allowed
value)."""

from __future__ import annotations

import difflib
import re
from typing import Any

from qrules.document.model import Document, excerpt
from qrules.errors import did_you_mean
from qrules.model.paths import DocPath, dotted
from qrules.model.values import show
from qrules.schema import value_kind

# What a typed field's text must look like, said as a sentence (not the schema's regex).
KIND_SENTENCES = {
    "duration": "a duration like `24 hours` or `3 days`",
    "percent": "a percentage like `85%`",
    "date": "a date like `2027-01-31` (YYYY-MM-DD)",
}
DURATION_UNITS = ("minutes", "hours", "days", "weeks", "months", "years")


def schema_message(error: Any, path: DocPath, document: Document) -> str:
    where = dotted(path) or f"the {document.kind}"
    written = document.written_as.get(path)
    if error.validator == "type" and written is not None:
        reading = yaml_reading(error.instance)
        reading += " (YAML 1.1)" if isinstance(error.instance, bool) else ""
        return f"{where}: `{written}` is read as {reading}, not a {error.validator_value}"
    if error.validator == "enum":
        return f"{where}: {show(error.instance)} is not an allowed value"
    kind = value_kind(error.schema)
    if error.validator in ("pattern", "format") and kind in KIND_SENTENCES:
        return f"{where}: `{excerpt(error.instance)}` is not {KIND_SENTENCES[str(kind)]}"
    if error.validator == "pattern":
        return f"{where}: `{excerpt(error.instance)}` is not in the form this field takes"
    return f"{where}: {error.message}"


def schema_hint(error: Any, path: DocPath, document: Document) -> str | None:
    written = document.written_as.get(path)
    if error.validator == "type" and written is not None:
        return f'quote it: "{written}"'
    kind = value_kind(error.schema)
    if error.validator == "pattern" and kind == "duration":
        return _unit_hint(str(error.instance), str(error.validator_value))
    if error.validator in ("pattern", "format") and kind in TYPED_HINTS:
        return TYPED_HINTS[str(kind)]
    if error.validator == "pattern":
        return str(error.schema.get("description") or f"the form: {error.validator_value}")
    if error.validator == "enum":
        return did_you_mean(show(error.instance), [show(v) for v in error.validator_value])
    if error.validator == "type" and error.validator_value == "string":
        return f'quote it: "{show(error.instance)}"'
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in error.instance]
        return f"add `{missing[0]}`" if missing else None
    return None


def _unit_hint(text: str, pattern: str) -> str:
    """For `14 dayz`, `7d` or `workdays`: the units there are, and the nearest one."""
    units = duration_units(pattern)
    listed = f"a number and a unit: {', '.join(units)}"
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)?\s*(.*?)\s*", text)
    number, word = (match[1] or "30", match[2].lower()) if match else ("30", "")
    forms = [form for unit in units for form in (unit, unit.removesuffix("s"))]
    close = difflib.get_close_matches(word, forms, n=1, cutoff=0.7)
    short = [unit for unit in units if word and len(word) <= 3 and unit.startswith(word)]
    guess = close[0] if close else short[0] if len(short) == 1 else None
    if guess is None:
        return f"write {listed} (e.g. {number} days)"
    unit = next(unit for unit in units if unit.startswith(guess.removesuffix("s")))
    unit = unit.removesuffix("s") if number == "1" else unit
    return f"did you mean `{number} {unit}`? write {listed}"


def duration_units(pattern: str) -> list[str]:
    """The units a duration pattern allows (``(minutes?|hours?|...)``), plural."""
    group = re.search(r"\(((?:[a-z ]+\??\|)+[a-z ]+\??)\)\$?$", pattern)
    found = [unit.rstrip("?") for unit in group[1].split("|")] if group else []
    return [unit if unit.endswith("s") else unit + "s" for unit in found] or ["days"]


TYPED_HINTS = {
    "duration": 'write a duration such as "30 days", "24 hours" or "3 years"',
    "percent": 'write a percentage such as "85%"',
    "date": "write a date as YYYY-MM-DD",
}


def unknown_keys(error: Any) -> list[str]:
    known = error.schema.get("properties", {})
    patterns = [re.compile(p) for p in error.schema.get("patternProperties", {})]
    return [
        key
        for key in error.instance
        if key not in known and not any(p.search(key) for p in patterns)
    ]


def typo_hint(error: Any, key: str) -> str | None:
    allowed = sorted(error.schema.get("properties", {}))
    close = did_you_mean(key, allowed, list_them=False)
    if close:
        return close
    extensions = "^x-" in error.schema.get("patternProperties", {})
    return f"allowed here: {', '.join(allowed)}" + (
        "; extension fields start with x-" if extensions else ""
    )


def yaml_reading(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {show(value)}"
    if isinstance(value, str):
        return "a string"
    return f"the number {show(value)}"
