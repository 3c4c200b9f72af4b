"""Agreement files → plain values + a source map, strictly; problems become findings.

One pass over libyaml's node graph builds the values and records every value's line and
column (faster than ``yaml.load``, which builds the same values without the marks). Loading
never raises for a bad agreement: whatever is wrong is a finding of that document, so a
batch goes on past it.
"""

from __future__ import annotations

import codecs
import difflib
import json
import math
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from qrules.fileio import byte_position
from qrules.findings import Finding
from qrules.json_nodes import JsonError, compose_json, json_location
from qrules.limits import (
    COMPOSE_UNCHECKED_NESTING,
    MAX_AGREEMENT_BYTES,
    MAX_DEPTH,
    MAX_NUMBER_DIGITS,
    MAX_VALUES,
)
from qrules.resources import schema_path
from qrules.values import Duration, Percent, parse_date, read_untyped, show

try:
    from yaml import CSafeLoader as YamlLoader
except ImportError:  # pragma: no cover - libyaml missing: slower, same results
    from yaml import SafeLoader as YamlLoader  # type: ignore[assignment]

# libyaml reports a reader error's position in bytes of UTF-8, PyYAML in characters.
_READER_COUNTS_BYTES = YamlLoader.__name__ == "CSafeLoader"

DocPath = tuple[str | int, ...]
Location = tuple[int, int]
_RESOLVED: dict[tuple[str, tuple[bool, bool]], str] = {}


class _Loader(YamlLoader):
    """libyaml's safe loader with plain-scalar tag resolution memoised: keys and values
    repeat across thousands of agreements, and resolving runs regexes in Python."""

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(_RESOLVED) < 50_000:
                _RESOLVED[key] = tag
        return tag


AGREEMENT_VERSION = "qrules/v1"
SUFFIXES = (".yaml", ".yml", ".json", ".md")

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_TAG}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
_NODE_KINDS = {f"{_TAG}map": yaml.MappingNode, f"{_TAG}seq": yaml.SequenceNode} | {
    tag: yaml.ScalarNode for tag in _SCALAR_TAGS
}
_YAML11_BOOLEANS = {"yes", "no", "on", "off", "y", "n"}
_CONSTRUCTOR = yaml.SafeLoader("")  # only its scalar constructors are used


@dataclass
class Document:
    """An agreement: its values, where each value stands, and what was wrong with it."""

    path: str
    data: Any = None
    locations: dict[DocPath, Location] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)
    written_as: dict[DocPath, str] = field(default_factory=dict)  # plain scalars YAML re-typed
    ambiguous: set[DocPath] = field(default_factory=set)  # ... that YAML 1.1 and 1.2 read apart
    dropped: set[DocPath] = field(default_factory=set)  # values refused by the loader

    @property
    def readable(self) -> bool:
        return self.data is not None

    def locate(self, path: DocPath) -> tuple[DocPath, Location]:
        """The nearest path with a known place (the path itself, or its nearest parent)."""
        for end in range(len(path), -1, -1):
            location = self.locations.get(path[:end])
            if location is not None:
                return path[:end], location
        return (), (1, 1)

    def problem(
        self,
        rule: str,
        message: str,
        path: DocPath = (),
        severity: str = "error",
        at: Location | None = None,
        **extra: Any,
    ) -> None:
        """Record a finding of the document itself, at ``at`` or where ``path`` stands."""
        self.problems.append(self.finding(rule, message, path, severity, at, **extra))

    def finding(
        self,
        rule: str,
        message: str,
        path: DocPath = (),
        severity: str = "error",
        at: Location | None = None,
        **extra: Any,
    ) -> Finding:
        """A finding qrules itself makes about this document (ruleset ``qrules``)."""
        line, column = at or self.locate(path)[1]
        extra.setdefault("title", LOADER_TITLES.get(rule, rule))
        return Finding(
            rule=rule,
            severity=severity,
            message=message,
            path=dotted(path),
            line=line,
            column=column,
            ruleset="qrules",
            **extra,
        )


LOADER_TITLES = {
    "document-unreadable": "The agreement can be read",
    "yaml-syntax": "The agreement is well-formed YAML or JSON",
    "duplicate-key": "Every key appears once",
    "yaml-tag": "No YAML tags that construct objects",
    "yaml-limits": "The agreement stays within size, nesting and alias limits",
    "yaml-ambiguous": "Every value means the same to every YAML reader",
    "non-finite": "Every number is finite",
    "schema": "The agreement follows its schema",
}


def dotted(path: DocPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


# ---------------------------------------------------------------------------- entry point


def load_document(path: str | Path, schema: str | Path | None = "auto") -> Document:
    """Read an agreement. ``schema``: ``"auto"`` (the built-in one for ``qrules/v1``
    documents, none otherwise), ``None``/``"none"``, or a JSON Schema file."""
    document = Document(str(path))
    text = _read_text(Path(path), document)
    if text is None:
        return document
    if str(path).endswith(".md"):
        text = _front_matter(text, document)
        if text is None:
            return document
    return parse_document(text, document, schema)


def parse_document(text: str, document: Document, schema: str | Path | None = "auto") -> Document:
    root = _compose(text, document)
    if root is None:
        return document
    builder = _Builder(document)
    document.locations[()] = (root.start_mark.line + 1, root.start_mark.column + 1)
    data = builder.build(root, (), 0)
    if builder.aborted:
        return document
    if not isinstance(data, dict):
        document.problem("yaml-syntax", f"an agreement is a mapping of fields, not a {_kind(data)}")
        return document
    document.data = data
    _validate(document, _choose_schema(document, schema))
    return document


def _kind(value: Any) -> str:
    return {list: "list", str: "string", type(None): "empty document"}.get(type(value), "value")


def _read_text(path: Path, document: Document) -> str | None:
    raw = _read_bytes(path, document)
    if raw is None:
        return None
    encoding = _wide_encoding(raw)
    if encoding:
        document.problem(
            "document-unreadable",
            f"the file is {encoding}, not UTF-8",
            hint="save the file as UTF-8 (most editors: File > Save with Encoding)",
        )
        return None
    if b"\x00" in raw:
        document.problem(
            "document-unreadable",
            "the file is binary (it contains NUL bytes), not a text agreement",
            at=(byte_position(raw, raw.index(b"\x00"))[0], 1),
        )
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        document.problem(
            "document-unreadable",
            f"the file is not UTF-8: byte 0x{raw[error.start]:02x} cannot be decoded",
            at=byte_position(raw, error.start),
            hint="save the file as UTF-8",
        )
        return None


def _read_bytes(path: Path, document: Document) -> bytes | None:
    """A regular file's bytes, bounded by the size limit: a FIFO would block forever and
    ``/dev/zero`` never ends, so the kind is checked on the open descriptor (no race)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        document.problem("document-unreadable", f"cannot read the file: {error.strerror or error}")
        return None
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        mode = status.st_mode
        if not stat.S_ISREG(mode):
            document.problem(
                "document-unreadable",
                f"not a regular file ({_file_kind(mode)}); qrules reads agreements from files",
            )
            return None
        try:
            raw = handle.read(MAX_AGREEMENT_BYTES + 1)
        except OSError as error:
            document.problem("document-unreadable", f"cannot read the file: {error.strerror}")
            return None
    if len(raw) > MAX_AGREEMENT_BYTES:
        size = max(status.st_size, len(raw))
        document.problem(
            "yaml-limits",
            f"the file is {size:,} bytes; agreements are limited to {MAX_AGREEMENT_BYTES:,}",
        )
        return None
    return raw


def _file_kind(mode: int) -> str:
    kinds = [
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "not a file")


def _wide_encoding(raw: bytes) -> str | None:
    """UTF-16 or UTF-32, by byte-order mark or by the NUL bytes of ASCII text in them."""
    boms = [
        (codecs.BOM_UTF32_LE, "UTF-32"),
        (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16"),
        (codecs.BOM_UTF16_BE, "UTF-16"),
    ]
    for bom, name in boms:
        if raw.startswith(bom):
            return name
    head = raw[:64]
    if len(head) >= 8 and head.count(0) >= 0.7 * len(head):
        return "UTF-32"
    halves = (head[0::2], head[1::2])
    if len(head) >= 4 and any(half.count(0) >= 0.9 * len(half) for half in halves):
        return "UTF-16"
    return None


def _front_matter(text: str, document: Document) -> str | None:
    """The YAML between the leading ``---`` lines of a Markdown agreement."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        document.problem(
            "yaml-syntax",
            "a Markdown agreement starts with YAML front matter between `---` lines",
            hint="put the agreement's fields between two `---` lines at the top",
        )
        return None
    for end, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            # Keep the first line blank so YAML marks match the Markdown file's lines.
            return "\n" + "".join(lines[1:end])
    document.problem("yaml-syntax", "the front matter's closing `---` line is missing")
    return None


def _compose(text: str, document: Document) -> yaml.Node | None:
    if document.path.endswith(".json"):
        return _compose_json(text, document)
    if not text.strip():
        document.problem("yaml-syntax", "the agreement is empty")
        return None
    too_deep = _too_deep(text)
    if too_deep:
        document.problem(
            "yaml-limits", f"the agreement has nesting deeper than {MAX_DEPTH}", at=too_deep
        )
        return None
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        document.problem(
            "yaml-syntax",
            _yaml_message(error),
            at=(mark.line + 1, mark.column + 1) if mark else (1, 1),
            hint=_yaml_hint(error),
        )
    except yaml.reader.ReaderError as error:
        document.problem(
            "yaml-syntax",
            f"character {_codepoint(error.character)} is not allowed: {error.reason}",
            at=_reader_place(text, error.position),
            hint="remove the character, or write it as an escape in a double-quoted string",
        )
    except yaml.YAMLError as error:
        document.problem("yaml-syntax", str(error))
    except RecursionError:
        document.problem("yaml-limits", f"the agreement has nesting deeper than {MAX_DEPTH}")
    else:
        if root is None:
            document.problem("yaml-syntax", "the agreement is empty")
        return root
    return None


def _too_deep(text: str) -> Location | None:
    """Where the text nests deeper than the limit, for text that might nest deep enough to
    overflow libyaml's recursive composer. Each level of flow or same-line nesting costs
    one of ``[ { - ?``, and block nesting needs ever longer indentation, so counting them
    bounds the depth cheaply; only past that bound is the event stream walked."""
    openers = text.count("[") + text.count("{") + text.count("- ") + text.count("? ")
    if openers <= COMPOSE_UNCHECKED_NESTING:
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return _place(event)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None  # composing reports it, at its place
    return None


def _compose_json(text: str, document: Document) -> yaml.Node | None:
    try:
        return compose_json(text)
    except JsonError as error:
        rule = "yaml-limits" if error.limit else "yaml-syntax"
        message = f"the agreement has {error.message}" if error.limit else error.message
        document.problem(rule, message, at=json_location(text, error.position))
        return None


def _codepoint(character: Any) -> str:
    code = character if isinstance(character, int) else ord(str(character)[:1] or "\0")
    return f"U+{code:04X}"


def _reader_place(text: str, position: int) -> Location:
    """Where libyaml's reader stopped, as the line and column a person counts."""
    if _READER_COUNTS_BYTES:
        before = text.encode("utf-8")[:position].decode("utf-8", "replace")
    else:
        before = text[:position]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def _yaml_message(error: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (error.context, error.problem) if p]
    message = "; ".join(parts) or "invalid YAML"
    if "expected a single document" in message:
        return "the file holds more than one YAML document; an agreement is one document"
    return message


INDENTATION = "check the indentation of this line against the lines above"
YAML_HINTS = {  # a clue in libyaml's message → what to do about it
    "tab character": "YAML indents with spaces, not tabs",
    "'\\t'": "YAML indents with spaces, not tabs",
    "mapping values are not allowed": "a value holding `: ` needs quotes, or a key is misplaced",
    "did not find expected key": INDENTATION,
    "did not find expected '-'": INDENTATION,
    "found unexpected end of stream": "a quote or bracket is not closed",
    "found undefined alias": "an alias (*name) needs its anchor (&name) above it",
}


def _yaml_hint(error: yaml.MarkedYAMLError) -> str | None:
    text = f"{error.context} {error.problem}"
    return next((hint for clue, hint in YAML_HINTS.items() if clue in text), None)


# ---------------------------------------------------------------------------- nodes → values


class _Builder:
    """Builds values from nodes, recording marks; enforces the strict-loading rules."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.values = 0
        self.aborted = False

    def build(self, node: yaml.Node, path: DocPath, depth: int) -> Any:
        self.values += 1
        if self.values > MAX_VALUES or depth > MAX_DEPTH:
            self._abort(node, depth)
            return None
        if not isinstance(node, _NODE_KINDS.get(node.tag, ())):
            self._bad_tag(node, path)
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return self._sequence(node, path, depth)
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node, path)

    def _abort(self, node: yaml.Node, depth: int) -> None:
        if not self.aborted:
            what = (
                f"nesting deeper than {MAX_DEPTH}"
                if depth > MAX_DEPTH
                else (f"more than {MAX_VALUES:,} values (aliases expanding without bound?)")
            )
            self.document.problem(
                "yaml-limits",
                f"the agreement has {what}",
                at=_place(node),
            )
        self.aborted = True

    def _mark(self, path: DocPath, node: yaml.Node) -> None:
        self.document.locations[path] = (node.start_mark.line + 1, node.start_mark.column + 1)

    def _mapping(self, node: yaml.MappingNode, path: DocPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node)
            if key is None:
                continue
            child = (*path, key)
            if key in result:
                first = self.document.locations[child][0]
                self.document.problem(
                    "duplicate-key",
                    f"duplicate key `{key}` (first on line {first}); "
                    "a contract must mean one thing",
                    at=_place(key_node),
                    hint="remove one of the two, or merge them",
                )
                continue
            self._mark(child, key_node)
            result[key] = self.build(value_node, child, depth + 1)
        return result

    def _key(self, node: yaml.Node) -> str | None:
        if node.tag == f"{_TAG}merge":
            self.document.problem(
                "yaml-tag",
                "merge keys (`<<`) are not allowed in agreements; write the fields out",
                at=_place(node),
            )
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.document.problem(
                "yaml-syntax",
                "a key must be a plain name, not a list or mapping",
                at=_place(node),
            )
            return None
        if node.tag not in _SCALAR_TAGS:
            self._bad_tag(node, ())
            return None
        return str(node.value)

    def _sequence(self, node: yaml.SequenceNode, path: DocPath, depth: int) -> list[Any]:
        items = []
        for index, item in enumerate(node.value):
            child = (*path, index)
            self._mark(child, item)
            items.append(self.build(item, child, depth + 1))
        return items

    def _scalar(self, node: yaml.ScalarNode, path: DocPath) -> Any:
        # Dates stay text until the schema says a field is a date: JSON has no dates, and
        # the schema sees the agreement as an editor would.
        if node.tag in (f"{_TAG}str", f"{_TAG}timestamp"):
            return node.value
        problem = _scalar_problem(node)
        if problem:
            self.document.dropped.add(path)
            self.document.problem(*problem, at=_place(node))
            return None
        value = _construct(node)
        if not node.style and _retyped(node.value, value):
            self.document.written_as[path] = node.value
            if _is_yaml11_only(node.value, value):
                self.document.ambiguous.add(path)
        return value

    def _bad_tag(self, node: yaml.Node, path: DocPath) -> None:
        self.document.dropped.add(path)
        tag = node.tag.replace(_TAG, "!!")
        if node.tag in _NODE_KINDS:
            kind = _KIND_NAMES.get(type(node), "a single value")
            message = f"the tag {tag} cannot mark {kind}"
        else:
            message = f"the tag {tag} is not allowed: agreements hold plain values only"
        self.document.problem(
            "yaml-tag",
            message,
            at=_place(node),
            hint="remove the tag; qrules never constructs objects from YAML",
        )


_KIND_NAMES: dict[type, str] = {yaml.MappingNode: "a mapping", yaml.SequenceNode: "a list"}


def excerpt(text: str, width: int = 40) -> str:
    """Text from an agreement as a message quotes it: whole when short, else its ends."""
    return text if len(text) <= width else f"{text[: width // 2]}…{text[-width // 4 :]}"


def _place(node: yaml.Node | yaml.Event) -> Location:
    """A node's or event's 1-based line and column."""
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def _construct(node: yaml.ScalarNode) -> Any:
    kind = node.tag.rsplit(":", 1)[1]
    return getattr(_CONSTRUCTOR, f"construct_yaml_{kind}")(node)


def _scalar_problem(node: yaml.ScalarNode) -> tuple[str, str] | None:
    """Why a typed scalar cannot become a value: an explicit tag on text that is not of its
    type (``!!int abc``), a number too long for Python, or one that is not finite."""
    kind = node.tag.rsplit(":", 1)[1]
    if kind in ("int", "float") and len(node.value) > MAX_NUMBER_DIGITS:
        digits = f"{len(node.value):,} digits; the limit is {MAX_NUMBER_DIGITS:,}"
        return "yaml-limits", f"the agreement has a number of {digits}"
    try:
        value = _construct(node)
    except (ValueError, TypeError, KeyError, IndexError, ArithmeticError):
        written = f"`{excerpt(node.value)}`" if node.value else "an empty value"
        return "yaml-tag", f"{written} is not a valid {kind} (tagged !!{kind})"
    if isinstance(value, float) and not math.isfinite(value):
        return "non-finite", f"`{excerpt(node.value)}` is not a finite number"
    return None


# YAML 1.2's core schema, for plain scalars that YAML 1.1 (PyYAML) reads otherwise.
_YAML12_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_YAML12_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_YAML12_BOOL = {"true": True, "True": True, "TRUE": True, "false": False}
_YAML12_BOOL |= {"False": False, "FALSE": False}


def _yaml12_reading(text: str) -> Any:
    """What a YAML 1.2 reader makes of a plain scalar (strings for anything else)."""
    if text in _YAML12_BOOL:
        return _YAML12_BOOL[text]
    if _YAML12_INT.fullmatch(text):
        return int(text, 8 if text.startswith("0o") else 16 if text.startswith("0x") else 10)
    if _YAML12_FLOAT.fullmatch(text):
        return float(text)
    return text


def _retyped(text: str, value: Any) -> bool:
    """A plain scalar that does not read back as written (``NO``, ``1.10``, ``0777``)."""
    if isinstance(value, bool):
        return text.lower() not in ("true", "false")
    return isinstance(value, (int, float)) and str(value) != text.lstrip("+")


def _is_yaml11_only(text: str, value: Any) -> bool:
    """Plain scalars YAML 1.1 and 1.2 readers disagree on (``NO``, ``0777``, ``1:30``); the
    same number written with more digits (``0.10``, ``1.50``) means the same to both."""
    other = _yaml12_reading(text)
    return type(other) is not type(value) or other != value


# ---------------------------------------------------------------------------- schema


def _choose_schema(document: Document, schema: str | Path | None) -> str | None:
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


def _validate(document: Document, schema_file: str | None) -> None:
    if schema_file is None:
        _convert_untyped(document.data)
        _report_yaml11(document, set())
        return
    validator, is_valid, typed_paths = _validator(schema_file)
    flagged: set[DocPath] = set()
    if not is_valid(document.data):
        for error in validator.iter_errors(document.data):
            path = tuple(error.absolute_path)
            flagged.add(path)
            _schema_finding(document, error, path)
    _report_yaml11(document, flagged)
    for path, kind in _convert_typed(document.data, typed_paths):
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
        for key in _unknown_keys(best):
            document.problem(
                "schema",
                f"unknown field `{key}` in {dotted(path) or 'the agreement'}",
                (*path, key),
                hint=_typo_hint(best, key),
            )
        return
    message = _schema_message(best, path, document)
    document.problem("schema", message, path, hint=_schema_hint(best, path, document))


def _schema_message(error: Any, path: DocPath, document: Document) -> str:
    where = dotted(path) or "the agreement"
    written = document.written_as.get(path)
    if error.validator == "type" and written is not None:
        reading = _yaml_reading(error.instance)
        reading += " (YAML 1.1)" if isinstance(error.instance, bool) else ""
        return f"{where}: `{written}` is read as {reading}, not a {error.validator_value}"
    if error.validator == "enum":
        return f"{where}: {show(error.instance)} is not an allowed value"
    return f"{where}: {error.message}"


def _schema_hint(error: Any, path: DocPath, document: Document) -> str | None:
    written = document.written_as.get(path)
    if error.validator == "type" and written is not None:
        return f'quote it: "{written}"'
    if error.validator == "pattern" and error.schema.get("x-qrules-type") == "duration":
        return 'write a duration such as "30 days", "24 hours" or "3 years"'
    if error.validator == "pattern" and error.schema.get("x-qrules-type") == "percent":
        return 'write a percentage such as "85%"'
    if error.validator == "enum":
        return "one of: " + ", ".join(show(v) for v in error.validator_value)
    return None


def _unknown_keys(error: Any) -> list[str]:
    known = error.schema.get("properties", {})
    patterns = [re.compile(p) for p in error.schema.get("patternProperties", {})]
    return [
        key
        for key in error.instance
        if key not in known and not any(p.search(key) for p in patterns)
    ]


def _typo_hint(error: Any, key: str) -> str | None:
    allowed = sorted(error.schema.get("properties", {}))
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return f"did you mean `{close[0]}`?"
    return f"allowed here: {', '.join(allowed)}; extension fields start with x-"


def _yaml_reading(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {show(value)}"
    if isinstance(value, str):
        return "a string"
    return f"the number {show(value)}"


def _report_yaml11(document: Document, flagged: set[DocPath]) -> None:
    for path, written in document.written_as.items():
        if path in flagged or path not in document.ambiguous:
            continue
        value = _get(document.data, path)
        other = _yaml_reading(_yaml12_reading(written))
        document.problem(
            "yaml-ambiguous",
            f"{dotted(path)}: `{written}` is {_yaml_reading(value)} to YAML 1.1 readers "
            f"and {other} to YAML 1.2 readers",
            path,
            severity="warning",
            hint=f'write {show(value)} if that is meant, or quote it: "{written}"',
        )


def _get(data: Any, path: DocPath) -> Any:
    for part in path:
        data = data[part]
    return data


@cache
def _validator(schema_file: str) -> tuple[Any, Callable[[Any], bool], dict[str, Any]]:
    """Once per schema file: jsonschema's validator (for messages), a fast validity test,
    and the schema's typed paths."""
    import jsonschema
    from jsonschema import Draft202012Validator, FormatChecker

    schema = json.loads(Path(schema_file).read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema, Draft202012Validator)
    validator = validator_class(schema, format_checker=FormatChecker())
    return validator, _fast_validity(schema, validator), _typed_paths(schema)


def _fast_validity(schema: dict[str, Any], validator: Any) -> Callable[[Any], bool]:
    """Most agreements are valid: fastjsonschema's generated code says so several times
    faster than jsonschema, which then only runs to explain an invalid one. A schema that
    fastjsonschema cannot compile (2020-12-only keywords) uses jsonschema alone."""
    if not _fast_compatible(schema):
        return validator.is_valid
    import fastjsonschema

    try:
        fast = fastjsonschema.compile(schema, formats={"date": _is_date})
    except fastjsonschema.JsonSchemaDefinitionException:
        return validator.is_valid

    def is_valid(data: Any) -> bool:
        try:
            fast(data)
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


# ---------------------------------------------------------------------------- typed values


def _typed_paths(schema: dict[str, Any]) -> dict[str, Any]:
    """``{"change_control": {"notification": "duration"}, "parties": {"*": {...}}}``."""
    defs = schema.get("$defs", {})

    def walk(node: dict[str, Any], depth: int) -> Any:
        if depth > 20:
            return None
        if "$ref" in node:
            node = defs.get(node["$ref"].rsplit("/", 1)[-1], {})
        if "x-qrules-type" in node:
            return node["x-qrules-type"]
        if node.get("format") == "date":
            return "date"
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

    result = walk(schema, 0)
    return result if isinstance(result, dict) else {}


def _convert_typed(
    data: Any, tree: dict[str, Any], path: DocPath = ()
) -> Iterator[tuple[DocPath, str]]:
    """Type the strings the schema types; yields the path and kind of each that cannot be."""
    for key, sub in tree.items():
        for container, index in _children(data, key):
            if isinstance(sub, str):
                written = container[index]
                container[index] = _typed(written, sub)
                if isinstance(written, str) and container[index] is written:
                    yield (*path, index), sub
            else:
                yield from _convert_typed(container[index], sub, (*path, index))


def _children(data: Any, key: str) -> Iterator[tuple[Any, Any]]:
    if key == "*" and isinstance(data, list):
        yield from ((data, i) for i in range(len(data)))
    elif isinstance(data, dict) and key in data:
        yield data, key


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


def agreement_files(paths: list[str]) -> list[str]:
    """Files named on the command line, and agreement files found below named folders."""
    found: list[str] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += [str(p) for p in path.rglob("*") if _is_agreement_file(p, path)]
        else:
            found.append(name)
    return sorted(dict.fromkeys(found))


def _is_agreement_file(path: Path, top: Path) -> bool:
    """In a walked folder: agreement suffixes, no hidden files, Markdown only with front matter."""
    if path.suffix not in SUFFIXES or not path.is_file():
        return False
    if any(part.startswith(".") for part in path.relative_to(top).parts):
        return False
    if path.suffix == ".md":
        with path.open("rb") as handle:
            return handle.readline().strip() == b"---"
    return True
