"""``qrules test``: annotated example agreements kept beside the rules they exercise.

A rule test is an agreement under a ruleset's ``tests/`` folder whose leading comments say
what must fire (``expectations`` reads them)::

    # expect: ISO9001-8.4.3-f@42, SW-COVERAGE@31[accept], QS-NOTICE[error] ~ "90 days"
    # today: 2026-11-26

``# expect: none`` expects a clean check. The rules that fire (unwaived, including the
loader's own, such as ``schema``) must be exactly the expected ones. Coverage is per rule
(each rule fires as expected in some test) and per tier (each tier of each term decides the
value in some test, a ``prefer`` tier included).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from qrules.authoring.expectations import FORMS, BadExpectation, Expectation, mismatches
from qrules.authoring.expectations import parse_expectations as _parse
from qrules.document import SUFFIXES, load_document
from qrules.engine import check, decided_tiers
from qrules.errors import QrulesError, UsageError
from qrules.model.values import parse_date
from qrules.ruleset import Params, Rulebook, SchemaChoice, display_path, load_ruleset, resolve
from qrules.syntax import ast

DIRECTIVE = re.compile(r"^\s*#\s*(expect|today)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class CaseResult:
    path: str
    passed: bool
    expected: tuple[Expectation, ...]
    problems: tuple[str, ...] = ()  # why it failed, one line each
    fired: frozenset[str] = frozenset()
    decided: frozenset[tuple[str, int]] = frozenset()  # (term id, tier index)


@dataclass(frozen=True)
class TierGap:
    """A tier of a term that no test reaches."""

    term: str
    kind: str
    line: int

    def __str__(self) -> str:
        return f"{self.kind} (line {self.line})"


@dataclass
class SuiteResult:
    """One ruleset folder's tests: case results and the rules no test made fire."""

    name: str
    cases: list[CaseResult] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)
    uncovered_tiers: list[TierGap] = field(default_factory=list)
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
    try:
        return _parse(value)
    except BadExpectation as error:
        raise UsageError(str(error), source=str(path), hint=f"write `# expect: {FORMS}`") from None


def run_case(rules: Rulebook, path: Path, default_today: dt.date) -> CaseResult:
    expected, today = read_header(path)
    if expected is None:
        return CaseResult(display_path(path), False, (), ("no `# expect:` line in its header",))
    day = today or default_today
    document = load_document(path, rules.schema)  # the rulesets' own schema, if they name one
    active = [f for f in check(rules, document, today=day).findings if not f.waived]
    problems = mismatches(expected, active)
    return CaseResult(
        display_path(path),
        not problems,
        expected,
        tuple(problems),
        frozenset(f.rule for f in active),
        frozenset(decided_tiers(rules, document, day)),
    )


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


def run_suite(
    spec: str,
    tests: Path,
    today: dt.date,
    schema: SchemaChoice = "auto",
    params: Params | None = None,
) -> SuiteResult:
    """Run one ruleset's tests; ``schema`` and ``params``: the run's, as for ``check``."""
    suite = SuiteResult(display_path(Path(spec)) if Path(spec).exists() else spec)
    try:
        rules = load_ruleset(spec, schema=schema, params=params)
    except QrulesError as error:
        suite.error = error.render()
        return suite
    cases = sorted(p for p in tests.glob("*") if p.suffix in SUFFIXES) if tests.is_dir() else []
    for case in cases:
        try:
            suite.cases.append(run_case(rules, case, today))
        except QrulesError as error:
            suite.cases.append(CaseResult(display_path(case), False, (), (error.render(),)))
    _coverage(suite, rules)
    return suite


def _coverage(suite: SuiteResult, rules: Rulebook) -> None:
    """Rules no test makes fire as expected; tiers that decide in no test."""
    fired = {e.rule for c in suite.cases for e in c.expected} & {
        rule for c in suite.cases for rule in c.fired
    }
    decided = {pair for c in suite.cases for pair in c.decided}
    imported = {path for r in rules.rulesets for path in r.brings}  # tested where they live
    own = [r for r in rules.rulesets if not r.file or r.file.resolve() not in imported]
    for statement in (s for r in own for s in r.syntax.rules):
        if isinstance(statement, ast.Rule) and statement.id not in fired:
            suite.uncovered.append(statement.id)
        elif isinstance(statement, ast.Term):
            suite.uncovered_tiers += [
                TierGap(statement.id, tier.kind, tier.span.line)
                for index, tier in enumerate(statement.tiers)
                if (statement.id, index) not in decided
            ]
    suite.uncovered.sort()
