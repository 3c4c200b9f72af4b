"""What one evaluation sees (the document, bound names, the fields read so far), and the
signal that a rule read a field the agreement does not have."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from qrules.limits import MAX_EVALUATION_STEPS
from qrules.model.paths import DocPath, dotted
from qrules.stdlib.core import EvalError

Located = tuple[Any, DocPath | None]


ValueFn = Callable[["Env"], Any]


CheckFn = Callable[["Env"], "DocPath | None"]


class MissingField(Exception):
    """A rule read a field the agreement does not have (or has as null)."""

    def __init__(self, path: DocPath, parent: DocPath) -> None:
        super().__init__(dotted(path))
        self.path = path
        self.parent = parent


@dataclass
class Env:
    """What one evaluation sees: the document, bound names, the fields read so far."""

    document: Any
    today: dt.date
    bindings: dict[str, Located] = field(default_factory=dict)
    trace: list[DocPath] = field(default_factory=list)
    steps: int = 0  # list elements visited: nested quantifiers multiply them

    def visit(self, count: int) -> None:
        """Count elements about to be visited. Every loop is over a finite list, but nested
        quantifiers over long lists multiply: a budget keeps each evaluation bounded."""
        self.steps += count
        if self.steps > MAX_EVALUATION_STEPS:
            raise EvalError(
                f"evaluation stopped after {MAX_EVALUATION_STEPS:,} list elements: "
                "quantifiers nest over lists too long to check"
            )

    def first_read_since(self, mark: int) -> DocPath | None:
        return self.trace[mark] if len(self.trace) > mark else None
