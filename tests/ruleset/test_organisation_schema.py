"""An organisation's own fields and schema (issue 13, part 1): back-quoted field names, a
schema that extends the built-in one, typed values, and one precedence for every command."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from qrules.errors import QrulesError, RulesetError
from qrules.ruleset import compile_text, load_ruleset
from qrules.schema import BUILTIN_ID, load_schema
from qrules.syntax.format import format_text
from qrules.syntax.parser import parse_expression, parse_ruleset
from tests.helpers import REPO, run_cli

Write = Callable[[str, str], Path]

CLEAN = (REPO / "examples" / "quickstart" / "clean.yaml").read_text(encoding="utf-8")

ORG_SCHEMA = json.dumps(
    {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "allOf": [{"$ref": BUILTIN_ID}],
        "properties": {
            "x-complaints": {
                "type": "object",
                "properties": {
                    "response": {"type": "string", "format": "duration"},
                    "escalated": {"type": "string", "format": "percent"},
                    "reviewed": {"type": "string", "format": "date"},
                },
                "additionalProperties": False,
            },
            "change_control": {"properties": {"x-written": {"type": "boolean"}}},
        },
    }
)

RULES = """\
ruleset org "Our policy"
  schema "org.schema.json"

rule ORG-COMPLAINT "Complaints answered within 48 hours"
  ref "QP-12"
  require `x-complaints`.response <= 48 hours
  message "Complaint response {`x-complaints`.response} is longer than 48 hours"

rule ORG-WRITTEN "Changes approved in writing"
  ref "QP-7"
  require change_control.`x-written` == true
"""


@pytest.fixture
def org(write: Write) -> Path:
    """A folder with the organisation's schema, its ruleset and an agreement using both."""
    write("org/org.schema.json", ORG_SCHEMA)
    write("org/org.qr", RULES)
    write(
        "org/late.yaml",
        CLEAN + "x-complaints:\n  response: 72 hours\n  escalated: 5%\n  reviewed: 2026-10-01\n",
    )
    return write("org/on-time.yaml", CLEAN + "x-complaints:\n  response: 2 days\n").parent


# ---------------------------------------------------------------------------- syntax


def test_back_quoted_names_read_any_key() -> None:
    node = parse_expression("`x-complaints`.response <= 48 hours and a.`2nd tier`[0]")
    assert node.left.left.root == "x-complaints"  # type: ignore[union-attr]
    assert node.right.segments[0].name == "2nd tier"  # type: ignore[union-attr]


def test_fmt_quotes_exactly_the_names_that_need_it() -> None:
    text = 'ruleset x\nrule A "t"\n  require `plain`.`x-y` == `not`.a # kept\n'
    formatted = format_text(text)
    assert formatted == 'ruleset x\n\nrule A "t"\n  require plain.`x-y` == `not`.a  # kept\n'
    assert parse_ruleset(formatted) == parse_ruleset(text)


def test_an_unclosed_back_quote_is_a_located_error() -> None:
    with pytest.raises(QrulesError) as caught:
        compile_text('ruleset x\nrule A "t"\n  require `x-a.b == 1\n', "bad.qr")
    assert (caught.value.line, caught.value.column) == (3, 11)
    assert "back-quote" in caught.value.message and "`x-complaints`" in str(caught.value.hint)


# ---------------------------------------------------------------------------- schema


def test_an_extending_schema_has_the_builtin_fields_and_its_own(org: Path) -> None:
    schema = load_schema(str(org / "org.schema.json"))
    assert {"x-complaints", "change_control", "audits", "parties"} <= schema.roots
    assert "https" not in json.dumps(schema.root).replace("https://json-schema.org", "")


def test_check_uses_the_header_schema_and_its_typed_fields(org: Path) -> None:
    result = run_cli(
        "check",
        str(org / "late.yaml"),
        str(org / "on-time.yaml"),
        "-r",
        str(org / "org.qr"),
        "-f",
        "json",
    )
    documents = {Path(d["path"]).name: d for d in json.loads(result.output)["documents"]}
    late = {f["rule"]: f for f in documents["late.yaml"]["findings"]}
    assert late["ORG-COMPLAINT"]["message"] == "Complaint response 72 hours is longer than 48 hours"
    assert set(late) == {"ORG-COMPLAINT", "ORG-WRITTEN"}  # no "unknown field" findings
    assert {f["rule"] for f in documents["on-time.yaml"]["findings"]} == {"ORG-WRITTEN"}


def test_a_badly_typed_own_field_is_a_schema_finding(org: Path, write: Write) -> None:
    bad = write("org/bad.yaml", CLEAN + "x-complaints:\n  response: soon\n")
    result = run_cli("check", str(bad), "-r", str(org / "org.qr"), "-f", "json")
    (finding,) = [
        f for f in json.loads(result.output)["documents"][0]["findings"] if f["rule"] == "schema"
    ]
    assert finding["path"] == "x-complaints.response"
    assert "30 days" in finding["hint"]


def test_without_the_schema_own_fields_are_unknown(org: Path) -> None:
    result = run_cli("check", str(org / "late.yaml"), "-r", "iso9001", "-f", "json")
    messages = [f["message"] for f in json.loads(result.output)["documents"][0]["findings"]]
    assert not any("x-complaints" in m for m in messages)  # x- keys are extensions
    strict = run_cli(
        "check", str(org / "late.yaml"), "-r", "iso9001", "--schema", str(org / "org.schema.json")
    )
    assert strict.exit_code == 1 and "x-complaints" not in strict.output


def test_the_command_line_wins_over_the_header(org: Path) -> None:
    result = run_cli("check", str(org / "late.yaml"), "-r", str(org / "org.qr"), "--schema", "none")
    assert "ORG-COMPLAINT" in result.output
    with pytest.raises(RulesetError, match=r"undefined name `change_control`"):
        load_ruleset(org / "org.qr", schema=str(REPO / "qrules" / "schema" / "config.schema.json"))


def test_the_configuration_schema_serves_lint_test_and_explain(
    org: Path, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    headless = RULES.replace('  schema "org.schema.json"\n', "")
    write("repo/rules/org.qr", headless)
    write("repo/org.schema.json", ORG_SCHEMA)
    write("repo/.qrules.yaml", "rulesets: [rules]\nschema: org.schema.json\n")
    write(
        "repo/rules/tests/late.yaml",
        "# expect: ORG-COMPLAINT, ORG-WRITTEN\n" + (org / "late.yaml").read_text(),
    )
    repo = org.parent / "repo"
    monkeypatch.chdir(repo)
    assert run_cli("lint", "rules").exit_code == 0
    assert run_cli("test", "rules").exit_code == 0
    assert "ORG-COMPLAINT" in run_cli("explain", "ORG-COMPLAINT", "-r", "rules").output
    assert run_cli("check", "rules/tests/late.yaml").exit_code == 1
    # Without the configuration, the built-in schema does not type the own fields.
    (repo / ".qrules.yaml").unlink()
    untyped = run_cli("check", "rules/tests/late.yaml", "-r", "rules").output
    assert "cannot compare string 72 hours with duration 48 hours" in untyped


def test_rulesets_naming_different_schemas_need_one_for_the_run(org: Path, write: Write) -> None:
    write("org/other.schema.json", json.dumps({"allOf": [{"$ref": BUILTIN_ID}]}))
    other = write("org/other.qr", 'ruleset other\n  schema "other.schema.json"\n')
    with pytest.raises(RulesetError, match="different agreement schemas") as caught:
        load_ruleset(org / "org.qr", other)
    assert caught.value.source.endswith("other.qr") and caught.value.line == 1
    chosen = str(org / "org.schema.json")
    assert load_ruleset(org / "org.qr", other, schema=chosen).schema == chosen


def test_a_schema_may_extend_a_file_by_relative_path(write: Write) -> None:
    write(
        "s/base.json",
        json.dumps(
            {
                "$defs": {"d": {"type": "string", "format": "duration"}},
                "type": "object",
                "properties": {"a": {"$ref": "#/$defs/d"}},
            }
        ),
    )
    top = write(
        "s/top.json",
        json.dumps(
            {"allOf": [{"$ref": "base.json"}], "properties": {"b": {"$ref": "base.json#/$defs/d"}}}
        ),
    )
    schema = load_schema(str(top))
    assert schema.roots == {"a", "b"}
    assert schema.view(schema.view(schema.root)["properties"]["b"])["format"] == "duration"


def test_a_missing_referenced_schema_is_a_located_error(write: Write) -> None:
    write("m/top.json", json.dumps({"allOf": [{"$ref": "gone.json"}]}))
    ruleset = write("m/m.qr", 'ruleset m\n  schema "top.json"\n')
    with pytest.raises(RulesetError, match=r"cannot read the schema 'gone\.json'") as caught:
        load_ruleset(ruleset)
    assert caught.value.line == 1


def test_a_network_reference_is_refused(write: Write) -> None:
    write("n/top.json", json.dumps({"allOf": [{"$ref": "https://example.org/x.json"}]}))
    ruleset = write("n/n.qr", 'ruleset n\n  schema "top.json"\n')
    with pytest.raises(RulesetError, match="files only"):
        load_ruleset(ruleset)


def test_negotiate_reads_the_draft_with_the_schema(org: Path, write: Write) -> None:
    term = 'term {id} "Complaint response" at `x-complaints`.response\n  ref "QP"\n  prefer <= {n} hours\n  reject\n'
    write("org/a.qr", 'ruleset a\n  schema "org.schema.json"\n\n' + term.format(id="A-1", n=48))
    write("org/b.qr", 'ruleset b\n  schema "org.schema.json"\n\n' + term.format(id="B-1", n=96))
    result = run_cli(
        "negotiate",
        str(org / "late.yaml"),
        "--party",
        f"a={org / 'a.qr'}",
        "--party",
        f"b={org / 'b.qr'}",
        "-f",
        "json",
    )
    assert result.exit_code == 0, result.output
    assert "72 hours" in result.output


def test_schema_extend_prints_a_schema_that_checks_agreements(org: Path, tmp_path: Path) -> None:
    printed = run_cli("schema", "--extend", "-o", str(tmp_path / "ours.json"))
    assert printed.exit_code == 0
    schema = load_schema(str(tmp_path / "ours.json"))
    assert {"x-complaints", "x-reviewed", "parties"} <= schema.roots
    result = run_cli(
        "check", str(org / "on-time.yaml"), "-r", "iso9001", "--schema", str(tmp_path / "ours.json")
    )
    assert "x-complaints" not in result.output


def test_init_writes_an_organisation_schema_that_extends_the_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_cli("init").exit_code == 0
    schema = load_schema(str(tmp_path / ".qrules" / "organisation.schema.json"))
    assert {"x-complaints", "agreement"} <= schema.roots
    result = run_cli(
        "check", "agreements/example.yaml", "--schema", ".qrules/organisation.schema.json"
    )
    assert result.exit_code == 0, result.output


def test_a_schema_pulling_in_too_many_files_is_refused(write: Write) -> None:
    from qrules.limits import MAX_SCHEMA_FILES

    for n in range(MAX_SCHEMA_FILES + 2):
        write(f"chain/s{n}.json", json.dumps({"allOf": [{"$ref": f"s{n + 1}.json"}]}))
    write(f"chain/s{MAX_SCHEMA_FILES + 2}.json", "{}")
    ruleset = write("chain/c.qr", 'ruleset c\n  schema "s0.json"\n')
    with pytest.raises(RulesetError, match=f"more than {MAX_SCHEMA_FILES} schema files"):
        load_ruleset(ruleset)
