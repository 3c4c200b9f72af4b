"""What a rule test expects: the ``# expect:`` items of its header, and how each is matched
against the findings of the check.

``RULE`` must fire somewhere; ``RULE@LINE`` at that line; ``[...]`` pins the tier that
decided (``accept``, ``reject``) and/or the severity (``error``, ``warning``, ``note``);
``~ "text"`` asks for a message containing ``text``::

    # expect: SW-COVERAGE@31[accept], QS-AUDIT@32[error] ~ "audit", QS-PARTS[warning]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from qrules.model.findings import SEVERITIES, Finding

TIERS = ("accept", "reject")  # a `prefer` tier reports nothing, so nothing can be pinned to it
_ITEM = re.compile(
    r"""\s*(?P<rule>[A-Za-z][A-Za-z0-9_.\-]*)
        (?:@(?P<line>[0-9]+))?
        (?:\s*\[(?P<pins>[^\]]*)\])?
        (?:\s*~\s*"(?P<text>(?:[^"\\]|\\.)*)")?
        \s*(?:,|$)""",
    re.X,
)
FORMS = 'RULE, RULE@LINE, RULE@LINE[accept|reject|error|warning|note], RULE ~ "message text"'


class BadExpectation(ValueError):
    """An ``# expect:`` value that cannot be read; the message says which part and why."""


@dataclass(frozen=True)
class Expectation:
    rule: str
    line: int | None = None
    tier: str | None = None
    severity: str | None = None
    text: str | None = None

    def __str__(self) -> str:
        shown = self.rule if self.line is None else f"{self.rule}@{self.line}"
        pins = [pin for pin in (self.tier, self.severity) if pin]
        shown += f"[{', '.join(pins)}]" if pins else ""
        return shown + (f' ~ "{self.text}"' if self.text is not None else "")

    def matches(self, finding: Finding) -> bool:
        return (
            finding.rule == self.rule
            and self.line in (None, finding.line)
            and self.tier in (None, finding.tier)
            and self.severity in (None, finding.severity)
            and (self.text is None or self.text in finding.message)
        )


def parse_expectations(value: str) -> list[Expectation]:
    """The items of one ``# expect:`` value (``none``: nothing may fire)."""
    if value.strip().lower() == "none":
        return []
    found, position = [], 0
    while position < len(value.rstrip()):
        match = _ITEM.match(value, position)
        if not match or match.end() == position:
            rest = value[position:].split(",")[0].strip()
            raise BadExpectation(f"cannot read the expectation {rest!r}")
        found.append(_expectation(match))
        position = match.end()
    return found


def _expectation(match: re.Match[str]) -> Expectation:
    tier = severity = None
    for pin in filter(None, re.split(r"[\s,]+", match["pins"] or "")):
        if pin == "prefer":
            raise BadExpectation(
                f"{match['rule']}[prefer]: a preferred value reports nothing; leave the term "
                "out of `# expect:` (the test then checks that it does not fire)"
            )
        if pin in TIERS and tier is None:
            tier = pin
        elif pin in SEVERITIES and severity is None:
            severity = pin
        else:
            raise BadExpectation(
                f"cannot read `[{match['pins']}]` in the expectation of {match['rule']}: "
                "give at most one tier (accept, reject) and one severity (error, warning, note)"
            )
    line = int(match["line"]) if match["line"] else None
    text = match["text"].replace('\\"', '"') if match["text"] is not None else None
    return Expectation(match["rule"], line, tier, severity, text)


def mismatches(expected: Iterable[Expectation], findings: list[Finding]) -> list[str]:
    """Why the findings are not what is expected, one line each; empty when they are."""
    expected = list(expected)
    wanted = {e.rule for e in expected}
    problems = []
    for expectation in expected:
        if any(expectation.matches(f) for f in findings):
            continue
        fired = [f for f in findings if f.rule == expectation.rule]
        if not fired:
            problems.append(f"expected {expectation.rule} to fire; it did not")
        else:
            shown = "; ".join(_as_fired(f, expectation.text is not None) for f in fired)
            problems.append(f"expected {expectation} but it fired {shown}")
    problems += [
        f"unexpected {f.rule} at line {f.line}: {f.message}"
        for f in findings
        if f.rule not in wanted
    ]
    return problems


def _as_fired(finding: Finding, with_message: bool) -> str:
    tier = f"{finding.tier}, " if finding.tier else ""
    shown = f"at line {finding.line} [{tier}{finding.severity}]"
    return shown + (f' ~ "{finding.message}"' if with_message else "")
