"""Reading a ``.qrules.yaml``: as strictly as an agreement, through the same loader
(duplicate keys, tags, merge keys, values YAML readers disagree on, limits), then against
the shipped configuration schema (``qrules schema --config``), then what a schema cannot
say (files that must exist, patterns, overrides that change something). Every problem is a
located UsageError with the line, a caret and a hint.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qrules.compile import ParamValue
from qrules.config.discover import discover, display
from qrules.config.model import (
    CONFIG_NAME,
    FIXED_RULES,
    Config,
    Glob,
    PathOverride,
    RuleOverride,
    compile_glob,
)
from qrules.document.load import parse_document
from qrules.document.model import Document
from qrules.document.read import read_text
from qrules.errors import UsageError, did_you_mean, source_context
from qrules.model.paths import DocPath
from qrules.model.values import read_untyped
from qrules.resources import config_schema_path

_RELATIVE = f"paths are relative to the folder of {CONFIG_NAME}"


def nearest_config(paths: Sequence[str] = ()) -> Config | None:
    """The configuration the named paths share (the current folder's when none), read."""
    found = discover(list(paths))
    return load_config(found) if found else None


def load_config(path: str | Path) -> Config:
    """Read and check one configuration file; every problem is a located UsageError."""
    path = Path(path)
    document = Document(display(path), kind="configuration")
    text = read_text(path, document)
    if text is not None:
        parse_document(text, document, config_schema_path())
    if document.empty:  # an empty file, or only comments: the defaults
        return Config(path, text=text or "")
    if document.problems:
        first = min(document.problems, key=lambda problem: problem.sort_key)
        raise _located(document, text or "", (first.line, first.column), first.message, first.hint)
    return _Reader(path, document, text or "").config()


def _located(
    document: Document, text: str, at: tuple[int, int], message: str, hint: str | None = None
) -> UsageError:
    line, column = at
    return UsageError(
        message,
        source=document.path,
        line=line,
        column=column,
        hint=hint,
        context=source_context(text, line, column) or None,
    )


class _Reader:
    """The checks a schema cannot make, each located through the document's source map."""

    def __init__(self, path: Path, document: Document, text: str) -> None:
        self.path, self.document, self.text = path, document, text
        self.folder = path.resolve().parent
        self.data: dict[str, Any] = document.data

    def error(self, at: DocPath, message: str, hint: str | None = None) -> UsageError:
        return _located(self.document, self.text, self.document.locate(at)[1], message, hint)

    def config(self) -> Config:
        schema = self.data.get("schema")
        return Config(
            self.path,
            rulesets=tuple(self.ruleset(spec, at) for spec, at in self.texts("rulesets")),
            fail_on=self.data.get("fail-on"),
            schema=self.schema(schema) if schema is not None else None,
            include=tuple(self.glob(pattern, at) for pattern, at in self.texts("include")),
            exclude=tuple(self.glob(pattern, at) for pattern, at in self.texts("exclude")),
            rules=self.rule_overrides(self.data.get("rules", {}), ("rules",)),
            overrides=tuple(
                self.path_override(index, entry)
                for index, entry in enumerate(self.data.get("overrides", []))
            ),
            params=tuple(self.param(name, value) for name, value in self.params()),
            text=self.text,
        )

    def rule_overrides(self, rules: dict[str, Any], at: DocPath) -> tuple[RuleOverride, ...]:
        return tuple(self.override(rule, body, (*at, rule)) for rule, body in rules.items())

    def path_override(self, index: int, entry: dict[str, Any]) -> PathOverride:
        at: DocPath = ("overrides", index)
        files = entry["files"]
        patterns = (
            [(files, (*at, "files"))]
            if isinstance(files, str)
            else [(pattern, (*at, "files", number)) for number, pattern in enumerate(files)]
        )
        return PathOverride(
            tuple(self.glob(pattern, where) for pattern, where in patterns),
            self.rule_overrides(entry["rules"], (*at, "rules")),
        )

    def texts(self, key: str) -> list[tuple[str, DocPath]]:
        """A list of texts with their places; a single text counts as a list of one."""
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            return [(value, (key,))]
        return [(item, (key, index)) for index, item in enumerate(value)]

    def ruleset(self, spec: str, at: DocPath) -> str:
        from qrules.ruleset import builtin_names

        candidate = self.folder / spec
        if candidate.exists():
            return display(candidate)
        if "/" in spec or "\\" in spec or spec.endswith(".qr"):
            raise self.error(at, f"no ruleset file or folder `{spec}`", _RELATIVE)
        names = builtin_names()
        if spec not in names:
            hint = did_you_mean(spec, names) or f"built-in rulesets: {', '.join(names)}"
            raise self.error(at, f"no built-in ruleset `{spec}` and no such file", hint)
        return spec

    def schema(self, value: str) -> str:
        if value in ("auto", "none"):
            return value
        candidate = self.folder / value
        if not candidate.is_file():
            raise self.error(
                ("schema",),
                f"schema must be auto, none or a JSON Schema file; there is no file `{value}`",
                _RELATIVE,
            )
        return display(candidate)

    def params(self) -> list[tuple[str, Any]]:
        return list(self.data.get("params", {}).items())

    def param(self, name: str, value: Any) -> ParamValue:
        """A param's value, read as a ruleset literal reads (``"90 days"`` is a duration),
        located for the error a wrong name or type gets when the rulesets load."""
        line, column = self.document.locate(("params", name))[1]
        context = source_context(self.text, line, column) or None
        return ParamValue(name, _typed(value), self.document.path, line, column, context)

    def glob(self, pattern: str, at: DocPath) -> Glob:
        if ".." in pattern.split("/"):
            raise self.error(
                at,
                f"the pattern `{pattern}` leaves the configuration's folder",
                f"patterns are {_RELATIVE.removeprefix('paths are ')}; `..` cannot match",
            )
        return compile_glob(pattern)

    def override(self, rule: str, body: dict[str, Any], at: DocPath) -> RuleOverride:
        name = ".".join(str(part) for part in at)
        severity, disabled = body.get("severity"), body.get("disabled", False)
        if rule in FIXED_RULES:
            raise self.error(
                at, f"{rule} cannot be overridden: an agreement qrules cannot read must never pass"
            )
        if severity and disabled:
            raise self.error(at, f"{name}: a disabled rule has no severity; give one or the other")
        if not severity and not disabled:
            what = " (`disabled: false` is the default)" if "disabled" in body else ""
            raise self.error(
                at,
                f"{name} changes nothing{what}",
                "give severity: error|warning|note, or disabled: true",
            )
        line, column = self.document.locate(at)[1]
        return RuleOverride(rule, body["reason"], severity, disabled, line, column)


def _typed(value: Any) -> Any:
    if isinstance(value, str):
        return read_untyped(value)
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return value
