"""Loading agreements: values, the source map, and every kind of bad input as a finding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qrules.document import agreement_files, load_document
from qrules.model.values import Duration, Percent
from tests.helpers import REPO

Write = Callable[[str, str | bytes], Path]
MALFORMED = REPO / "examples" / "malformed"

HEADER = """\
agreement: qrules/v1
id: QA-1
title: Test agreement
type: supplier-quality
status: draft
parties:
  - role: supplier
    name: Nordvik Stål AS
    country: "NO"
"""


def problems(path: Path | str, **kwargs: object) -> list[tuple[str, int, int, str]]:
    document = load_document(path, **kwargs)  # type: ignore[arg-type]
    return [(p.rule, p.line, p.column, p.message) for p in document.problems]


def test_values_are_typed_by_the_schema(write: Write) -> None:
    path = write(
        "a.yaml",
        HEADER + "effective: 2027-03-01\nchange_control:\n"
        "  notification: 90 days\nsoftware:\n  test_coverage: 85%\n"
        "signatures:\n  - {party: supplier, name: A, title: CEO, date: '2027-02-01'}\n",
    )
    document = load_document(path)
    assert document.problems == []
    data = document.data
    assert data["effective"] == dt.date(2027, 3, 1)
    assert data["change_control"]["notification"] == Duration(90, "days")
    assert data["software"]["test_coverage"] == Percent(85)
    assert data["signatures"][0]["date"] == dt.date(2027, 2, 1)  # quoted, still a date


def test_source_map_points_at_keys_and_list_items(write: Write) -> None:
    path = write(
        "a.yaml",
        HEADER + "scope:\n  products:\n    - part_number: BR-2041\n"
        "      revision: C\n    - part_number: BR-2042\n",
    )
    document = load_document(path)
    assert document.locations[("parties", 0, "country")] == (9, 5)
    assert document.locations[("scope", "products", 1)] == (14, 7)
    assert document.locations[("scope", "products", 0, "revision")] == (13, 7)
    # A missing field is located at its nearest existing parent.
    assert document.locate(("scope", "products", 1, "revision")) == (
        ("scope", "products", 1),
        (14, 7),
    )


def test_markdown_front_matter_keeps_the_file_lines(write: Write) -> None:
    path = write("a.md", "---\n" + HEADER + "audits:\n  right_to_audit: true\n---\n\n# Prose\n")
    document = load_document(path)
    assert document.problems == []
    assert document.locations[("audits", "right_to_audit")] == (12, 3)


def test_markdown_without_front_matter(write: Write) -> None:
    assert problems(write("a.md", "# Just prose\n")) == [
        (
            "yaml-syntax",
            1,
            1,
            "a Markdown agreement starts with YAML front matter between `---` lines",
        )
    ]


def test_json_agreements_have_lines(write: Write) -> None:
    path = write(
        "a.json",
        '{\n  "agreement": "qrules/v1", "id": "QA-1", "title": "T",\n'
        '  "type": "regulatory", "status": "draft",\n'
        '  "parties": [{"role": "supplier", "name": "X", "country": "DE"}]\n}\n',
    )
    document = load_document(path)
    assert document.problems == []
    assert document.locations[("parties", 0, "country")] == (4, 49)


def test_duplicate_key_is_reported_at_the_duplicate() -> None:
    assert problems(MALFORMED / "duplicate-key.yaml") == [
        (
            "duplicate-key",
            19,
            3,
            "duplicate key `notification` (first on line 17); a contract must mean one thing",
        )
    ]


def test_yaml_syntax_error_has_its_line() -> None:
    [(rule, line, _, message)] = problems(MALFORMED / "yaml-syntax.yaml")
    assert (rule, line) == ("yaml-syntax", 19)
    assert "did not find expected ',' or ']'" in message


def test_country_no_is_explained() -> None:
    [(rule, line, column, message)] = problems(MALFORMED / "country-no.yaml")
    assert (rule, line, column) == ("schema", 15, 5)
    assert message == (
        "parties[1].country: `NO` is read as the boolean false (YAML 1.1), not a string"
    )
    assert load_document(MALFORMED / "country-no.yaml").problems[0].hint == 'quote it: "NO"'


def test_revision_1_10_is_explained() -> None:
    [(rule, line, column, message)] = problems(MALFORMED / "revision-float.yaml")
    assert (rule, line, column) == ("schema", 7, 1)
    assert message == "revision: `1.10` is read as the number 1.1, not a string"


def test_ambiguous_values_the_schema_accepts_are_warnings(write: Write) -> None:
    path = write("a.yaml", HEADER + "audits:\n  right_to_audit: yes\n")
    [finding] = load_document(path).problems
    assert (finding.rule, finding.severity, finding.line) == ("yaml-ambiguous", "warning", 11)
    assert finding.message == (
        "audits.right_to_audit: `yes` is the boolean true to YAML 1.1 readers "
        "and a string to YAML 1.2 readers"
    )


def test_octal_looking_numbers_are_flagged(write: Write) -> None:
    path = write("a.yaml", HEADER + "x-count: 0777\n")
    [finding] = load_document(path).problems
    assert finding.rule == "yaml-ambiguous" and "`0777`" in finding.message


def test_python_tags_construct_nothing() -> None:
    [(rule, line, column, message)] = problems(MALFORMED / "python-tag.yaml")
    assert (rule, line, column) == ("yaml-tag", 4, 8)
    assert message.startswith("the tag !!python/object/apply:os.system is not allowed")


def test_custom_tags_are_refused(write: Write) -> None:
    path = write("a.yaml", HEADER + "x-note: !secret value\n")
    [(rule, line, _, message)] = problems(path)
    assert (rule, line) == ("yaml-tag", 10)
    assert "!secret" in message


def test_merge_keys_are_refused(write: Write) -> None:
    path = write("a.yaml", HEADER + "x-base: &b {a: 1}\nx-copy:\n  <<: *b\n")
    assert ("yaml-tag", 12, 3) in [p[:3] for p in problems(path)]


def test_alias_expansion_is_bounded() -> None:
    [(rule, _, _, message)] = problems(MALFORMED / "billion-laughs.yaml")
    assert rule == "yaml-limits"
    assert message.startswith("the agreement has more than 200,000 values")


def test_nesting_depth_is_bounded(write: Write) -> None:
    path = write("a.yaml", HEADER + "x-deep: " + "[" * 100 + "]" * 100 + "\n")
    [(rule, line, _, message)] = problems(path)
    assert (rule, line) == ("yaml-limits", 10)
    assert message == "the agreement has nesting deeper than 64"


def test_file_size_is_bounded(write: Write) -> None:
    path = write("a.yaml", HEADER + "x-big: " + "a" * (5 * 1024 * 1024) + "\n")
    [(rule, _, _, message)] = problems(path)
    assert rule == "yaml-limits" and "bytes; the limit is 5,242,880" in message


def test_binary_files() -> None:
    [(rule, line, _, message)] = problems(MALFORMED / "binary.yaml")
    assert (rule, line) == ("document-unreadable", 9)
    assert message == "the file is binary (it contains NUL bytes), not text"


def test_non_utf8_files_point_at_the_byte() -> None:
    [(rule, line, column, message)] = problems(MALFORMED / "not-utf8.yaml")
    assert (rule, line, column) == ("document-unreadable", 14, 12)
    assert message == "the file is not UTF-8: byte 0xfc cannot be decoded"


def test_missing_file(tmp_path: Path) -> None:
    [(rule, line, _, message)] = problems(tmp_path / "nope.yaml")
    assert (rule, line) == ("document-unreadable", 1)
    assert message == "cannot read the file: No such file or directory"


def test_empty_and_non_mapping_documents(write: Write) -> None:
    assert problems(write("e.yaml", "# nothing\n")) == [
        ("yaml-syntax", 1, 1, "the agreement is empty")
    ]
    assert problems(write("l.yaml", "- a\n- b\n")) == [
        ("yaml-syntax", 1, 1, "an agreement is a mapping of fields, not a list")
    ]


def test_several_documents_in_one_file(write: Write) -> None:
    [(rule, _, _, message)] = problems(write("m.yaml", "a: 1\n---\nb: 2\n"))
    assert rule == "yaml-syntax"
    assert message == "the file holds more than one YAML document; an agreement is one document"


def test_schema_violations_point_at_the_field() -> None:
    found = problems(MALFORMED / "schema-violation.yaml")
    assert ("schema", 18, 3, "inspection.level: IV is not an allowed value") in found
    assert ("schema", 24, 1, "unknown field `change_contol` in the agreement") in found
    typo = next(
        p
        for p in load_document(MALFORMED / "schema-violation.yaml").problems
        if "change_contol" in p.message
    )
    assert typo.hint == "did you mean `change_control`?"


def test_bad_duration_gets_a_hint(write: Write) -> None:
    path = write("a.yaml", HEADER + "change_control:\n  notification: ninety days\n")
    [finding] = load_document(path).problems
    assert (finding.rule, finding.line, finding.column) == ("schema", 11, 3)
    assert finding.message == (
        "change_control.notification: `ninety days` is not a duration like `24 hours` or `3 days`"
    )
    assert finding.hint == (
        "write a number and a unit: minutes, hours, days, weeks, months, years, business days "
        "(e.g. 30 days)"
    )


def test_unknown_agreement_version(write: Write) -> None:
    path = write("a.yaml", HEADER.replace("qrules/v1", "qrules/v9"))
    [(rule, line, column, message)] = problems(path)
    assert (rule, line, column) == ("schema", 1, 1)
    assert message == "unknown agreement format qrules/v9; this qrules reads qrules/v1"


def test_documents_without_the_marker_are_not_schema_checked(write: Write) -> None:
    path = write("own.yaml", "supplier: X\nlead_time: 30 days\nshare: 5%\n")
    document = load_document(path)
    assert document.problems == []
    assert document.data["lead_time"] == Duration(30, "days")
    assert document.data["share"] == Percent(5)


def test_an_organisations_own_schema(write: Write) -> None:
    schema = write(
        "own.schema.json",
        '{"type": "object", "required": ["supplier"],'
        ' "properties": {"lead": {"type": "string", "x-qrules-type": "duration"}}}',
    )
    path = write("own.yaml", "lead: 30 days\n")
    document = load_document(path, schema=schema)
    assert [(p.rule, p.message) for p in document.problems] == [
        ("schema", "the agreement: 'supplier' is a required property")
    ]
    assert document.data["lead"] == Duration(30, "days")


def test_schema_none_skips_validation(write: Write) -> None:
    path = write("a.yaml", HEADER + "unknown_section: 1\n")
    assert problems(path, schema="none") == []


def test_folders_are_walked_for_agreements(tmp_path: Path, write: Write) -> None:
    write("a.yaml", "x: 1\n")
    write("sub/b.json", "{}")
    write("sub/c.md", "---\nx: 1\n---\n")
    write("sub/README.md", "# not an agreement\n")
    write(".hidden/d.yaml", "x: 1\n")
    write("notes.txt", "x")
    found = [Path(p).relative_to(tmp_path).as_posix() for p in agreement_files([str(tmp_path)])]
    assert found == ["a.yaml", "sub/b.json", "sub/c.md"]


@pytest.mark.parametrize("name", ["front-matter.md", "agreement.json"])
def test_valid_malformed_folder_controls(name: str) -> None:
    assert problems(MALFORMED / name) == []


# ---------------------------------------------------------------------------- fast validity

AGREEMENTS = sorted((REPO / "examples" / "agreements").glob("*.yaml")) + sorted(
    (REPO / "rulesets").rglob("tests/*.yaml")
)


def raw_values(path: Path) -> dict[str, object]:
    """An agreement's values as the loader hands them to the schema (dates as text)."""
    import datetime

    import yaml

    def plain(value: object) -> object:
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value.isoformat() if isinstance(value, datetime.date) else value

    return plain(yaml.safe_load(path.read_text(encoding="utf-8")))  # type: ignore[return-value]


MUTATIONS = [
    None,
    True,
    0,
    1.5,
    -3,
    "",
    "x",
    "NO",
    "30 days",
    "ninety days",
    "85%",
    "2027-02-30",
    "2027-01-01",
    [],
    ["a"],
    {},
    {"x-extension": 1},
    {"bogus": 1},
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(AGREEMENTS), st.data())
def test_fast_validity_agrees_with_jsonschema(path: Path, data: st.DataObject) -> None:
    from qrules.document.validate import validator_for
    from qrules.resources import schema_path

    validator = validator_for(str(schema_path()))
    document = raw_values(path)
    target = document  # walk to a random place and replace a value there
    for _ in range(data.draw(st.integers(0, 3))):
        if isinstance(target, dict) and target:
            key = data.draw(st.sampled_from(sorted(target)))
            if not isinstance(target[key], (dict, list)) or not target[key]:
                break
            target = target[key]
        elif isinstance(target, list) and target:
            target = target[data.draw(st.integers(0, len(target) - 1))]
    if isinstance(target, dict) and target:
        target[data.draw(st.sampled_from(sorted(target)))] = data.draw(st.sampled_from(MUTATIONS))
    assert validator.is_valid(document) == validator.explainer.is_valid(document)


@pytest.mark.parametrize(
    ("text", "line", "hint"),
    [
        ("agreement: qrules/v1\nid: x\n\ttitle: y\n", 3, "YAML indents with spaces, not tabs"),
        (
            "agreement: qrules/v1\ntitle: a: b\n",
            2,
            "a value holding `: ` needs quotes, or a key is misplaced",
        ),
        ('agreement: qrules/v1\ntitle: "abc\n', 3, "a quote or bracket is not closed"),
        (
            "agreement: qrules/v1\nparties:\n  - role: x\n   name: y\n",
            4,
            "check the indentation of this line against the lines above",
        ),
    ],
)
def test_common_yaml_mistakes_get_hints(write: Write, text: str, line: int, hint: str) -> None:
    [problem] = load_document(write("a.yaml", text)).problems
    assert (problem.rule, problem.line, problem.hint) == ("yaml-syntax", line, hint)
