"""`qrules lint` through the CLI: every check, exact messages, and misspelt built-in fields."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from qrules.ruleset import load_ruleset
from qrules.syntax import ast
from tests.helpers import REPO, run_cli

Write = Callable[[str, str | bytes], Path]


def lint(*args: str) -> tuple[int, list[str]]:
    result = run_cli("lint", *args)
    return result.exit_code, result.output.splitlines()


def lint_rules(write: Write, text: str) -> tuple[int, list[str], str]:
    path = write("rules.qr", text)
    code, lines = lint(str(path))
    return code, lines, str(path)


CASES = [
    (
        "  require change_control.notificaton >= 30 days",
        "error unknown-field `change_control` has no field `notificaton`",
        "did you mean `notification`?",
    ),
    (
        "  require audit.right_to_audit",
        "error compile undefined name `audit`: not a field of the agreement schema nor a `let`",
        "did you mean `audits`?",
    ),
    (
        "  require all p in scope.products: exists(p.part_numbr)",
        "error unknown-field `p` has no field `part_numbr`",
        "did you mean `part_number`?",
    ),
    (
        "  require change_control.notification >= 30",
        "error type-mismatch duration compared with number using >=: this never holds",
        "write durations with a unit: 30 days",
    ),
    (
        "  require software.test_coverage >= 0.8",
        "error type-mismatch percentage compared with number using >=: this never holds",
        "write percentages with %: 80%",
    ),
    (
        '  require effective > "soon"',
        "error type-mismatch date compared with string using >: this never holds",
        None,
    ),
    (
        '  require type == "supplier-qualty"',
        "error enum-value 'supplier-qualty' is not a value the schema allows here",
        "did you mean 'supplier-quality'?",
    ),
    (
        '  require inspection.level in ["II", "IV"]',
        "error enum-value 'IV' is not a value the schema allows here",
        None,
    ),
    (
        "  require audits.right_to_audit and 1",
        "error type-mismatch `and` needs a boolean, this is a number",
        None,
    ),
    (
        "  require records.retention + 5 > 2 years",
        "error type-mismatch cannot compute duration + number",
        None,
    ),
    (
        "  require quality.aql.major matches /^1/",
        "error type-mismatch `matches` needs a string, this is a number",
        None,
    ),
    (
        "  require id matches /(unclosed/",
        "error compile invalid regular expression /(unclosed/: missing ): (unclosed",
        "qrules uses RE2 syntax: no backreferences or lookaround",
    ),
    (
        "  let unused = 3\n  require true",
        "warning unused-let `let unused` is never used",
        "remove it, or use it in a require or message",
    ),
    ("  requre true", "error syntax unexpected `requre`; expected", "did you mean `require`?"),
]


@pytest.mark.parametrize(("body", "message", "hint"), CASES, ids=[c[1][:40] for c in CASES])
def test_each_check(write: Write, body: str, message: str, hint: str | None) -> None:
    code, lines, path = lint_rules(write, f'ruleset t\nrule A "t"\n  ref "x"\n{body}\n')
    assert code == 1
    found = [line for line in lines if message in line]
    assert found, lines
    assert found[0].startswith(f"{path}:4:")
    after = lines[lines.index(found[0]) + 1 :]
    if "syntax" in message or "compile" in message:  # the source line with a caret
        assert after[0] == f"  {body}" and after[1].strip() == "^"
        after = after[2:]
    if hint:
        assert after[0] == f"    hint: {hint}"


def test_missing_ref_is_a_warning(write: Write) -> None:
    code, lines, path = lint_rules(write, 'ruleset t\nrule A "t"\n  require true\n')
    assert code == 1
    assert lines[0] == f"{path}:2:1: warning missing-ref A cites no source"


def test_unreachable_tiers(write: Write) -> None:
    text = """
        ruleset t
        term T "AQL" at quality.aql.major
          ref "QP-7"
          prefer <= 0.65
          accept <= 0.5 approval "QD"
          reject
          accept approval "never"
    """
    code, lines, path = lint_rules(write, text)
    assert code == 1
    unreachable = [line for line in lines if "unreachable-tier" in line]
    assert unreachable == [
        f"{path}:5:3: warning unreachable-tier this `accept` tier is never reached: "
        "an earlier tier always decides first",
        f"{path}:7:3: warning unreachable-tier this `accept` tier is never reached: "
        "an earlier tier always decides first",
    ]


def test_tier_values_are_type_checked(write: Write) -> None:
    text = 'ruleset t\nterm T "t" at records.retention\n  ref "x"\n  prefer <= 10\n'
    _, lines, path = lint_rules(write, text)
    assert lines[0] == (
        f"{path}:4:3: error type-mismatch duration compared with number using <=: this never holds"
    )


def test_duplicate_ids_across_files(write: Write) -> None:
    first = write("a.qr", 'ruleset a\nrule SAME "t"\n  ref "x"\n  require true\n')
    second = write("b.qr", 'ruleset b\nrule SAME "t"\n  ref "x"\n  require true\n')
    code, lines = lint(str(first), str(second))
    assert code == 1
    assert lines[0] == f"{second}:2:1: error duplicate-id rule id SAME is also defined in {first}"


def test_clean_ruleset_exits_0(write: Write) -> None:
    code, lines, _ = lint_rules(write, 'ruleset t\nrule A "t"\n  ref "x"\n  require true\n')
    assert (code, lines) == (0, ["1 ruleset files linted: 0 findings"])


def test_json_output(write: Write) -> None:
    path = write("rules.qr", 'ruleset t\nrule A "t"\n  require true\n')
    result = run_cli("lint", str(path), "--format", "json")
    assert json.loads(result.output) == {
        "files": 1,
        "findings": [
            {
                "file": str(path),
                "line": 2,
                "column": 1,
                "check": "missing-ref",
                "severity": "warning",
                "message": "A cites no source",
                "hint": 'add `ref "..."` with the clause or policy it comes from',
            }
        ],
    }


def test_a_missing_ruleset_cannot_run() -> None:
    assert run_cli("lint", "no-such-ruleset").exit_code == 2


def test_builtin_rulesets_are_lint_clean() -> None:
    code, lines = lint(str(REPO / "rulesets"))
    assert code == 0, "\n".join(lines)


def first_field(node: ast.Expr) -> ast.Path | None:
    """The first document path with a field segment inside an expression."""
    if isinstance(node, ast.Path) and any(isinstance(s, ast.Field) for s in node.segments):
        return node
    children = [v for v in vars(node).values() if isinstance(v, (tuple, *ast.Expr.__args__))]
    for child in children:
        for item in child if isinstance(child, tuple) else (child,):
            if isinstance(item, ast.Expr.__args__):
                found = first_field(item)
                if found is not None:
                    return found
    return None


def misspellings() -> list[tuple[Path, str, ast.Field]]:
    """One misspelt field for a sample of the built-in rules: (file, rule id, field)."""
    cases = []
    for ruleset in load_ruleset(str(REPO / "rulesets")).rulesets:
        rules = [r for r in ruleset.syntax.rules if isinstance(r, ast.Rule) and r.requires]
        for rule in rules[:3]:
            path = first_field(rule.requires[0].condition)
            if path is not None:
                field = next(s for s in reversed(path.segments) if isinstance(s, ast.Field))
                assert ruleset.file is not None
                cases.append((ruleset.file, rule.id, field))
    return cases


@pytest.mark.parametrize(
    ("file", "rule_id", "field"),
    misspellings(),
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_misspelt_field_in_a_builtin_rule_is_caught(
    tmp_path: Path, file: Path, rule_id: str, field: ast.Field
) -> None:
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    line = lines[field.span.line - 1]
    start = field.span.column - 1
    name = field.name
    middle = len(name) // 2
    misspelt = name[:middle] + name[middle + 1 :]  # drop a letter, as a hurried typist would
    lines[field.span.line - 1] = line[:start] + misspelt + line[start + len(name) :]
    broken = tmp_path / file.name
    broken.write_text("".join(lines), encoding="utf-8")
    code, output = lint(str(broken))
    assert code == 1
    at = f"{broken}:{field.span.line}:{field.span.column}: error unknown-field "
    found = [line for line in output if line.startswith(at)]
    assert found and f"has no field `{misspelt}`" in found[0], output
    assert output[output.index(found[0]) + 1] == f"    hint: did you mean `{name}`?"


def test_rules_of_different_rulesets_that_cannot_both_hold_are_a_conflict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The negotiation engine's regions find what no agreement can satisfy: a term's
    acceptable values against another ruleset's term, or against a simple rule."""
    monkeypatch.chdir(REPO)
    example = "examples/negotiation"
    result = run_cli("lint", f"{example}/customer.qr", f"{example}/supplier.qr")
    conflicts = [line for line in result.stdout.splitlines() if " conflict " in line]
    assert conflicts == [
        f"{example}/supplier.qr:17:1: error conflict S-CONTAIN and C-CONTAIN "
        f"({example}/customer.qr:17) cannot both hold: nonconformance.containment "
        ">= 72 hours here, <= 48 hours there"
    ]
    regulator = tmp_path / "regulator.qr"
    regulator.write_text(
        'ruleset reg\nrule R-RET "kept"\n  ref "x"\n  require records.retention >= 20 years\n'
    )
    result = run_cli("lint", f"{example}/supplier.qr", str(regulator))
    assert "R-RET and S-RETENTION" in result.stdout
    alone = run_cli("lint", f"{example}/customer.qr")
    assert " conflict " not in alone.stdout
