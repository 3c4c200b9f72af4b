"""Text → values and a source map, strictly: libyaml composes (JSON goes through qrules' own
reader to the same nodes), then one pass builds plain values while recording every value's
line and column (faster than ``yaml.load``, which builds the same values without marks).

A contract must mean one thing, so duplicate keys, tags, merge keys, numbers too long or
not finite, and nesting or expansion beyond the limits are problems of the document, at
their place; values YAML 1.1 and 1.2 read differently are recorded for a warning.
"""

from __future__ import annotations

from typing import Any

import yaml

from qrules.document.json_nodes import JsonError, compose_json, json_location
from qrules.document.model import Document
from qrules.document.scalars import (
    AMBIGUOUS,
    SCALAR_TAGS,
    STR_TAG,
    TAG,
    plain_tag,
    read_scalar,
)
from qrules.limits import COMPOSE_UNCHECKED_NESTING, MAX_DEPTH, MAX_VALUES
from qrules.model.paths import DocPath, Location

try:
    from yaml import CSafeLoader as YamlLoader
except ImportError:  # pragma: no cover - libyaml missing: slower, same results
    from yaml import SafeLoader as YamlLoader  # type: ignore[assignment]

# libyaml reports a reader error's position in bytes of UTF-8, PyYAML in characters.
_READER_COUNTS_BYTES = YamlLoader.__name__ == "CSafeLoader"


class _Loader(YamlLoader):
    """libyaml's safe loader with tag resolution cut short: a collection's tag is its
    kind's (no path resolvers are registered), a plain scalar's is ``plain_tag``'s, a
    quoted one is text. Each answer is the one ``Resolver.resolve`` gives."""

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.MappingNode:
            return _MAP_TAG
        if kind is yaml.SequenceNode:
            return _SEQ_TAG
        return plain_tag(value) if implicit[0] else STR_TAG


_MAP_TAG, _SEQ_TAG = f"{TAG}map", f"{TAG}seq"


_NODE_KINDS = {_MAP_TAG: yaml.MappingNode, _SEQ_TAG: yaml.SequenceNode} | {
    tag: yaml.ScalarNode for tag in SCALAR_TAGS
}


def compose(text: str, document: Document) -> yaml.Node | None:
    if document.path.endswith(".json"):
        return _compose_json(text, document)
    if not text.strip():
        document.empty = True
        document.problem("yaml-syntax", f"the {document.kind} is empty")
        return None
    too_deep = _too_deep(text)
    if too_deep:
        document.problem(
            "yaml-limits", f"the {document.kind} has nesting deeper than {MAX_DEPTH}", at=too_deep
        )
        return None
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if "maximum nesting depth" in str(error.problem):  # libyaml's own limit (PyYAML 6.0.4+)
            document.problem(
                "yaml-limits", f"the {document.kind} has nesting deeper than {MAX_DEPTH}", at=at
            )
        else:
            document.problem("yaml-syntax", _yaml_message(error), at=at, hint=_yaml_hint(error))
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
        document.problem("yaml-limits", f"the {document.kind} has nesting deeper than {MAX_DEPTH}")
    else:
        if root is None:
            document.empty = True
            document.problem("yaml-syntax", f"the {document.kind} is empty")
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
        message = f"the {document.kind} has {error.message}" if error.limit else error.message
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


class Builder:
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
                f"the {self.document.kind} has {what}",
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
                    f"duplicate key `{key}` (first on line {first})"
                    + (
                        "; a contract must mean one thing"
                        if self.document.kind == "agreement"
                        else ""
                    ),
                    at=_place(key_node),
                    hint="remove one of the two, or merge them",
                )
                continue
            self._mark(child, key_node)
            result[key] = self.build(value_node, child, depth + 1)
        return result

    def _key(self, node: yaml.Node) -> str | None:
        if node.tag == f"{TAG}merge":
            self.document.problem(
                "yaml-tag",
                f"merge keys (`<<`) are not allowed in {self.document.a_kind}; "
                "write the fields out",
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
        if node.tag not in SCALAR_TAGS:
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
        value, problem, flags = read_scalar(node.tag, node.value, not node.style)
        if problem:
            rule, message = problem
            if rule == "yaml-limits":
                message = f"the {self.document.kind} has {message}"
            self.document.dropped.add(path)
            self.document.problem(rule, message, at=_place(node))
            return None
        if flags:
            self.document.written_as[path] = node.value
            if flags & AMBIGUOUS:
                self.document.ambiguous.add(path)
        return value

    def _bad_tag(self, node: yaml.Node, path: DocPath) -> None:
        self.document.dropped.add(path)
        tag = node.tag.replace(TAG, "!!")
        if node.tag in _NODE_KINDS:
            kind = _KIND_NAMES.get(type(node), "a single value")
            message = f"the tag {tag} cannot mark {kind}"
        else:
            message = (
                f"the tag {tag} is not allowed: {self.document.a_kind} holds plain values only"
            )
        self.document.problem(
            "yaml-tag",
            message,
            at=_place(node),
            hint="remove the tag; qrules never constructs objects from YAML",
        )


_KIND_NAMES: dict[type, str] = {yaml.MappingNode: "a mapping", yaml.SequenceNode: "a list"}


def _place(node: yaml.Node | yaml.Event) -> Location:
    """A node's or event's 1-based line and column."""
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)
