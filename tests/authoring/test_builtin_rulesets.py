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

from qrules.authoring import testing
from qrules.authoring.expectations import mismatches
from qrules.compile import Env, MissingField
from qrules.document import load_document
from qrules.engine import check
from qrules.model.findings import DocumentResult
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


def name_of(folder: Path) -> str:
    return str(folder.relative_to(RULESETS))


def cases() -> Iterator[tuple[Path, Path]]:
    for folder in FOLDERS:
        for path in sorted((folder / "tests").glob("*.yaml")):
            yield folder, path


def read_header(path: Path) -> tuple[set[tuple[str, int | None]], dt.date]:
    """The ``# expect:`` items (rule, pinned line or None) and the ``# today:`` date, read
    by the test runner's own parser."""
    expected, today = testing.read_header(path)
    assert today is not None, f"{path}: no `# today:` line"
    return {(e.rule, e.line) for e in expected or ()}, today


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
    expected, _ = testing.read_header(path)
    active = [f for f in result_of(folder, path).findings if not f.waived]
    shown = "\n".join(f"  {f.line}: {f.rule} {f.severity} {f.message}" for f in active)
    assert mismatches(expected or (), active) == [], f"{path} fired:\n{shown}"


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


ISO_RULESETS = ("iso9001", "iso9001-evidence")


def iso_statements() -> list[ast.Rule | ast.Term]:
    return [
        s
        for name in ISO_RULESETS
        for r in rulebook(RULESETS / name).rulesets
        for s in r.syntax.rules
    ]


@pytest.mark.parametrize("name", ISO_RULESETS)
def test_every_iso_rule_cites_the_clause_in_its_id(name: str) -> None:
    for compiled in rulebook(RULESETS / name).checks:
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


def test_the_iso_rulesets_have_no_rule_id_in_common() -> None:
    """They are used together (`-r iso9001 -r iso9001-evidence`): ids must not collide."""
    load_ruleset(RULESETS / "iso9001", RULESETS / "iso9001-evidence")


# ---------------------------------------------------------------------------- calibration
# A complete, sensible agreement written with core sections only must not fail iso9001:
# rulesets/iso9001/tests/pass-core-*.yaml are such agreements from seven industries.

CORPUS = sorted((RULESETS / "iso9001" / "tests").glob("pass-core-*.yaml"))


def core_paths() -> set[str]:
    """The stable core of the format (DESIGN.md), as tests/document/test_schema_file.py lists it,
    with every section and list above those fields."""
    from tests.document.test_schema_file import CORE_PATHS

    paths = set()
    for dotted in CORE_PATHS:
        parts = dotted.split(".")
        paths |= {".".join(parts[: i + 1]) for i in range(len(parts))}
    paths |= {p.removesuffix("[]") for p in paths}
    # a site is a name or {name, country, address}; both forms are the core `sites[]`
    return paths | {f"scope.sites[].{key}" for key in ("name", "country", "address")}


def document_paths(value: object, prefix: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            yield path
            yield from document_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)):
                yield from document_paths(item, prefix + "[]")
            else:
                yield prefix + "[]"


def test_the_calibration_corpus_is_seven_core_only_agreements_of_every_kind() -> None:
    assert len(CORPUS) >= 7
    kinds = {load_document(path).data["type"] for path in CORPUS}
    assert {"supplier-quality", "contract-manufacturing", "software-delivery"} <= kinds
    assert {"internal-objectives", "regulatory"} <= kinds
    core = core_paths()
    for path in CORPUS:
        extra = sorted(set(document_paths(load_document(path).data)) - core)
        assert extra == [], f"{path.name} uses fields outside the core: {extra}"


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_a_complete_core_agreement_passes_iso9001_without_any_finding(path: Path) -> None:
    result = check(rulebook(RULESETS / "iso9001"), path, today=dt.date(2026, 11, 26))
    assert [(f.rule, f.line, f.message) for f in result.findings] == []


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_iso9001_evidence_only_warns_about_a_complete_core_agreement(path: Path) -> None:
    rules = load_ruleset(RULESETS / "iso9001", RULESETS / "iso9001-evidence")
    result = check(rules, path, today=dt.date(2026, 11, 26))
    assert {f.severity for f in result.findings} <= {"warning"}
    assert {f.rule for f in result.findings} <= {"ISO9001-8.2.3-recorded", "ISO9001-8.4.1-recorded"}


def test_the_calibration_corpus_passes_the_organisational_ruleset_of_its_industry() -> None:
    """Where the core sections carry what the ruleset's source demands, it passes them."""
    software = RULESETS / "custom" / "software-delivery"
    core = RULESETS / "iso9001" / "tests" / "pass-core-software.yaml"
    assert list(check(rulebook(software), core).findings) == []
    # automotive-supplier demands PPAP (IATF 16949 8.3.4.4), which only first_article says.
    automotive = RULESETS / "custom" / "automotive-supplier" / "tests"
    core_only = check(rulebook(automotive.parent), automotive / "fail-ppap-core-only.yaml")
    assert [f.rule for f in core_only.findings] == ["AUTO-PPAP"]
    with_ppap = check(rulebook(automotive.parent), automotive / "pass-core-castings.yaml")
    assert list(with_ppap.findings) == []


# ---------------------------------------------------------------------- docs/agreement-format.md

FORMAT_DOC = REPO / "docs" / "agreement-format.md"


def read_paths(node: object, bound: dict[str, str | None]) -> Iterator[str]:
    """The agreement fields an expression reads, with ``[]`` for list elements; names bound
    by a quantifier stand for the list's element, `let` names for nothing."""
    if isinstance(node, ast.Path):
        prefix = bound.get(node.root, node.root)
        if prefix is None:
            return
        parts = [prefix]
        for segment in node.segments:
            if isinstance(segment, ast.Index):
                yield from read_paths(segment.index, bound)
                break
            parts.append(segment.name)
        yield ".".join(parts)
    elif isinstance(node, (ast.Quantifier, ast.Count)):
        yield from read_paths(node.iterable, bound)
        iterable = node.iterable
        lists = list(read_paths(iterable, bound)) if isinstance(iterable, ast.Path) else []
        element = lists[-1] + "[]" if lists else None  # a literal list binds nothing to read
        inner = {**bound, node.var: element}
        body = node.body if isinstance(node, ast.Quantifier) else node.condition
        yield from read_paths(body, inner)
    elif isinstance(node, tuple):
        for item in node:
            yield from read_paths(item, bound)
    elif isinstance(node, ast.Template):
        return  # messages and hints show values; they do not decide anything
    elif hasattr(node, "__dataclass_fields__"):
        for name in node.__dataclass_fields__:
            if name not in ("span", "layout"):
                yield from read_paths(getattr(node, name), bound)


def fields_read() -> dict[str, set[str]]:
    """Every agreement field a built-in rule or term reads, with the ids reading it."""
    found: dict[str, set[str]] = {}
    for folder in FOLDERS:
        for ruleset in rulebook(folder).rulesets:
            for statement in ruleset.syntax.rules:
                lets: dict[str, str | None] = {
                    let.name: None for let in getattr(statement, "lets", ())
                }
                for path in read_paths(statement, lets):
                    found.setdefault(path, set()).add(statement.id)
    return found


def schema_has(schema: dict, dotted: str) -> bool:
    node = schema
    for part in dotted.replace("[]", ".[]").split("."):
        while "$ref" in node:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        if part == "[]":
            node = node.get("items", {})
        elif part in node.get("properties", {}):
            node = node["properties"][part]
        else:
            return False
    return True


def test_every_field_a_builtin_rule_reads_is_in_the_schema_and_documented() -> None:
    schema = json.loads((REPO / "qrules" / "schema" / "agreement.schema.json").read_text())
    page = FORMAT_DOC.read_text(encoding="utf-8")
    fields = fields_read()
    assert "scope.products[].specification" in fields and "records.retention" in fields
    not_in_schema = sorted(p for p in fields if not schema_has(schema, p))
    assert not_in_schema == []
    undocumented = sorted(p for p in fields if f"`{p}`" not in page)
    assert undocumented == [], f"docs/agreement-format.md does not describe {undocumented}"


def yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", FORMAT_DOC.read_text(encoding="utf-8"), re.S)


def test_the_format_page_shows_the_complete_core_agreement_of_the_corpus() -> None:
    complete = yaml_blocks()[0]
    corpus = (RULESETS / "iso9001" / "tests" / "pass-core-castings.yaml").read_text()
    assert corpus.endswith(complete)


def test_every_example_on_the_format_page_holds_in_a_complete_agreement(tmp_path: Path) -> None:
    """Each snippet, put into the complete example, is valid and breaks no iso9001 rule."""
    import yaml

    blocks = yaml_blocks()
    base = yaml.safe_load(blocks[0])
    rules = load_ruleset(RULESETS / "iso9001", RULESETS / "iso9001-evidence")
    for number, block in enumerate(blocks[1:], start=1):
        path = tmp_path / f"example-{number}.yaml"
        path.write_text(json.dumps({**base, **yaml.safe_load(block)}, default=str))
        result = check(rules, path, today=dt.date(2026, 11, 26))
        errors = [(f.rule, f.message) for f in result.findings if f.severity == "error"]
        assert errors == [], f"example {number}:\n{block}"
