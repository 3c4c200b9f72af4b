"""Values → checked against the agreement's JSON Schema and typed where the schema says so
(durations, percentages, dates); without a schema, text that reads exactly as one of them.

Most agreements are valid: code fastjsonschema generates says so, and jsonschema runs only
to explain an invalid one. A schema is compiled once per file.
"""

from __future__ import annotations

import json
import marshal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from types import CodeType
from typing import Any

from qrules.cache import cached
from qrules.document.model import Document, excerpt
from qrules.document.scalars import yaml12_reading
from qrules.document.schema_errors import (
    schema_hint,
    schema_message,
    typo_hint,
    unknown_keys,
    yaml_reading,
)
from qrules.model.paths import DocPath, dotted
from qrules.model.values import Duration, Percent, parse_date, read_untyped, show
from qrules.resources import schema_path
from qrules.schema import Schema, load_schema, value_kind

AGREEMENT_VERSION = "qrules/v1"


def choose_schema(document: Document, schema: str | Path | None) -> str | None:
    if schema in (None, "none"):
        return None
    if schema != "auto":
        return str(schema)
    declared = document.data.get("agreement")
    if declared == AGREEMENT_VERSION:
        return str(schema_path())
    if declared is not None:
        document.problem(
            "schema",
            f"unknown agreement format {show(declared)}; this qrules reads {AGREEMENT_VERSION}",
            ("agreement",),
            hint=f"write `agreement: {AGREEMENT_VERSION}`, or check with --schema FILE|none",
        )
    return None


def validate(document: Document, schema_file: str | None) -> None:
    if schema_file is None:
        _convert_untyped(document.data)
        _report_yaml11(document, set())
        return
    validator = validator_for(schema_file)
    flagged: set[DocPath] = set()
    if not validator.is_valid(document.data):
        for error in validator.errors(document.data):
            path = tuple(error.absolute_path)
            flagged.add(path)
            _schema_finding(document, error, path)
    _report_yaml11(document, flagged)
    untyped: list[tuple[DocPath, str]] = []
    _convert_typed(document.data, validator.typed_paths, (), untyped)
    for path, kind in untyped:
        if path not in flagged:  # the pattern passed: a number too large to mean anything
            document.problem(
                "schema",
                f"{dotted(path)}: `{excerpt(_get(document.data, path))}` is not a usable {kind}",
                path,
            )
            _refuse(document, path)


def _refuse(document: Document, path: DocPath) -> None:
    """Take out a value the loader has reported, so that no rule reports it again."""
    document.dropped.add(path)
    parent = _get(document.data, path[:-1])
    parent[path[-1]] = None


def _schema_finding(document: Document, error: Any, path: DocPath) -> None:
    from jsonschema.exceptions import best_match

    best = best_match([error]) or error
    path = tuple(best.absolute_path) or path
    if path in document.dropped:
        return  # the loader has said why this value is unusable
    if best.validator == "additionalProperties":
        for key in unknown_keys(best):
            document.problem(
                "schema",
                f"unknown field `{key}` in {dotted(path) or 'the ' + document.kind}",
                (*path, key),
                hint=typo_hint(best, key),
            )
        return
    message = schema_message(best, path, document)
    document.problem("schema", message, path, hint=schema_hint(best, path, document))
    if path and not isinstance(best.instance, (dict, list)):
        _refuse(document, path)  # one bad value, one finding: no rule reports it again


def _report_yaml11(document: Document, flagged: set[DocPath]) -> None:
    for path, written in document.written_as.items():
        if path in flagged or path not in document.ambiguous:
            continue
        value = _get(document.data, path)
        other = yaml_reading(yaml12_reading(written))
        document.problem(
            "yaml-ambiguous",
            f"{dotted(path)}: `{written}` is {yaml_reading(value)} to YAML 1.1 readers "
            f"and {other} to YAML 1.2 readers",
            path,
            severity="warning",
            hint=f'write {show(value)} if that is meant, or quote it: "{written}"',
        )


def _get(data: Any, path: DocPath) -> Any:
    for part in path:
        data = data[part]
    return data


@dataclass(frozen=True)
class Validator:
    """One schema file, compiled once: a fast validity test, jsonschema to explain an
    invalid document (built, and imported, only when one is met), the typed paths."""

    schema: Schema
    is_valid: Callable[[Any], bool]
    typed_paths: dict[str, Any]

    @cached_property
    def explainer(self) -> Any:
        import jsonschema
        from jsonschema import Draft202012Validator, FormatChecker

        cls = jsonschema.validators.validator_for(self.schema.root, Draft202012Validator)
        checker = FormatChecker()
        for name, test in FORMATS.items():  # qrules' meaning of duration, not ISO 8601's
            checker.checks(name)(test)
        return cls(self.schema.root, format_checker=checker)

    def errors(self, data: Any) -> Iterator[Any]:
        return iter(self.explainer.iter_errors(data))


@cache
def validator_for(schema_file: str) -> Validator:
    schema = load_schema(schema_file)
    return Validator(schema, _fast_validity(schema, schema_file), _typed_paths(schema))


def _fast_validity(schema: Schema, schema_file: str) -> Callable[[Any], bool]:
    """Most agreements are valid: fastjsonschema's generated code says so several times
    faster than jsonschema (whose import alone costs a hook tens of milliseconds), which
    then only runs to explain an invalid one. The generated code is cached per schema, so a
    hook does not generate it again on every commit. A schema that fastjsonschema cannot
    compile (2020-12-only keywords) uses jsonschema alone."""
    import fastjsonschema

    fallback = lambda data: bool(validator_for(schema_file).explainer.is_valid(data))  # noqa: E731
    if not _fast_compatible(schema.root):
        return fallback
    key = json.dumps(schema.root, sort_keys=True) + fastjsonschema.VERSION

    def generate() -> CodeType:
        source = fastjsonschema.compile_to_code(schema.root, formats=FORMATS)
        return compile(source, f"<validator of {Path(schema_file).name}>", "exec")

    try:
        code = cached("validator", key, generate, marshal.dumps, marshal.loads)
    except fastjsonschema.JsonSchemaDefinitionException:
        return fallback
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    fast = namespace[min((n for n in namespace if n.startswith("validate")), key=len)]

    def is_valid(data: Any) -> bool:
        try:
            fast(data, custom_formats=FORMATS)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True

    return is_valid


# Keywords whose meaning fastjsonschema (drafts 4-7) and jsonschema (2020-12) share.
FAST_KEYWORDS = {
    "$schema",
    "$id",
    "$ref",
    "$defs",
    "definitions",
    "title",
    "description",
    "type",
    "enum",
    "const",
    "properties",
    "patternProperties",
    "additionalProperties",
    "required",
    "items",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "oneOf",
    "anyOf",
    "allOf",
    "not",
    "uniqueItems",
    "multipleOf",
    "default",
    "examples",
    "x-qrules-type",
}


def _fast_compatible(node: Any, in_properties: bool = False) -> bool:
    if isinstance(node, list):
        return all(_fast_compatible(item) for item in node)
    if not isinstance(node, dict):
        return True
    for key, value in node.items():
        if not in_properties and key not in FAST_KEYWORDS:
            return False
        named = key in ("properties", "patternProperties", "$defs", "definitions")
        if not _fast_compatible(value, in_properties=named):
            return False
    return True


def _is_date(text: str) -> bool:
    return parse_date(text) is not None


def _is_duration(text: str) -> bool:
    return Duration.parse(text) is not None


def _is_percent(text: str) -> bool:
    return Percent.parse(text) is not None


# `format` values that type a field; a value of another type is left to `type` to judge.
FORMATS: dict[str, Callable[[Any], bool]] = {
    "date": lambda value: not isinstance(value, str) or _is_date(value),
    "duration": lambda value: not isinstance(value, str) or _is_duration(value),
    "percent": lambda value: not isinstance(value, str) or _is_percent(value),
}


def _typed_paths(schema: Schema) -> dict[str, Any]:
    """``{"change_control": {"notification": "duration"}, "parties": {"*": {...}}}``."""

    def walk(node: dict[str, Any], depth: int) -> Any:
        if depth > 20:
            return None
        node = schema.view(node)
        kind = value_kind(node)
        if kind:
            return kind
        tree: dict[str, Any] = {}
        for key, child in node.get("properties", {}).items():
            sub = walk(child, depth + 1)
            if sub:
                tree[key] = sub
        if isinstance(node.get("items"), dict):
            sub = walk(node["items"], depth + 1)
            if sub:
                tree["*"] = sub
        return tree

    result = walk(schema.root, 0)
    return result if isinstance(result, dict) else {}


def _convert_typed(
    data: Any, tree: dict[str, Any], path: DocPath, untyped: list[tuple[DocPath, str]]
) -> None:
    """Type the strings the schema types, in place; ``untyped`` gets the path and kind of
    each that cannot be. (Plain loops: this runs for every agreement of a batch.)"""
    for key, sub in tree.items():
        if key == "*":
            if not isinstance(data, list):
                continue
            indices: Iterable[Any] = range(len(data))
        elif isinstance(data, dict) and key in data:
            indices = (key,)
        else:
            continue
        for index in indices:
            value = data[index]
            if isinstance(sub, str):
                if isinstance(value, str):
                    typed = _typed(value, sub)
                    if typed is value:
                        untyped.append(((*path, index), sub))
                    data[index] = typed
            elif isinstance(value, (dict, list)):
                _convert_typed(value, sub, (*path, index), untyped)


def _typed(value: Any, kind: str) -> Any:
    if not isinstance(value, str):
        return value
    parsed: Any = None
    if kind == "duration":
        parsed = Duration.parse(value)
    elif kind == "percent":
        parsed = Percent.parse(value)
    elif kind == "date":
        parsed = parse_date(value)
    return value if parsed is None else parsed


def _convert_untyped(data: Any) -> None:
    """Without a schema, strings that read exactly as a duration or percentage become one."""
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in list(items):
        if isinstance(value, str):
            data[key] = read_untyped(value)
        elif isinstance(value, (dict, list)):
            _convert_untyped(value)
