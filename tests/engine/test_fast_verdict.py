"""The fast verdict (compile/verdict.py) changes no result: every shipped ruleset on its rule
tests, the corpora, a generated workload and misshapen agreements gives the same findings
and the same applied rules with it and without it; and it decides most rule runs itself."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qrules.document import load_document
from qrules.engine import check
from qrules.engine.run import WARM_UP, verdicts_for
from qrules.errors import QrulesError
from qrules.model.findings import DocumentResult
from qrules.ruleset import Rulebook, compile_text, load_ruleset
from tests.helpers import REPO

TODAY = dt.date(2026, 11, 26)
GENERATOR = REPO.parent / "shared" / "bench" / "gen_agreements.py"
BENCH = REPO / "benchmarks" / "workload"
AGREEMENTS = (".yaml", ".yml", ".json", ".md")


def _shipped() -> list[Path]:
    """Every ruleset folder that ships with its own rule tests."""
    folders = {p.parent.parent for p in REPO.glob("rulesets/**/tests/*.yaml")}
    folders |= {p.parent.parent for p in REPO.glob("examples/*/tests/*.yaml")}
    return sorted(folders)


def _agreements(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in AGREEMENTS and p.is_file())


_VARIANTS: dict[int, tuple[Rulebook, Rulebook, Rulebook]] = {}


def _both(rules: Rulebook, document: object) -> tuple[DocumentResult, DocumentResult]:
    """The result with the fast verdict asked for every agreement, and without it."""
    if id(rules) not in _VARIANTS:  # one of each per rulebook: the verdict compiles once
        _VARIANTS[id(rules)] = (  # the rulebook kept too, so that its id is not reused
            rules,
            dataclasses.replace(rules, fast=True),
            dataclasses.replace(rules, fast=False),
        )
    _, fast, slow = _VARIANTS[id(rules)]
    return check(fast, document, today=TODAY), check(slow, document, today=TODAY)  # type: ignore[arg-type]


def _same(rules: Rulebook, paths: list[Path]) -> int:
    """Compare both ways on each agreement; the number of agreements compared."""
    for path in paths:
        document = load_document(path, rules.schema)
        fast, slow = _both(rules, document)
        _alike(fast, slow, path)
    return len(paths)


def _alike(fast: DocumentResult, slow: DocumentResult, path: object) -> None:
    """Equal, and equal in what equality leaves out (a finding's value, identity...)."""
    assert fast == slow, path
    assert fast.applied == slow.applied, path
    assert [f.to_json() for f in fast.findings] == [f.to_json() for f in slow.findings], path


@pytest.mark.parametrize("folder", _shipped(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_shipped_ruleset_gives_the_same_results_on_its_rule_tests(folder: Path) -> None:
    rules = load_ruleset(folder)
    tests = _agreements(folder / "tests")
    examples = _agreements(REPO / "examples" / "agreements")
    assert _same(rules, tests + examples) > 0


@pytest.mark.parametrize(
    "ruleset", sorted(REPO.glob("examples/*/*.qr")), ids=lambda p: str(p.relative_to(REPO))
)
def test_every_example_ruleset_gives_the_same_results(ruleset: Path) -> None:
    """The examples' rulesets (terms and their tiers among them) on every example agreement."""
    try:
        rules = load_ruleset(ruleset)
    except QrulesError:
        pytest.skip(f"{ruleset.name} is an example of a ruleset that does not load")
    assert _same(rules, _agreements(REPO / "examples")) > 20


def test_all_rulesets_at_once_on_the_corpora_and_examples() -> None:
    rules = load_ruleset(REPO / "rulesets")
    corpus = _agreements(REPO / "tests" / "corpus") + _agreements(REPO / "tests" / "cases")
    assert _same(rules, corpus + _agreements(REPO / "examples")) > 40


def test_the_hostile_corpus_ruleset_gives_the_same_results() -> None:
    rules = load_ruleset(REPO / "tests" / "corpus" / "hostile-agreements.qr")
    assert _same(rules, _agreements(REPO / "tests" / "corpus" / "bad-agreements")) > 30


@pytest.mark.parametrize(
    "case", sorted(p for p in (REPO / "tests" / "cases").iterdir() if (p / "rules.qr").exists())
)
def test_each_case_ruleset_gives_the_same_results(case: Path) -> None:
    rules = load_ruleset(case / "rules.qr")
    assert _same(rules, _agreements(case)) > 0


@pytest.fixture(scope="module")
def workload() -> Iterator[list[Path]]:
    if not GENERATOR.exists():
        pytest.skip(f"the shared workload generator is not at {GENERATOR}")
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [sys.executable, str(GENERATOR), "300", folder], check=True, capture_output=True
        )
        yield sorted(Path(folder).glob("*.yaml"))


@pytest.fixture(scope="module")
def bench() -> Rulebook:
    return load_ruleset(BENCH / "rules.qr")


def test_the_benchmark_rules_give_the_same_results_on_a_generated_workload(
    workload: list[Path], bench: Rulebook
) -> None:
    assert _same(bench, workload) == 300


def test_the_fast_verdict_decides_most_rule_runs_of_the_workload(
    workload: list[Path], bench: Rulebook
) -> None:
    """Behaviour, not timing: the closures run only where a rule fails (about one rule in
    thirty in this workload), never for a rule that holds or does not apply."""
    verdicts = bench.verdicts
    assert verdicts is not None
    left: list[int] = []
    decided = 0
    for path in workload:
        applied: list[str] = []
        before = len(left)
        assert verdicts(load_document(path, bench.schema).data, TODAY, applied, left.append)
        decided += len(bench.checks) - (len(left) - before)
    runs = len(workload) * len(bench.checks)
    assert decided / runs > 0.9
    assert len(left) > 0  # the workload has failing rules: those the closures report


def test_a_document_that_is_not_a_record_is_left_to_the_closures(bench: Rulebook) -> None:
    verdicts = bench.verdicts
    assert verdicts is not None
    left: list[int] = []
    assert not verdicts(["a", "list"], TODAY, [], left.append)
    assert left == []  # nothing decided: the engine runs every rule itself


def test_the_fast_verdict_is_asked_only_where_it_pays(bench: Rulebook) -> None:
    """Off: never; on: always; by default from the agreement after the first WARM_UP (a
    pre-commit check of one agreement does not compile it)."""
    assert verdicts_for(dataclasses.replace(bench, fast=False)) is None
    always = dataclasses.replace(bench, fast=True)
    assert verdicts_for(always) is always.verdicts is not None
    fresh = dataclasses.replace(bench)
    asked = [verdicts_for(fresh) for _ in range(WARM_UP)]
    assert asked == [None] * WARM_UP
    assert "verdicts" not in vars(fresh)  # not compiled until it is asked for
    assert verdicts_for(fresh) is fresh.verdicts is not None


# ---------------------------------------------------------------------------- generated
SHAPES = [
    "x",
    "SQA-2025-00001",
    "ISO 9001:2015",
    "ab\n",
    "\u00e9t\u00e9",
    0,
    -1,
    2.5,
    10**30,
    True,
    None,
    [],
    ["a", 1],
    {},
    {"a": {"b": []}},
    [{"x": 1}],
    [None],
    "30 days",
    "5 business days",
    "85%",
    "2027-01-01",
    "2027-13-45",
    dt.date(2026, 1, 31),
]


def _shape(data: st.DataObject) -> object:
    """A copy: a later round may change what it inserted, never the shared SHAPES."""
    return copy.deepcopy(data.draw(st.sampled_from(SHAPES)))


def _misshapen(document: object, data: st.DataObject) -> object:
    for _ in range(data.draw(st.integers(1, 5))):
        target = document
        while isinstance(target, (dict, list)) and target and data.draw(st.booleans()):
            key = data.draw(
                st.sampled_from(sorted(target) if isinstance(target, dict) else range(len(target)))
            )
            child = target[key]  # type: ignore[index]
            if not isinstance(child, (dict, list)) or not child:
                break
            target = child
        if isinstance(target, dict) and target:
            target[data.draw(st.sampled_from(sorted(target)))] = _shape(data)
        elif isinstance(target, list) and target:
            target[data.draw(st.integers(0, len(target) - 1))] = _shape(data)
    return document


def _written(document: object, name: str, folder: str) -> Path:
    path = Path(folder) / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
EXAMPLES = sorted((REPO / "examples" / "agreements").glob("*.yaml"))


@pytest.fixture(scope="module")
def everything() -> Rulebook:
    return load_ruleset(REPO / "rulesets")


@SETTINGS
@given(st.sampled_from(EXAMPLES), st.data())
def test_misshapen_agreements_give_the_same_results(
    everything: Rulebook, path: Path, data: st.DataObject
) -> None:
    document = _misshapen(yaml.safe_load(path.read_text(encoding="utf-8")), data)
    with tempfile.TemporaryDirectory() as folder:
        fast, slow = _both(everything, _written(document, path.name, folder))
    _alike(fast, slow, path)


@SETTINGS
@given(st.data())
def test_misshapen_workload_agreements_give_the_same_results(
    workload: list[Path], bench: Rulebook, data: st.DataObject
) -> None:
    path = data.draw(st.sampled_from(workload[:40]))
    document = _misshapen(yaml.safe_load(path.read_text(encoding="utf-8")), data)
    with tempfile.TemporaryDirectory() as folder:
        fast, slow = _both(bench, _written(document, path.name, folder))
    _alike(fast, slow, path)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(st.deferred(lambda: _expressions()), min_size=1, max_size=3),
    st.sampled_from(EXAMPLES),
    st.booleans(),
)
def test_generated_rules_give_the_same_results(exprs, path, guarded) -> None:  # type: ignore[no-untyped-def]
    """Any operators, functions, quantifiers and values, as requires or as `when` guards."""
    from qrules.syntax import ast
    from qrules.syntax.format import format_ast

    rules = tuple(
        ast.Rule(f"R{i}", "t", when=(e,), requires=(ast.Require(ast.Literal(True)),))
        if guarded
        else ast.Rule(f"R{i}", "t", requires=(ast.Require(e),))
        for i, e in enumerate(exprs)
    )
    text = format_ast(ast.RulesetFile("generated", None, None, "none", rules))
    try:
        compiled = compile_text(text, "generated.qr")
    except QrulesError:
        return  # e.g. a function given the wrong number of arguments
    fast, slow = _both(Rulebook((compiled,)), path)
    _alike(fast, slow, path)


def _expressions():  # type: ignore[no-untyped-def]
    from tests.authoring.test_authoring import expressions

    return expressions


# ---------------------------------------------------------------------------- operators
OPERATORS = ["==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains", "+", "-", "*", "/"]
WRITTEN = ["1", "1.0", '"b"', "2026-01-31", "30 days", "1 months", "5 business days", "50%"]
VALUES = [0, 1, 1.0, 2, "a", "b", True, dt.date(2026, 1, 31), "30 days", "5 business days"]
# what 2026-01-31 plus or minus the written durations gives
VALUES += [dt.date(2026, 3, 2), dt.date(2026, 1, 1), dt.date(2026, 2, 28), dt.date(2025, 12, 31)]


def _operator_rules() -> str:
    """Each operator between two fields and between a field and a written value, as a
    guard (where a wrong answer would skip the rule) and as a require."""
    lines = ['ruleset ops "Operators"', "  schema none", ""]
    forms = [("a", "b")] + [("a", value) for value in WRITTEN]
    for n, (op, (left, right)) in enumerate((op, f) for op in OPERATORS for f in forms):
        tests = [f"({left} {op} {right})"]
        if op in "+-*/":  # the result against b, which the values make it equal to at times
            tests = [f"({left} {op} {right}) {c} b" for c in ("==", "<")]
        for m, test in enumerate(tests):
            lines += [f'rule W{n}-{m} "guard"', f"  when {test}", "  require true", ""]
            lines += [f'rule Q{n}-{m} "require"', f"  require {test}", ""]
    return "\n".join(lines)


def test_every_operator_on_values_at_its_boundaries_gives_the_same_results() -> None:
    rules = load_ruleset_text(_operator_rules())
    pairs = [(a, b) for a in VALUES for b in VALUES] + [(1, None), ([1, "b"], "b"), ("ab", "b")]
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for n, (a, b) in enumerate(pairs):
            document = {"a": a} if b is None else {"a": a, "b": b}
            paths.append(_written(document, f"pair-{n}.yaml", folder))
        assert _same(rules, paths) == len(pairs)


def load_ruleset_text(text: str) -> Rulebook:
    return Rulebook((compile_text(text, "ops.qr", schema=None),))


def test_nested_quantifiers_past_the_step_budget_give_the_same_finding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A smaller budget for both evaluators, so that the test takes milliseconds.
    monkeypatch.setattr("qrules.compile.env.MAX_EVALUATION_STEPS", 10_000)
    monkeypatch.setattr("qrules.compile.verdict.MAX_EVALUATION_STEPS", 10_000)
    rules = load_ruleset_text(
        'ruleset deep "Deep"\n  schema none\n\n'
        'rule DEEP "Every pair"\n  require all a in xs: all b in xs: a <= 2000\n'
    )
    with tempfile.TemporaryDirectory() as folder:
        path = _written({"xs": list(range(101))}, "long.yaml", folder)
        fast, slow = _both(rules, load_document(path, None))
    assert fast == slow
    assert "evaluation stopped" in fast.findings[0].message


PATTERNS = [
    ("^[A-Z]{2}-[0-9]{4}$", ""),
    ("^(SQA|CQA|CMA)-[0-9]{4}-[0-9]{5}$", ""),
    ("^(ISO 9001|IATF 16949|AS9100)", ""),
    (r"\bPPAP?\b|\bPPF\b|VDA 2", "i"),
    (r"^a.c\.d{1,3}$|x{2,3}y?", ""),
    ("[^A-Z]z", "i"),
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PATTERNS), st.text(alphabet="AaBcdSQM-0123456789 IOxyzV.\n\t_", max_size=20))
def test_python_regexes_answer_as_re2_does_where_the_verdict_uses_them(
    pattern: tuple[str, str], text: str
) -> None:
    from qrules.compile.plain_regex import plain_program
    from qrules.compile.regex import regex_program

    same = plain_program(*pattern)
    assert same is not None
    if text.isascii() and "\n" not in text:  # where the verdict asks Python's `re`
        assert (same.search(text) is None) == (regex_program(*pattern).search(text) is None)


@pytest.mark.parametrize(
    "pattern",
    ["^(a+)+$", "(a|aa)*b", "a*a*a*b", "[0-9]+x", "(ab){2}", "a{0,100}b", "a{3,}", r"\s", "(?i)a"],
)
def test_patterns_that_could_backtrack_far_or_read_otherwise_stay_with_re2(pattern: str) -> None:
    from qrules.compile.plain_regex import plain_program

    assert plain_program(pattern, "") is None
    assert plain_program("^[A-Z]{2}$", "m") is None  # a flag Python reads otherwise


PATHS = [
    "exists(xs[i])",
    "exists(agreement[k])",
    "exists(r[k].v)",
    "exists(r.a.v)",
    "xs[i] == 1",
    "xs[i] == null",
    "r[k].v == 1",
    "all x in xs: x == 1",
    "count(x in xs where exists(x.v)) == 0",
]


def test_paths_at_their_edges_give_the_same_results() -> None:
    """Indexes in and out of range, of the wrong type, missing; records, lists and nulls
    where a path expects another; each as a guard and as a require."""
    lines = ['ruleset paths "Paths"', "  schema none", ""]
    for n, test in enumerate(PATHS):
        lines += [f'rule W{n} "guard"', f"  when {test}", "  require true", ""]
        lines += [f'rule Q{n} "require"', f"  require {test}", ""]
    rules = load_ruleset_text("\n".join(lines))
    shapes = {
        "xs": [[1, None], [], "s", {"a": 1}, [{"v": 1}, {"w": 2}]],
        "i": [0, 1, 2, -1, -2, -3, "a", True, 1.5],
        "k": ["xs", "a", "zz", 1],
        "r": [{"a": {"v": 1}}, {"a": None}, {"a": {"v": None}}, [1]],
    }
    documents = [{}]
    for key, values in shapes.items():
        documents = [d | {key: v} for d in documents for v in values] + documents[:3]
    with tempfile.TemporaryDirectory() as folder:
        paths = [_written(d, f"shape-{n}.yaml", folder) for n, d in enumerate(documents)]
        assert _same(rules, paths) == len(documents) > 500
