"""``.qrules.yaml``: a repository's settings for qrules, and which files one run checks.

Precedence, highest first: command-line options, the configuration file, built-in defaults
(ruleset ``iso9001``, ``fail-on: error``, ``schema: auto``). A run uses one configuration:
the ``.qrules.yaml`` nearest above the paths it names (above the current folder when it names
none), looking no further up than the folder that holds ``.git``.

The file is read as strictly as an agreement: duplicate keys, unknown keys, YAML tags and
values YAML readers disagree on are errors, each at its line and column.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from qrules.errors import UsageError, source_context
from qrules.findings import SEVERITIES, CheckReport, DocumentResult, Finding, RuleEntry

try:
    from yaml import CSafeLoader as YamlLoader
except ImportError:  # pragma: no cover - libyaml missing: slower, same results
    from yaml import SafeLoader as YamlLoader  # type: ignore[assignment]

CONFIG_NAME = ".qrules.yaml"
DEFAULT_RULESETS = ("iso9001",)
KEYS = ("rulesets", "fail-on", "schema", "include", "exclude", "rules")
OVERRIDE_KEYS = ("severity", "disabled", "reason")
# An agreement qrules cannot read must never pass, so these cannot be turned down or off.
FIXED_RULES = frozenset({"document-unreadable", "yaml-syntax", "yaml-limits"})

_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = {f"{_TAG}{kind}" for kind in ("str", "int", "float", "bool", "null", "map", "seq")}
_TRUE, _FALSE = ("true", "True", "TRUE"), ("false", "False", "FALSE")


@dataclass(frozen=True)
class RuleOverride:
    """``rules: {ID: {severity | disabled, reason}}``: one rule's new severity, or its removal."""

    rule: str
    reason: str
    severity: str | None = None
    disabled: bool = False
    line: int = 1
    column: int = 1


@dataclass(frozen=True)
class Glob:
    """An ``include``/``exclude`` pattern, relative to the configuration's folder.

    ``*`` and ``?`` stay within one folder, ``**`` crosses folders; a pattern without ``/``
    matches at any depth; a pattern that matches a folder matches everything below it, and a
    trailing ``/`` matches folders only (as in ``.gitignore``).
    """

    pattern: str
    regex: re.Pattern[str]
    folders_only: bool

    def matches(self, relative: str) -> bool:
        parts = relative.split("/")
        folders = ["/".join(parts[:end]) for end in range(1, len(parts))]
        candidates = folders if self.folders_only else [*folders, relative]
        return any(self.regex.fullmatch(candidate) for candidate in candidates)


@dataclass(frozen=True)
class Config:
    """One ``.qrules.yaml``; paths in it are already resolved against its folder."""

    path: Path
    rulesets: tuple[str, ...] = ()
    fail_on: str | None = None
    schema: str | None = None
    include: tuple[Glob, ...] = ()
    exclude: tuple[Glob, ...] = ()
    rules: tuple[RuleOverride, ...] = ()
    text: str = field(default="", repr=False, compare=False)

    @property
    def root(self) -> Path:
        return self.path.resolve().parent

    def relative(self, file: str | Path) -> str | None:
        """``file`` relative to the configuration's folder, posix style; None if outside."""
        try:
            return Path(file).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None

    def wants(self, file: str | Path) -> bool | None:
        """False if excluded; True if included; None when ``include`` is not set."""
        relative = self.relative(file)
        if relative is not None and any(g.matches(relative) for g in self.exclude):
            return False
        if not self.include:
            return None
        return relative is not None and any(g.matches(relative) for g in self.include)


@dataclass(frozen=True)
class Settings:
    """What one run uses, after command line, configuration and defaults are combined."""

    rulesets: tuple[str, ...]
    fail_on: str
    schema: str | None  # None: no schema
    config: Config | None = None


def settings(
    config: Config | None,
    *,
    rulesets: Sequence[str] = (),
    fail_on: str | None = None,
    schema: str | None = None,
) -> Settings:
    """Command-line values win over the configuration, which wins over the defaults."""
    chosen_schema = schema or (config.schema if config else None) or "auto"
    return Settings(
        rulesets=tuple(rulesets) or (config.rulesets if config else ()) or DEFAULT_RULESETS,
        fail_on=fail_on or (config.fail_on if config else None) or "error",
        schema=None if chosen_schema == "none" else chosen_schema,
        config=config,
    )


# ---------------------------------------------------------------------------- finding it


def find_config(start: Path) -> Path | None:
    """The nearest ``.qrules.yaml`` at or above ``start``, not above the repository root."""
    folder = start.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate / CONFIG_NAME
        if (candidate / ".git").exists():
            return None
    return None


def discover(paths: Sequence[str]) -> Path | None:
    """The one configuration the named paths share (the current folder's when none is named)."""
    starts = [Path(p) if Path(p).is_dir() else Path(p).parent for p in paths] or [Path(".")]
    nearest: dict[Path, Path | None] = {}  # a hook names many files in few folders
    found: dict[Path | None, str] = {}
    for start, name in zip(starts, paths or ["."], strict=True):
        if start not in nearest:
            nearest[start] = find_config(start)
        found.setdefault(nearest[start], name)
    if len(found) > 1:
        (first, first_name), (second, second_name) = list(found.items())[:2]
        raise UsageError(
            f"uses {_named(second)}, but {first_name} uses {_named(first)}: the paths of one "
            f"check must share one {CONFIG_NAME}",
            source=second_name,
            hint="check each folder on its own, or choose with --config FILE or --no-config",
        )
    return next(iter(found))


def _named(config: Path | None) -> str:
    return display(config) if config else f"no {CONFIG_NAME}"


def display(path: Path) -> str:
    """A path as messages show it: relative to the current folder when it is below it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------- reading it


def load_config(path: str | Path) -> Config:
    """Read and check one configuration file; every problem is a located UsageError."""
    path = Path(path)
    source = display(path)
    text = _read(path, source)
    try:
        root = yaml.compose(text, Loader=YamlLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = "; ".join(p for p in (error.context, error.problem) if p) or "invalid YAML"
        raise UsageError(
            f"invalid YAML: {message}",
            source=source,
            line=line,
            column=column,
            context=source_context(text, line, column),
        ) from None
    return _Reader(path, source, text).config(root)


def _read(path: Path, source: str) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise UsageError(
            f"cannot read the configuration: {error.strerror}", source=source
        ) from None
    except UnicodeDecodeError as error:
        raise UsageError(
            f"the configuration is not UTF-8 (byte {error.start})",
            source=source,
            hint="save it as UTF-8",
        ) from None


Fields = dict[str, tuple[yaml.Node, yaml.Node]]


class _Reader:
    """Walks the composed nodes, so every value keeps its line and column for messages."""

    def __init__(self, path: Path, source: str, text: str) -> None:
        self.path, self.source, self.text = path, source, text
        self.folder = path.resolve().parent

    def error(self, node: yaml.Node, message: str, hint: str | None = None) -> UsageError:
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        return UsageError(
            message,
            source=self.source,
            line=line,
            column=column,
            hint=hint,
            context=source_context(self.text, line, column),
        )

    def config(self, root: yaml.Node | None) -> Config:
        if root is None:  # an empty file, or only comments: the defaults
            return Config(self.path, text=self.text)
        fields = self.mapping(root, "the configuration", KEYS)
        value = {key: node for key, (_, node) in fields.items()}
        return Config(
            self.path,
            rulesets=tuple(self.ruleset(s, n) for s, n in self.strings(value, "rulesets")),
            fail_on=self.choice(value["fail-on"], "fail-on") if "fail-on" in value else None,
            schema=self.schema(value["schema"]) if "schema" in value else None,
            include=tuple(self.glob(s, n) for s, n in self.strings(value, "include")),
            exclude=tuple(self.glob(s, n) for s, n in self.strings(value, "exclude")),
            rules=self.overrides(fields["rules"]) if "rules" in fields else (),
            text=self.text,
        )

    # -- shapes

    def mapping(self, node: yaml.Node, where: str, known: Sequence[str] | None) -> Fields:
        self.plain(node)
        if not isinstance(node, yaml.MappingNode):
            raise self.error(node, f"{where} must be a mapping of keys to values")
        fields: Fields = {}
        for key_node, value_node in node.value:
            key = self.key(key_node, where, known)
            if key in fields:
                first = fields[key][0].start_mark.line + 1
                raise self.error(key_node, f"duplicate key `{key}` (first on line {first})")
            fields[key] = (key_node, value_node)
        return fields

    def key(self, node: yaml.Node, where: str, known: Sequence[str] | None) -> str:
        if node.tag == f"{_TAG}merge":
            raise self.error(node, "merge keys (`<<`) are not allowed; write the keys out")
        self.plain(node)
        if not isinstance(node, yaml.ScalarNode):
            raise self.error(node, f"a key in {where} must be a name, not a list or mapping")
        key = str(node.value)
        if known is not None and key not in known:
            raise self.error(node, f"unknown key `{key}` in {where}", _did_you_mean(key, known))
        return key

    def plain(self, node: yaml.Node) -> None:
        if node.tag not in _PLAIN_TAGS:
            raise self.error(
                node,
                f"the tag {node.tag.replace(_TAG, '!!')} is not allowed in {CONFIG_NAME}",
                "remove the tag: the configuration holds plain values only",
            )

    def string(self, node: yaml.Node, what: str) -> str:
        self.plain(node)
        if not isinstance(node, yaml.ScalarNode) or node.tag != f"{_TAG}str":
            shown = f"`{node.value}`" if isinstance(node, yaml.ScalarNode) else "a collection"
            hint = f'quote it: "{node.value}"' if isinstance(node, yaml.ScalarNode) else None
            raise self.error(node, f"{what} must be text, not {shown}", hint)
        if not node.value.strip():
            raise self.error(node, f"{what} is empty")
        return str(node.value)

    def strings(self, value: dict[str, yaml.Node], key: str) -> list[tuple[str, yaml.Node]]:
        """A list of texts; a single text counts as a list of one."""
        node = value.get(key)
        if node is None:
            return []
        self.plain(node)
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        if not items:
            raise self.error(node, f"{key} is empty: list at least one, or leave the key out")
        return [(self.string(item, f"each entry of {key}"), item) for item in items]

    def choice(self, node: yaml.Node, what: str) -> str:
        value = self.string(node, what)
        if value not in SEVERITIES:
            raise self.error(
                node,
                f"{what} must be one of {', '.join(SEVERITIES)}, not `{value}`",
                _did_you_mean(value, SEVERITIES, list_them=False),
            )
        return value

    def boolean(self, node: yaml.Node, what: str) -> bool:
        self.plain(node)
        written = node.value if isinstance(node, yaml.ScalarNode) else None
        plain = isinstance(node, yaml.ScalarNode) and not node.style
        if plain and written in _TRUE + _FALSE:
            return written in _TRUE
        hint = "write true or false"
        if plain and str(written).lower() in ("yes", "no", "on", "off", "y", "n"):
            hint = f"YAML readers disagree on `{written}`; write true or false"
        raise self.error(node, f"{what} must be true or false, not `{written}`", hint)

    # -- values

    def ruleset(self, spec: str, node: yaml.Node) -> str:
        from qrules.ruleset import builtin_names

        candidate = self.folder / spec
        if candidate.exists():
            return display(candidate)
        if "/" in spec or "\\" in spec or spec.endswith(".qr"):
            raise self.error(
                node,
                f"no ruleset file or folder `{spec}`",
                f"paths are relative to the folder of {CONFIG_NAME}",
            )
        names = builtin_names()
        if spec not in names:
            hint = _did_you_mean(spec, names) or f"built-in rulesets: {', '.join(names)}"
            raise self.error(node, f"no built-in ruleset `{spec}` and no such file", hint)
        return spec

    def schema(self, node: yaml.Node) -> str:
        value = self.string(node, "schema")
        if value in ("auto", "none"):
            return value
        candidate = self.folder / value
        if not candidate.is_file():
            raise self.error(
                node,
                f"schema must be auto, none or a JSON Schema file; there is no file `{value}`",
                f"paths are relative to the folder of {CONFIG_NAME}",
            )
        return display(candidate)

    def glob(self, pattern: str, node: yaml.Node) -> Glob:
        if ".." in pattern.split("/"):
            raise self.error(
                node,
                f"the pattern `{pattern}` leaves the configuration's folder",
                f"patterns are relative to the folder of {CONFIG_NAME}; `..` cannot match",
            )
        try:
            return compile_glob(pattern)
        except re.error:
            raise self.error(node, f"the pattern `{pattern}` is not a valid glob") from None

    def overrides(self, nodes: tuple[yaml.Node, yaml.Node]) -> tuple[RuleOverride, ...]:
        return tuple(
            self.override(rule, key_node, value_node)
            for rule, (key_node, value_node) in self.mapping(nodes[1], "rules", None).items()
        )

    def override(self, rule: str, key_node: yaml.Node, node: yaml.Node) -> RuleOverride:
        where = f"rules.{rule}"
        if not isinstance(node, yaml.MappingNode):
            raise self.error(node, f"{where} must be a mapping: severity or disabled, and a reason")
        fields = self.mapping(node, where, OVERRIDE_KEYS)
        value = {key: n for key, (_, n) in fields.items()}
        if "reason" not in value:
            raise self.error(
                key_node,
                f"{where} needs a reason",
                "say why the rule is changed, e.g. reason: Agreed with the Quality Director",
            )
        reason = self.string(value["reason"], f"{where}.reason")
        severity = (
            self.choice(value["severity"], f"{where}.severity") if "severity" in value else None
        )
        disabled = (
            self.boolean(value["disabled"], f"{where}.disabled") if "disabled" in value else False
        )
        self.check_override(rule, key_node, severity, disabled, "disabled" in value)
        line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
        return RuleOverride(rule, reason, severity, disabled, line, column)

    def check_override(
        self, rule: str, node: yaml.Node, severity: str | None, disabled: bool, given: bool
    ) -> None:
        where = f"rules.{rule}"
        if rule in FIXED_RULES:
            raise self.error(
                node,
                f"{rule} cannot be overridden: an agreement qrules cannot read must never pass",
            )
        if severity and disabled:
            raise self.error(
                node, f"{where}: a disabled rule has no severity; give one or the other"
            )
        if not severity and not disabled:
            what = " (`disabled: false` is the default)" if given else ""
            raise self.error(
                node,
                f"{where} changes nothing{what}",
                "give severity: error|warning|note, or disabled: true",
            )


def _did_you_mean(word: str, choices: Iterable[str], *, list_them: bool = True) -> str | None:
    choices = list(choices)
    close = difflib.get_close_matches(word, choices, n=1)
    if close:
        return f"did you mean `{close[0]}`?"
    return f"one of: {', '.join(choices)}" if list_them and len(choices) <= 12 else None


# ---------------------------------------------------------------------------- globs


def compile_glob(pattern: str) -> Glob:
    folders_only = pattern.endswith("/")
    body = pattern.strip("/")
    anchored = pattern.startswith("/") or "/" in body
    regex = _translate(body)
    if not anchored:
        regex = "(?:.*/)?" + regex  # a bare name matches at any depth, as in .gitignore
    return Glob(pattern, re.compile(regex), folders_only)


def _translate(pattern: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2 :]:
            end = pattern.index("]", i + 2)
            members = pattern[i + 1 : end]
            negate = members.startswith("!")
            members = re.sub(r"([\\^])", r"\\\1", members[1:] if negate else members)
            out.append(f"[{'^' if negate else ''}{members}]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


# ---------------------------------------------------------------------------- choosing files


def select_files(
    paths: Sequence[str], config: Config | None, *, agreements_only: bool = False
) -> list[str]:
    """The agreement files of one run.

    Files found in named folders pass ``include``/``exclude``. Named files are always
    checked, unless ``agreements_only`` (the pre-commit hook, which is handed every YAML,
    JSON and Markdown file): then they pass ``include``/``exclude`` too, and without
    ``include`` a file is checked only if it declares itself an agreement (``agreement:``).
    """
    from qrules.document import agreement_files

    found: list[str] = []
    for name in paths:
        if Path(name).is_dir():
            found += [f for f in agreement_files([name]) if _wanted(f, config, agreements_only)]
        elif not agreements_only or _wanted(name, config, True):
            found.append(name)
    return sorted(dict.fromkeys(found))


def _wanted(file: str, config: Config | None, agreements_only: bool) -> bool:
    verdict = config.wants(file) if config else None
    if verdict is not None:
        return verdict
    return not agreements_only or declares_agreement(file)


_DECLARED = re.compile(r"""^["']?agreement["']?[ \t]*:""", re.M)


def declares_agreement(file: str | Path) -> bool:
    """Whether a file has a top-level ``agreement`` key (for Markdown, in its front matter).

    Cheap and forgiving on purpose: a broken agreement still declares itself, so the check
    reports what is broken instead of skipping the file.
    """
    try:
        text = Path(file).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return True  # named but unreadable: let the check say so
    if str(file).endswith(".json"):
        return _json_declares(text)
    if str(file).endswith(".md"):
        lines = text.splitlines()
        if not lines or lines[0].strip() != "---":
            return False
        closing = [i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")]
        text = "\n".join(lines[1 : closing[0] if closing else len(lines)])
    return bool(_DECLARED.search(text))


def _json_declares(text: str) -> bool:
    try:
        data = json.loads(text)
    except ValueError:
        return re.search(r'"agreement"\s*:', text) is not None
    return isinstance(data, dict) and "agreement" in data


# ---------------------------------------------------------------------------- rule overrides


def apply_overrides(report: CheckReport, config: Config | None) -> CheckReport:
    """The report with the configuration's severities applied and disabled rules removed.

    A new severity applies to every finding of the rule (for a term, every tier's finding).
    Disabled rules stay in the report's rule list, marked disabled with the reason, so
    SARIF and JUnit can say so.
    """
    if config is None or not config.rules:
        return report
    known = [entry.id for entry in report.rule_entries()]
    for override in config.rules:
        if override.rule not in known:
            rulesets = [str(r["name"]) for r in report.rulesets]
            raise _unknown_rule(config, override, known, rulesets)
    by_rule = {override.rule: override for override in config.rules}
    documents = tuple(
        DocumentResult(document.path, _overridden(document.findings, by_rule))
        for document in report.documents
    )
    rules = tuple(_overridden_entry(entry, by_rule.get(entry.id)) for entry in report.rules)
    return replace(report, documents=documents, rules=rules)


def _overridden(
    findings: Iterable[Finding], by_rule: dict[str, RuleOverride]
) -> tuple[Finding, ...]:
    result = []
    for finding in findings:
        override = by_rule.get(finding.rule)
        if override is None:
            result.append(finding)
        elif not override.disabled:
            result.append(replace(finding, severity=override.severity or finding.severity))
    return tuple(result)


def _overridden_entry(entry: RuleEntry, override: RuleOverride | None) -> RuleEntry:
    if override is None:
        return entry
    return replace(
        entry,
        severity=override.severity or entry.severity,
        enabled=not override.disabled,
        override=override.reason,
    )


def _unknown_rule(
    config: Config, override: RuleOverride, known: list[str], rulesets: list[str]
) -> UsageError:
    return UsageError(
        f"rules: no rule `{override.rule}` in the rulesets of this check",
        source=display(config.path),
        line=override.line,
        column=override.column,
        hint=_did_you_mean(override.rule, known, list_them=False)
        or f"the rules come from {', '.join(rulesets)}; `qrules explain ID` shows a rule",
        context=source_context(config.text, override.line, override.column),
    )
