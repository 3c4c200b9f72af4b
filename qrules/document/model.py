"""An agreement as loaded: its values, where each value stands, what was wrong with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qrules.model.findings import Finding
from qrules.model.paths import DocPath, Location, dotted


@dataclass
class Document:
    """An agreement: its values, where each value stands, and what was wrong with it."""

    path: str
    data: Any = None
    locations: dict[DocPath, Location] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)
    written_as: dict[DocPath, str] = field(default_factory=dict)  # plain scalars YAML re-typed
    ambiguous: set[DocPath] = field(default_factory=set)  # ... that YAML 1.1 and 1.2 read apart
    dropped: set[DocPath] = field(default_factory=set)  # values refused by the loader
    kind: str = "agreement"  # what messages call the file ("configuration" for .qrules.yaml)
    empty: bool = False  # no content at all, or only comments
    sha256: str | None = None  # of the bytes read, for the reports' evidence

    @property
    def a_kind(self) -> str:
        """``an agreement``, ``a configuration``: for messages."""
        return f"{'an' if self.kind[0] in 'aeiou' else 'a'} {self.kind}"

    @property
    def readable(self) -> bool:
        return self.data is not None

    def locate(self, path: DocPath) -> tuple[DocPath, Location]:
        """The nearest path with a known place (the path itself, or its nearest parent)."""
        for end in range(len(path), -1, -1):
            location = self.locations.get(path[:end])
            if location is not None:
                return path[:end], location
        return (), (1, 1)

    def problem(
        self,
        rule: str,
        message: str,
        path: DocPath = (),
        severity: str = "error",
        at: Location | None = None,
        **extra: Any,
    ) -> None:
        """Record a finding of the document itself, at ``at`` or where ``path`` stands."""
        self.problems.append(self.finding(rule, message, path, severity, at, **extra))

    def finding(
        self,
        rule: str,
        message: str,
        path: DocPath = (),
        severity: str = "error",
        at: Location | None = None,
        **extra: Any,
    ) -> Finding:
        """A finding qrules itself makes about this document (ruleset ``qrules``)."""
        line, column = at or self.locate(path)[1]
        extra.setdefault("title", LOADER_TITLES.get(rule, rule))
        return Finding(
            rule=rule,
            severity=severity,
            message=message,
            path=dotted(path),
            line=line,
            column=column,
            ruleset="qrules",
            **extra,
        )


LOADER_TITLES = {
    "document-unreadable": "The agreement can be read",
    "yaml-syntax": "The agreement is well-formed YAML or JSON",
    "duplicate-key": "Every key appears once",
    "yaml-tag": "No YAML tags that construct objects",
    "yaml-limits": "The agreement stays within size, nesting and alias limits",
    "yaml-ambiguous": "Every value means the same to every YAML reader",
    "non-finite": "Every number is finite",
    "schema": "The agreement follows its schema",
}


def excerpt(text: str, width: int = 40) -> str:
    """Text from an agreement as a message quotes it: whole when short, else its ends."""
    return text if len(text) <= width else f"{text[: width // 2]}…{text[-width // 4 :]}"
