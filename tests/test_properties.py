"""Property-based: arbitrary text in, only qrules' own errors or findings out."""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qrules.document import load_document
from qrules.engine import check
from qrules.errors import QrulesError
from qrules.ruleset import compile_text, load_ruleset
from tests.helpers import REPO

KEYWORDS = [
    "ruleset",
    "rule",
    "term",
    "scope",
    "require",
    "when",
    "let",
    "message",
    "hint",
    "ref",
    "severity",
    "error",
    "prefer",
    "accept",
    "reject",
    "approval",
    "all",
    "in",
    "and",
    "or",
    "not",
    "exists(",
    "count(",
    "matches",
    "30 days",
    "95%",
    "2027-01-01",
    '"x"',
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ":",
    "==",
    "<=",
    "=",
    "/a/",
    "\n",
    " ",
    "#",
    "audits.right_to_audit",
    "`x-complaints`.response",
    "`",
    "let N =",
    "param P = 3",
    "if",
    "then",
    "else",
    "implies",
    "agreement[",
    "{a: 1}",
    "import",
    "override",
    "disable",
    "replace",
    "with",
    "reason",
    "5 business days",
    "p",
    "1.5",
    "-",
    "*",
    ",",
    "\\",
    "'",
]
ruleset_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(KEYWORDS), max_size=40).map(" ".join),
    st.lists(st.sampled_from(KEYWORDS), max_size=40).map(
        lambda words: 'ruleset x\nrule A "t"\n  ' + " ".join(words)
    ),
)


@settings(max_examples=300, deadline=None)
@given(ruleset_text)
def test_any_ruleset_text_parses_or_raises_a_qrules_error(text: str) -> None:
    try:
        compile_text(text, "fuzz.qr")
    except QrulesError as error:
        assert error.source == "fuzz.qr"
        assert error.render()


YAMLISH = [
    "agreement: qrules/v1\n",
    "id: ",
    "- ",
    "  ",
    "\n",
    ": ",
    "{",
    "}",
    "[",
    "]",
    "&a ",
    "*a",
    "!!python/object ",
    "!tag ",
    "---\n",
    "...\n",
    "'",
    '"',
    "NO",
    "1.10",
    "0777",
    "yes",
    "2027-01-01",
    "30 days",
    "\t",
    "#",
    "key",
    "parties:",
    "  - role: x\n",
    "<<: ",
    "|\n",
    ">\n",
    "%YAML 1.1\n",
    "\x00",
    "é",
    "?",
    ",",
    "type: regulatory\n",
]
yamlish_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(YAMLISH), max_size=60).map("".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yamlish_text, st.sampled_from([".yaml", ".json", ".md"]))
def test_any_yamlish_text_loads_or_gives_findings(text: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        document = load_document(path)
    assert document.readable or document.problems
    for problem in document.problems:
        assert problem.line >= 1 and problem.column >= 1
        assert problem.rule and problem.message


# ---------------------------------------------------------------------------- whole pipeline

EXAMPLES = sorted((REPO / "examples" / "agreements").glob("*.yaml"))
SHAPES = [
    "x",
    0,
    -1,
    2.5,
    True,
    None,
    [],
    ["a", 1],
    {},
    {"a": {"b": []}},
    "30 days",
    "85%",
    "2027-13-45",
    "NO",
    [{"x": 1}],
    [None],
]


@pytest.fixture(scope="module")
def every_builtin_rule():  # type: ignore[no-untyped-def]
    return load_ruleset(str(REPO / "rulesets"))


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.sampled_from(EXAMPLES), st.data())
def test_builtin_rules_on_misshapen_agreements_give_findings_not_crashes(
    every_builtin_rule,
    path: Path,
    data: st.DataObject,  # type: ignore[no-untyped-def]
) -> None:
    """Whatever shape a field has, every rule ends in a finding or a pass, never an exception."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    for _ in range(data.draw(st.integers(1, 4))):
        target = document
        while isinstance(target, dict) and target and data.draw(st.booleans()):
            child = target[data.draw(st.sampled_from(sorted(target)))]
            if not isinstance(child, dict) or not child:
                break
            target = child
        if isinstance(target, dict) and target:
            # a copy: a later round may descend into the shape and change it, and SHAPES
            # must stay the same for hypothesis to replay a case
            shape = copy.deepcopy(data.draw(st.sampled_from(SHAPES)))
            target[data.draw(st.sampled_from(sorted(target)))] = shape
    with tempfile.TemporaryDirectory() as folder:
        mutated = Path(folder) / path.name
        mutated.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        result = check(every_builtin_rule, mutated, today=dt.date(2026, 11, 26))
    for finding in result.findings:
        assert finding.line >= 1 and finding.message


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(st.deferred(lambda: _expressions()), min_size=1, max_size=3), st.sampled_from(EXAMPLES)
)
def test_any_rule_on_any_example_gives_findings_not_crashes(exprs, path) -> None:  # type: ignore[no-untyped-def]
    """Generated rules (any operators, functions and values) never raise out of the engine."""
    from qrules.ruleset import Rulebook
    from qrules.syntax import ast
    from qrules.syntax.format import format_ast

    rules = tuple(ast.Rule(f"R{i}", "t", requires=(ast.Require(e),)) for i, e in enumerate(exprs))
    text = format_ast(ast.RulesetFile("generated", None, None, "none", rules))
    try:
        compiled = compile_text(text, "generated.qr")
    except QrulesError:
        return  # e.g. a function given the wrong number of arguments
    result = check(Rulebook((compiled,)), path, today=dt.date(2026, 11, 26))
    assert all(f.rule.startswith("R") or f.ruleset == "qrules" for f in result.findings)


def _expressions():  # type: ignore[no-untyped-def]
    from tests.authoring.test_authoring import expressions

    return expressions
