"""``qrules test`` results as text (one dot per case), JSON, or JUnit XML for CI test views
(one testsuite per ruleset, one testcase per test agreement, and with ``--require-coverage``
one testcase for the coverage of each ruleset)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

from qrules.authoring.testing import SuiteResult, TierGap

FORMATS = ("text", "json", "junit")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not even escaped in XML 1.0


def render(suites: Sequence[SuiteResult], output_format: str, require_coverage: bool) -> str:
    if output_format == "json":
        return json.dumps(_json(suites, require_coverage), indent=2) + "\n"
    if output_format == "junit":
        return _junit(suites, require_coverage)
    return _text(suites)


def totals(suites: Sequence[SuiteResult]) -> tuple[int, int]:
    """(passed, failed): a ruleset that does not load counts as one failure."""
    cases = [c for s in suites for c in s.cases]
    passed = sum(c.passed for c in cases)
    return passed, len(cases) - passed + sum(bool(s.error) for s in suites)


def coverage_lines(suite: SuiteResult) -> list[str]:
    lines = []
    if suite.uncovered:
        lines.append(f"coverage: {suite.name}: no test makes {', '.join(suite.uncovered)} fire")
    for term, gaps in _by_term(suite.uncovered_tiers).items():
        shown = ", ".join(map(str, gaps))
        lines.append(f"coverage: {suite.name}: no test reaches {term} tier {shown}")
    return lines


def _by_term(gaps: list[TierGap]) -> dict[str, list[TierGap]]:
    grouped: dict[str, list[TierGap]] = {}
    for gap in gaps:
        grouped.setdefault(gap.term, []).append(gap)
    return grouped


def _text(suites: Sequence[SuiteResult]) -> str:
    lines = [f"{s.name} " + "".join("." if c.passed else "F" for c in s.cases) for s in suites]
    for suite in suites:
        if suite.error:
            lines += ["", f"ERROR {suite.name}", suite.error]
        for case in (c for c in suite.cases if not c.passed):
            lines += ["", f"FAILED {case.path}"] + [f"  {p}" for p in case.problems]
    gaps = [line for suite in suites for line in coverage_lines(suite)]
    lines += ["", *gaps] if gaps else []
    if not any(s.cases for s in suites):
        lines += ["", "no rule tests found (put annotated agreements in a ruleset's tests/)"]
    passed, failed = totals(suites)
    lines += ["", f"{passed} passed, {failed} failed"]
    return "\n".join(lines) + "\n"


def _json(suites: Sequence[SuiteResult], require_coverage: bool) -> dict[str, Any]:
    passed, failed = totals(suites)
    return {
        "suites": [
            {
                "ruleset": suite.name,
                "error": suite.error,
                "cases": [
                    {
                        "path": case.path,
                        "passed": case.passed,
                        "expected": [str(e) for e in case.expected],
                        "problems": list(case.problems),
                    }
                    for case in suite.cases
                ],
                "uncovered": {
                    "rules": suite.uncovered,
                    "tiers": [
                        {"term": g.term, "tier": g.kind, "line": g.line}
                        for g in suite.uncovered_tiers
                    ],
                },
            }
            for suite in suites
        ],
        "summary": {"passed": passed, "failed": failed, "coverage_required": require_coverage},
    }


def _junit(suites: Sequence[SuiteResult], require_coverage: bool) -> str:
    root = ET.Element("testsuites", {"name": "qrules test"})
    for suite in suites:
        element = ET.SubElement(root, "testsuite", {"name": _clean(suite.name)})
        if suite.error:
            case = _case(element, suite.name, "ruleset")
            ET.SubElement(case, "error", {"message": "the ruleset does not load"}).text = _clean(
                suite.error
            )
        for result in suite.cases:
            case = _case(element, suite.name, result.path)
            if not result.passed:
                failure = ET.SubElement(case, "failure", {"message": _clean(result.problems[0])})
                failure.text = _clean("\n".join(result.problems))
        gaps = coverage_lines(suite)
        if require_coverage:
            case = _case(element, suite.name, "coverage")
            if gaps:
                failure = ET.SubElement(case, "failure", {"message": "untested rules or tiers"})
                failure.text = _clean("\n".join(gaps))
        _count(element)
    _count(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _case(suite: ET.Element, classname: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", {"classname": _clean(classname), "name": _clean(name)})


def _count(element: ET.Element) -> None:
    element.set("tests", str(len(element.findall(".//testcase"))))
    element.set("failures", str(len(element.findall(".//failure"))))
    element.set("errors", str(len(element.findall(".//error"))))


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
