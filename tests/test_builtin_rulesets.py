"""The built-in rulesets, checked against the annotated agreements in their tests/ folders.

Each ``rulesets/**/tests/*.yaml`` starts with comments saying what must fire::

    # expect: ISO9001-8.4.3-f@55, ISO9001-8.5.6
    # today: 2026-11-26

The rules that fire (unwaived) must be exactly the expected ones, at the pinned lines. Beyond
that: every rule and term fires somewhere and applies in a passing example, every tier kind a
term uses is exercised, ISO rules carry their clause, and docs/rulesets.md is `qrules doc`'s
output.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from qrules.compile import Env, MissingField
from qrules.document import load_document
from qrules.engine import check
from qrules.findings import DocumentResult
from qrules.ruleset import Rulebook, load_ruleset
from qrules.syntax import ast
from tests.helpers import REPO, run_cli

RULESETS = REPO / "rulesets"
DOCS = REPO / "docs" / "rulesets.md"
FOLDERS = [  # standards first, then the organisational rulesets
    p
    for group in (RULESETS, RULESETS / "custom")
    for p in sorted(group.iterdir())
    if p.is_dir() and list(p.glob("*.qr"))
]
HEADER = re.compile(r"^#\s*(expect|today)\s*:\s*(.*?)\s*$")


def name_of(folder: Path) -> str:
    return str(folder.relative_to(RULESETS))


def cases() -> Iterator[tuple[Path, Path]]:
    for folder in FOLDERS:
        for path in sorted((folder / "tests").glob("*.yaml")):
            yield folder, path


def read_header(path: Path) -> tuple[set[tuple[str, int | None]], dt.date]:
    """The ``# expect:`` items (rule, pinned line or None) and the ``# today:`` date."""
    expected: set[tuple[str, int | None]] = set()
    today = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        match = HEADER.match(line)
        if match and match[1] == "today":
            today = dt.date.fromisoformat(match[2])
        elif match and match[2] != "none":
            for item in (part.strip() for part in match[2].split(",")):
                rule, _, line_no = item.partition("@")
                expected.add((rule, int(line_no) if line_no else None))
    assert today is not None, f"{path}: no `# today:` line"
    return expected, today


@cache
def rulebook(folder: Path) -> Rulebook:
    return load_ruleset(folder)


@cache
def result_of(folder: Path, path: Path) -> DocumentResult:
    _, today = read_header(path)
    return check(rulebook(folder), path, today=today)


@pytest.mark.parametrize(
    ("folder", "path"), list(cases()), ids=lambda v: v.name if isinstance(v, Path) else v
)
def test_expected_rules_fire(folder: Path, path: Path) -> None:
    expected, _ = read_header(path)
    active = [f for f in result_of(folder, path).findings if not f.waived]
    fired = {f.rule for f in active}
    shown = "\n".join(f"  {f.line}: {f.rule} {f.severity} {f.message}" for f in active)
    assert fired == {rule for rule, _ in expected}, f"{path} fired:\n{shown}"
    for rule, line in expected:
        if line is not None:
            assert line in {f.line for f in active if f.rule == rule}, f"{rule}@{line}:\n{shown}"


def test_every_ruleset_has_tests() -> None:
    assert {
        "iso9001",
        "custom/automotive-supplier",
        "custom/gmp-contract-manufacturing",
        "custom/software-delivery",
    } <= {name_of(f) for f in FOLDERS}
    for folder in FOLDERS:
        assert list((folder / "tests").glob("pass-*.yaml")), f"{folder} has no passing example"


@pytest.mark.parametrize("folder", FOLDERS, ids=name_of)
def test_every_rule_and_term_is_expected_to_fire(folder: Path) -> None:
    expected = {
        rule
        for case_folder, path in cases()
        if case_folder == folder
        for rule, _line in read_header(path)[0]
    }
    assert rulebook(folder).rule_ids() - expected == set()


@pytest.mark.parametrize("folder", FOLDERS, ids=name_of)
def test_every_tier_kind_of_every_term_is_exercised(folder: Path) -> None:
    exercised = {
        (f.rule, f.tier)
        for case_folder, path in cases()
        if case_folder == folder
        for f in result_of(folder, path).findings
        if f.tier
    }
    for term in (c for c in rulebook(folder).checks if c.info.kind == "term"):
        kinds = {tier.kind for tier in term.tiers} - {"prefer"}
        missing = {kind for kind in kinds if (term.info.id, kind) not in exercised}
        assert not missing, f"{term.info.id}: no test ends in its {sorted(missing)} tier"


@pytest.mark.parametrize("folder", FOLDERS, ids=name_of)
def test_every_rule_and_term_applies_in_a_passing_example(folder: Path) -> None:
    """A passing example only covers a rule whose scope and `when` guards hold there."""
    passing = [
        load_document(path)
        for case_folder, path in cases()
        if case_folder == folder and not read_header(path)[0]
    ]
    for compiled in rulebook(folder).checks:
        assert any(applies(compiled.conditions, doc.data) for doc in passing), compiled.info.id


def applies(conditions: tuple, data: object) -> bool:
    env = Env(data, dt.date(2026, 11, 26))
    try:
        return all(condition(env) is True for condition in conditions)
    except MissingField:
        return False


# ---------------------------------------------------------------------------- ISO 9001

ISO_ID = re.compile(r"^ISO9001-([0-9]+(?:\.[0-9]+)*)(?:-(.+))?$")
ISO_REF = re.compile(r"^ISO 9001:2015 ([0-9]+(?:\.[0-9]+)*)(?: ([a-z])\))?$")

# Official clause headings of ISO 9001:2015. Our titles, messages and hints paraphrase;
# none may reproduce a heading.
HEADINGS = (
    "Quality objectives and planning to achieve them",
    "Monitoring and measuring resources",
    "Measurement traceability",
    "Control of documented information",
    "Requirements for products and services",
    "Determining the requirements for products and services",
    "Review of the requirements for products and services",
    "Changes to requirements for products and services",
    "Control of externally provided processes, products and services",
    "Type and extent of control",
    "Information for external providers",
    "Property belonging to customers or external providers",
    "Control of changes",
    "Control of nonconforming outputs",
    "Nonconformity and corrective action",
)


def iso_statements() -> list[ast.Rule | ast.Term]:
    return [s for r in rulebook(RULESETS / "iso9001").rulesets for s in r.syntax.rules]


def test_every_iso_rule_cites_the_clause_in_its_id() -> None:
    for compiled in rulebook(RULESETS / "iso9001").checks:
        rule_id, refs = compiled.info.id, compiled.info.refs
        match = ISO_ID.match(rule_id)
        assert match, f"{rule_id} is not ISO9001-<clause>[-<item>]"
        clause, item = match[1], match[2] or ""
        cited = [m for m in map(ISO_REF.match, refs) if m]
        assert cited, f"{rule_id} has no ref starting with 'ISO 9001:2015': {refs}"
        assert any(
            (m[1] == clause or m[1].startswith(clause + ".")) and (not m[2] or item[:1] == m[2])
            for m in cited
        ), f"{rule_id} does not carry the clause of its refs {refs}"


def test_iso_wording_is_our_own() -> None:
    for statement in iso_statements():
        texts = [statement.title]
        texts += [t.text for t in (getattr(statement, "message", None), statement.hint) if t]
        for text in texts:
            lowered = text.lower()
            for heading in HEADINGS:
                assert heading.lower() not in lowered, f"{statement.id} quotes a heading: {text}"
            assert not re.search(r"\bshall\b", lowered), f"{statement.id} reads like the standard"


# ---------------------------------------------------------------------------- docs/rulesets.md


def test_docs_are_generated_from_the_rulesets(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/rulesets.md is `qrules doc`'s output; QRULES_UPDATE_GOLDEN=1 rewrites it."""
    monkeypatch.chdir(REPO)  # the page names each ruleset's source relative to here
    generated = run_cli("doc").stdout
    if os.environ.get("QRULES_UPDATE_GOLDEN") == "1":
        DOCS.write_text(generated, encoding="utf-8")
    current = DOCS.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            current.splitlines(True), generated.splitlines(True), "docs/rulesets.md", "qrules doc"
        )
    )
    assert not diff, f"docs/rulesets.md is stale (QRULES_UPDATE_GOLDEN=1 to rewrite):\n{diff}"


def role_literals(node: object) -> Iterator[tuple[str, ...]]:
    """The roles of each comparison of a ``.role`` field with string literals."""
    if isinstance(node, ast.Binary) and isinstance(node.left, ast.Path):
        last = node.left.segments[-1] if node.left.segments else None
        if isinstance(last, ast.Field) and last.name == "role":
            items = node.right.items if isinstance(node.right, ast.ListExpr) else (node.right,)
            yield tuple(str(i.value) for i in items if isinstance(i, ast.Literal))
    if hasattr(node, "__dataclass_fields__"):
        for name in node.__dataclass_fields__:
            yield from role_literals(getattr(node, name))
    elif isinstance(node, tuple):
        for item in node:
            yield from role_literals(item)


def all_role_lists() -> list[tuple[str, tuple[str, ...]]]:
    return [
        (statement.id, roles)
        for folder in FOLDERS
        for ruleset in rulebook(folder).rulesets
        for statement in ruleset.syntax.rules
        for roles in role_literals(statement)
    ]


def test_every_role_a_rule_names_is_one_the_schema_documents() -> None:
    schema = json.loads((REPO / "qrules" / "schema" / "agreement.schema.json").read_text())
    known = set(schema["properties"]["parties"]["items"]["properties"]["role"]["examples"])
    lists = all_role_lists()
    assert lists, "no rule compares a role: the walk found nothing"
    unknown = [(rule, role) for rule, roles in lists for role in roles if role not in known]
    assert unknown == []


def test_rules_about_the_provider_accept_every_providing_role() -> None:
    """ISO 9001 says "external provider"; an agreement may call that party supplier,
    provider or contract acceptor, and every such rule must accept all of them."""
    schema = json.loads((REPO / "qrules" / "schema" / "agreement.schema.json").read_text())
    providing = set(schema["$defs"]["providing_role"]["enum"])
    supplier_side = [(rule, set(roles)) for rule, roles in all_role_lists() if "supplier" in roles]
    assert supplier_side
    assert [(rule, providing - roles) for rule, roles in supplier_side if providing - roles] == []
