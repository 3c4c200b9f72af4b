"""The agreement JSON Schema, and the example agreements that must satisfy it."""

from __future__ import annotations

import copy
import datetime
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from tests.helpers import REPO

ROOT = REPO
SCHEMA_PATH = ROOT / "qrules" / "schema" / "agreement.schema.json"
AGREEMENTS = sorted((ROOT / "examples" / "agreements").glob("*.yaml"))
MALFORMED = ROOT / "examples" / "malformed"
REFERENCE = ROOT.parent / "shared" / "reference" / "iso2859" / "iso2859-1.json"
MODELINE = "# yaml-language-server: $schema=../../qrules/schema/agreement.schema.json"
CLEAN = ["brennwald-nordvik-steel.yaml", "corrib-halvorsen-device-molding.yaml"]


def _words(text: str) -> list[str]:
    return text.split()


# Paths that DESIGN.md names as the stable core; rules may rely on every one of them.
CORE_PATHS = _words("""
agreement id title type status revision effective term
parties[].role parties[].name parties[].country
parties[].certifications[].standard parties[].certifications[].certificate
parties[].certifications[].expires
scope.products[].part_number scope.products[].name scope.products[].revision
scope.products[].specification scope.services[] scope.sites[]
quality.aql.critical quality.aql.major quality.aql.minor quality.ppm_target
quality.objectives[].name quality.objectives[].target quality.objectives[].measure
quality.objectives[].owner quality.objectives[].due
inspection.standard inspection.level inspection.mode inspection.lot_size
inspection.sample_size inspection.accept inspection.reject
change_control.notification change_control.approval_required
nonconformance.containment nonconformance.root_cause nonconformance.corrective_action
nonconformance.method
audits.right_to_audit audits.notice audits.regulator_access
records.retention calibration.traceable_to
subcontracting.allowed subcontracting.approval_required subcontracting.flow_down
software.max_open_defects.critical software.max_open_defects.major
software.max_open_defects.minor software.test_coverage software.acceptance_period
software.fix_times.critical software.fix_times.major software.fix_times.minor
signatures[].party signatures[].name signatures[].title signatures[].date
waivers[].rule waivers[].reason waivers[].approved_by waivers[].expires
""")

TYPED_PATHS = {
    "effective": "date",
    "term": "duration",
    "parties[].certifications[].expires": "date",
    "quality.objectives[].due": "date",
    "change_control.notification": "duration",
    "nonconformance.containment": "duration",
    "nonconformance.root_cause": "duration",
    "nonconformance.corrective_action": "duration",
    "audits.notice": "duration",
    "records.retention": "duration",
    "records.retention_beyond_part_life": "duration",
    "software.test_coverage": "percent",
    "software.acceptance_period": "duration",
    "software.fix_times.critical": "duration",
    "software.fix_times.major": "duration",
    "software.fix_times.minor": "duration",
    "signatures[].date": "date",
    "waivers[].expires": "date",
    "regulator.inspection_notification": "duration",
    "supplier_evaluation.reevaluation_interval": "duration",
    "requirements.review_date": "date",
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def plain(value: Any) -> Any:
    """What the loader hands to the schema: YAML dates become ISO strings."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def load(path: Path) -> Any:
    return plain(yaml.safe_load(path.read_text(encoding="utf-8")))


def errors(validator: Draft202012Validator, doc: Any) -> list[tuple[tuple[Any, ...], str]]:
    found = validator.iter_errors(doc)
    return sorted((tuple(e.absolute_path), str(e.validator)) for e in found)


def subschemas(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            if key in ("properties", "$defs", "patternProperties"):
                for name, sub in value.items():
                    yield from subschemas(sub, f"{where}/{key}/{name}")
            elif key in ("items", "additionalProperties"):
                yield from subschemas(value, f"{where}/{key}")
            elif key in ("oneOf", "anyOf", "allOf"):
                for index, sub in enumerate(value):
                    yield from subschemas(sub, f"{where}/{key}/{index}")


def resolve(schema: dict[str, Any], dotted: str) -> dict[str, Any]:
    """Walk properties/items for a path like ``parties[].certifications[].expires``."""
    node = schema
    for part in dotted.split("."):
        name, is_list = part.removesuffix("[]"), part.endswith("[]")
        node = node["properties"][name]
        if is_list:
            assert node["type"] == "array", dotted
            node = node["items"]
    return node


def minimal() -> dict[str, Any]:
    return {
        "agreement": "qrules/v1",
        "id": "SQA-2027-001",
        "title": "Test agreement",
        "type": "supplier-quality",
        "status": "draft",
        "parties": [{"role": "supplier", "name": "Nordvik Stål AS", "country": "NO"}],
    }


def with_value(dotted: str, value: Any) -> dict[str, Any]:
    doc = minimal()
    node: Any = doc
    parts = dotted.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    node[parts[-1]] = value
    return doc


# --- the schema itself -------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12(schema: dict[str, Any]) -> None:
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "https://qrules.dev/schema/agreement/v1.json"
    assert schema["title"] and schema["description"]


def test_required_top_level_fields(schema: dict[str, Any]) -> None:
    assert set(schema["required"]) == {"agreement", "id", "title", "type", "status", "parties"}
    assert schema["properties"]["agreement"]["const"] == "qrules/v1"


@pytest.mark.parametrize(
    ("name", "kind"), [("duration", "duration"), ("percent", "percent"), ("date", "date")]
)
def test_defs_carry_qrules_type(schema: dict[str, Any], name: str, kind: str) -> None:
    assert schema["$defs"][name]["x-qrules-type"] == kind
    assert schema["$defs"][name]["type"] == "string"


def test_date_def_uses_date_format(schema: dict[str, Any]) -> None:
    assert schema["$defs"]["date"]["format"] == "date"
    assert schema["$defs"]["country"]["pattern"] == "^[A-Z]{2}$"


@pytest.mark.parametrize("dotted", CORE_PATHS)
def test_core_path_is_described(schema: dict[str, Any], dotted: str) -> None:
    assert resolve(schema, dotted)["description"].strip()


@pytest.mark.parametrize(("dotted", "kind"), sorted(TYPED_PATHS.items()))
def test_typed_fields_reference_defs(schema: dict[str, Any], dotted: str, kind: str) -> None:
    assert resolve(schema, dotted)["$ref"] == f"#/$defs/{kind}"


def test_country_fields_reference_country_def(schema: dict[str, Any]) -> None:
    countries = [(w, s) for w, s in subschemas(schema) if w.endswith("/properties/country")]
    assert len(countries) == 2
    for where, sub in countries:
        assert sub["$ref"] == "#/$defs/country", where


def test_every_object_is_closed_but_extensible(schema: dict[str, Any]) -> None:
    objects = [(w, s) for w, s in subschemas(schema) if s.get("type") == "object"]
    assert len(objects) > 25
    for where, sub in objects:
        assert sub["additionalProperties"] is False, where
        assert set(sub["patternProperties"]) == {"^x-"}, where


def test_every_property_has_a_description(schema: dict[str, Any]) -> None:
    for where, sub in subschemas(schema):
        for name, prop in sub.get("properties", {}).items():
            assert prop.get("description", "").strip(), f"{where}/properties/{name}"


def test_durations_are_never_inlined(schema: dict[str, Any]) -> None:
    duration_pattern = schema["$defs"]["duration"]["pattern"]
    for where, sub in subschemas(schema):
        if sub.get("pattern") == duration_pattern:
            assert where == "#/$defs/duration"


@pytest.mark.parametrize(
    "text",
    [
        "30 days",
        "24 hours",
        "2 weeks",
        "6 months",
        "10 years",
        "1 day",
        "1.5 years",
        "45 minutes",
        "90days",
    ],
)
def test_duration_pattern_accepts(validator: Draft202012Validator, text: str) -> None:
    assert errors(validator, with_value("change_control.notification", text)) == []


@pytest.mark.parametrize(
    "text", ["ninety days", "30", "30 Days", "P30D", " 30 days", "2 fortnights"]
)
def test_duration_pattern_rejects(validator: Draft202012Validator, text: str) -> None:
    found = errors(validator, with_value("change_control.notification", text))
    assert found == [(("change_control", "notification"), "pattern")]


# --- example agreements ------------------------------------------------------------------


def test_there_are_enough_examples() -> None:
    assert len(AGREEMENTS) >= 10


@pytest.mark.parametrize("path", AGREEMENTS, ids=lambda p: p.name)
def test_example_validates(validator: Draft202012Validator, path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == [MODELINE, "agreement: qrules/v1"]
    assert errors(validator, load(path)) == []


@pytest.mark.parametrize("path", AGREEMENTS, ids=lambda p: p.name)
def test_example_part_numbers_and_revisions(path: Path) -> None:
    doc = load(path)
    for product in doc.get("scope", {}).get("products", []):
        assert re.fullmatch(r"[A-Z]{2}-[0-9]{4}", product["part_number"])
        assert isinstance(product["revision"], str)


def test_examples_cover_every_type_and_country(schema: dict[str, Any]) -> None:
    docs = [load(path) for path in AGREEMENTS]
    assert {doc["type"] for doc in docs} == set(schema["properties"]["type"]["enum"])
    countries = {party.get("country") for doc in docs for party in doc["parties"]}
    assert {"DE", "US", "CN", "MX", "IN", "IE", "NO"} <= countries


def test_examples_readme_lists_every_file() -> None:
    readme = (ROOT / "examples" / "agreements" / "README.md").read_text(encoding="utf-8")
    for path in AGREEMENTS:
        assert f"`{path.name}`" in readme


def sampling_plan(table: dict[str, Any], lot: int, level: str, aql: float) -> dict[str, Any]:
    letter = next(
        row[2]
        for row in table["code_letters"][level]
        if row[0] <= lot and (row[1] is None or lot <= row[1])
    )
    key = next(k for k in table["normal_single"][letter] if float(k) == aql)
    return table["normal_single"][letter][key]


@pytest.mark.parametrize("name", CLEAN)
def test_clean_examples_follow_iso_2859_1(name: str) -> None:
    if not REFERENCE.is_file():
        pytest.skip(f"ISO 2859-1 reference tables not found at {REFERENCE}")
    table = json.loads(REFERENCE.read_text(encoding="utf-8"))
    doc = load(ROOT / "examples" / "agreements" / name)
    insp = doc["inspection"]
    plan = sampling_plan(table, insp["lot_size"], insp["level"], doc["quality"]["aql"]["major"])
    assert (insp["sample_size"], insp["accept"], insp["reject"]) == (
        plan["n"],
        plan["ac"],
        plan["re"],
    )


def test_weak_sampling_example_is_really_short(validator: Draft202012Validator) -> None:
    doc = load(ROOT / "examples" / "agreements" / "sundaram-brennwald-forgings.yaml")
    insp = doc["inspection"]
    assert (insp["lot_size"], insp["level"], doc["quality"]["aql"]["major"]) == (1000, "II", 1.0)
    assert insp["sample_size"] == 50
    assert "approved_by" not in doc["waivers"][0]


# --- invalid snippets fail where expected ------------------------------------------------


def test_minimal_agreement_is_valid(validator: Draft202012Validator) -> None:
    assert errors(validator, minimal()) == []


@pytest.mark.parametrize(
    ("dotted", "value", "expected"),
    [
        ("parties.0.country", "Norway", [(("parties", 0, "country"), "pattern")]),
        ("parties.0.country", False, [(("parties", 0, "country"), "type")]),
        ("parties.0.country", "no", [(("parties", 0, "country"), "pattern")]),
        ("inspection.level", "IV", [(("inspection", "level"), "enum")]),
        ("inspection.mode", "strict", [(("inspection", "mode"), "enum")]),
        ("inspection.lot_size", 1, [(("inspection", "lot_size"), "minimum")]),
        ("inspection.sample_size", 0, [(("inspection", "sample_size"), "minimum")]),
        ("inspection.accept", 1.5, [(("inspection", "accept"), "type")]),
        ("inspection.reject", 0, [(("inspection", "reject"), "minimum")]),
        ("quality.aql.major", -0.65, [(("quality", "aql", "major"), "minimum")]),
        ("quality.aql.major", "0.65", [(("quality", "aql", "major"), "type")]),
        ("quality.ppm_target", -1, [(("quality", "ppm_target"), "minimum")]),
        ("revision", 1.1, [(("revision",), "type")]),
        ("status", "approved", [(("status",), "enum")]),
        ("type", "supplier", [(("type",), "enum")]),
        ("agreement", "qrules/v2", [(("agreement",), "const")]),
        ("effective", "2027-02-30", [(("effective",), "format")]),
        ("effective", "01.03.2027", [(("effective",), "format")]),
        ("term", "ninety days", [(("term",), "pattern")]),
        ("records.retention", 10, [(("records", "retention"), "type")]),
        ("audits.right_to_audit", "yes", [(("audits", "right_to_audit"), "type")]),
        ("software.test_coverage", "85", [(("software", "test_coverage"), "pattern")]),
        ("software.test_coverage", 0.85, [(("software", "test_coverage"), "type")]),
        (
            "software.max_open_defects.critical",
            -1,
            [(("software", "max_open_defects", "critical"), "minimum")],
        ),
        (
            "software.fix_times.critical",
            "asap",
            [(("software", "fix_times", "critical"), "pattern")],
        ),
        ("waivers", [{"reason": "no rule"}], [(("waivers", 0), "required")]),
        ("waivers", [{"rule": "X", "expires": "soon"}], [(("waivers", 0, "expires"), "format")]),
    ],
)
def test_invalid_value_fails_at_path(
    validator: Draft202012Validator, dotted: str, value: Any, expected: list[Any]
) -> None:
    assert errors(validator, with_value(dotted, value)) == expected


def test_typo_key_is_reported_on_its_parent(validator: Draft202012Validator) -> None:
    doc = with_value("change_contol", {"notification": "90 days"})
    [error] = validator.iter_errors(doc)
    assert (list(error.absolute_path), error.validator) == ([], "additionalProperties")
    assert "'change_contol'" in error.message


def test_nested_typo_key_is_reported(validator: Draft202012Validator) -> None:
    doc = with_value("audits.right_to_adit", True)
    assert errors(validator, doc) == [(("audits",), "additionalProperties")]


def test_extension_keys_are_allowed_everywhere(validator: Draft202012Validator) -> None:
    doc = with_value("x-erp", {"vendor": 4711})
    doc["parties"][0]["x-vendor-id"] = "V-100234"
    doc["audits"] = {"right_to_audit": True, "x-note": "Unannounced audits after a recall"}
    assert errors(validator, doc) == []


@pytest.mark.parametrize("field", ["agreement", "id", "title", "type", "status", "parties"])
def test_required_field_missing(validator: Draft202012Validator, field: str) -> None:
    doc = minimal()
    del doc[field]
    assert errors(validator, doc) == [((), "required")]


@pytest.mark.parametrize(
    "site",
    ["Mo i Rana works", {"name": "Saltillo plant", "country": "MX", "address": "Blvd. 2205"}],
)
def test_sites_accept_strings_and_objects(validator: Draft202012Validator, site: Any) -> None:
    assert errors(validator, with_value("scope.sites", [site])) == []


def test_site_object_is_closed(validator: Draft202012Validator) -> None:
    doc = with_value("scope.sites", [{"name": "Saltillo plant", "contry": "MX"}])
    assert errors(validator, doc) == [(("scope", "sites", 0), "oneOf")]


def test_objective_targets_may_be_numbers_or_strings(validator: Draft202012Validator) -> None:
    objectives = [
        {"name": "ppm", "target": 50, "baseline": 140},
        {"name": "yield", "target": "98.5%", "baseline": "91%"},
        {"name": "8D", "target": "30 days"},
    ]
    assert errors(validator, with_value("quality.objectives", objectives)) == []
    bad = copy.deepcopy(objectives)
    bad[0]["target"] = [50]
    assert errors(validator, with_value("quality.objectives", bad)) == [
        (("quality", "objectives", 0, "target"), "type")
    ]


# --- the malformed examples whose problem the schema catches -----------------------------


def test_malformed_schema_violation(validator: Draft202012Validator) -> None:
    doc = load(MALFORMED / "schema-violation.yaml")
    assert errors(validator, doc) == [
        ((), "additionalProperties"),
        (("inspection", "level"), "enum"),
    ]


def test_malformed_country_no_is_read_as_false(validator: Draft202012Validator) -> None:
    doc = load(MALFORMED / "country-no.yaml")
    assert doc["parties"][1]["country"] is False
    assert errors(validator, doc) == [(("parties", 1, "country"), "type")]


def test_malformed_revision_float(validator: Draft202012Validator) -> None:
    doc = load(MALFORMED / "revision-float.yaml")
    assert doc["revision"] == 1.1
    assert errors(validator, doc) == [(("revision",), "type")]


def test_front_matter_agreement_is_valid(validator: Draft202012Validator) -> None:
    lines = (MALFORMED / "front-matter.md").read_text(encoding="utf-8").splitlines()
    end = lines.index("---", 1)
    assert lines[0] == "---" and end < len(lines) - 1
    doc = plain(yaml.safe_load("\n".join(lines[1:end])))
    assert errors(validator, doc) == []


def test_json_agreement_is_valid(validator: Draft202012Validator) -> None:
    doc = json.loads((MALFORMED / "agreement.json").read_text(encoding="utf-8"))
    assert errors(validator, doc) == []


def test_malformed_readme_lists_every_file() -> None:
    readme = (MALFORMED / "README.md").read_text(encoding="utf-8")
    for path in MALFORMED.iterdir():
        if path.name != "README.md":
            assert f"`{path.name}`" in readme
