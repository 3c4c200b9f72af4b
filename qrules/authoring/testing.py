"""``qrules test``: annotated example agreements kept beside the rules they exercise.

A rule test is an agreement under a ruleset's ``tests/`` folder whose leading comments say
what must fire::

    # expect: ISO9001-8.4.3-f@42, ISO9001-8.5.6
    # today: 2026-11-26

``# expect: none`` expects a clean check; ``RULE@LINE`` pins the line. The rules that fire
(unwaived, including the loader's own, such as ``schema``) must be exactly the expected ones.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from qrules.document import SUFFIXES
from qrules.engine import check
from qrules.errors import QrulesError, UsageError
from qrules.model.values import parse_date
from qrules.ruleset import Rulebook, display_path, load_ruleset, resolve

DIRECTIVE = re.compile(r"^\s*#\s*(expect|today)\s*:\s*(.*?)\s*$")
EXPECTATION = re.compile(r"^([A-Za-z][A-Za-z0-9_.\-]*)(?:@([0-9]+))?$")


@dataclass(frozen=True)
class Expectation:
    rule: str
    line: int | None = None

    def __str__(self) -> str:
        return self.rule if self.line is None else f"{self.rule}@{self.line}"


@dataclass(frozen=True)
class CaseResult:
    path: str
    passed: bool
    expected: tuple[Expectation, ...]
    problems: tuple[str, ...] = ()  # why it failed, one line each
    fired: frozenset[str] = frozenset()


@dataclass
class SuiteResult:
    """One ruleset folder's tests: case results and the rules no test made fire."""

    name: str
    cases: list[CaseResult] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def failed(self) -> int:
        return sum(not c.passed for c in self.cases) + (1 if self.error else 0)


def read_header(path: Path) -> tuple[tuple[Expectation, ...] | None, dt.date | None]:
    """The ``# expect:`` and ``# today:`` directives from a test file's leading comments."""
    expectations: list[Expectation] = []
    saw_expect, today = False, None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.strip() in ("", "---") or line.lstrip().startswith("# yaml-language-server"):
            continue
        match = DIRECTIVE.match(line)
        if not match:
            if line.lstrip().startswith("#"):
                continue
            break
        key, value = match.groups()
        if key == "today":
            today = _date(value, path)
        else:
            saw_expect = True
            expectations += _expectations(value, path)
    return (tuple(expectations) if saw_expect else None), today


def _date(value: str, path: Path) -> dt.date:
    parsed = parse_date(value)
    if parsed is None:
        raise UsageError(
            f"`# today: {value}` is not a date", source=str(path), hint="write # today: YYYY-MM-DD"
        )
    return parsed


def _expectations(value: str, path: Path) -> list[Expectation]:
    if value.lower() == "none":
        return []
    result = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        match = EXPECTATION.match(item)
        if not match:
            raise UsageError(
                f"cannot read the expectation {item!r}",
                source=str(path),
                hint="write `# expect: RULE-ID` or `RULE-ID@LINE`, comma separated",
            )
        result.append(Expectation(match.group(1), int(match.group(2)) if match.group(2) else None))
    return result


def run_case(rules: Rulebook, path: Path, default_today: dt.date) -> CaseResult:
    expected, today = read_header(path)
    if expected is None:
        return CaseResult(display_path(path), False, (), ("no `# expect:` line in its header",))
    result = check(rules, path, today=today or default_today)
    active = [f for f in result.findings if not f.waived]
    fired = frozenset(f.rule for f in active)
    wanted = {e.rule for e in expected}
    problems = [f"expected {rule} to fire; it did not" for rule in sorted(wanted - fired)]
    problems += [
        f"unexpected {f.rule} at line {f.line}: {f.message}" for f in active if f.rule not in wanted
    ]
    for expectation in expected:
        lines = sorted({f.line for f in active if f.rule == expectation.rule})
        if expectation.line is not None and lines and expectation.line not in lines:
            shown = ", ".join(map(str, lines))
            problems.append(f"expected {expectation} but it fired at line {shown}")
    return CaseResult(display_path(path), not problems, expected, tuple(problems), fired)


def test_folders(specs: list[str]) -> Iterator[tuple[str, Path]]:
    """(ruleset spec, tests folder) for each ruleset named or found below a folder."""
    for spec in specs:
        path = Path(spec)
        if path.is_dir() and not list(path.glob("*.qr")):
            for tests in sorted(path.rglob("tests")):
                if tests.is_dir() and list(tests.parent.glob("*.qr")):
                    yield str(tests.parent), tests
            continue
        files = resolve(spec)
        yield spec, files[0].parent / "tests"


def run_suite(spec: str, tests: Path, today: dt.date) -> SuiteResult:
    suite = SuiteResult(display_path(Path(spec)) if Path(spec).exists() else spec)
    try:
        rules = load_ruleset(spec)
    except QrulesError as error:
        suite.error = error.render()
        return suite
    cases = sorted(p for p in tests.glob("*") if p.suffix in SUFFIXES) if tests.is_dir() else []
    for case in cases:
        try:
            suite.cases.append(run_case(rules, case, today))
        except QrulesError as error:
            suite.cases.append(CaseResult(display_path(case), False, (), (error.render(),)))
    covered = {e.rule for c in suite.cases for e in c.expected} & {
        rule for c in suite.cases for rule in c.fired
    }
    suite.uncovered = sorted(rules.rule_ids() - covered)
    return suite
