"""Finding and loading rulesets: built-in names, files, folders; compiled once.

``--ruleset iso9001`` names a built-in folder (``rulesets/iso9001`` or
``rulesets/custom/NAME``); anything else is a path to a ``.qr`` file or a folder, whose
``.qr`` files are loaded (a ruleset's own ``tests/`` folder is skipped).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from qrules.compile import (
    Compiled,
    Compiler,
    ParamValue,
    Verdicts,
    adjust,
    adjusted_syntax,
    compile_constants,
    compile_rule,
    compile_term,
    compile_verdicts,
)
from qrules.errors import RulesetError, did_you_mean, source_context
from qrules.fileio import Unreadable, read_source_hashed
from qrules.limits import MAX_RULESET_BYTES
from qrules.resources import rulesets_dir, schema_path
from qrules.schema import load_schema
from qrules.syntax import ast
from qrules.syntax.parser import parse_ruleset, too_large

SchemaChoice = str | Path | None
Params = Mapping[str, ParamValue]  # a run's values for the rulesets' params, by name


@dataclass(frozen=True)
class Ruleset:
    """One ``.qr`` file, parsed and compiled."""

    name: str
    title: str | None
    version: str | None
    path: str  # as shown to people: relative to the working folder, or rulesets/...
    syntax: ast.RulesetFile
    checks: tuple[Compiled, ...]
    file: Path | None = None  # where it was read from
    sha256: str | None = None  # of the file's bytes: the reports' evidence of what judged

    def evidence(self) -> dict[str, object]:
        return {
            "name": self.name,
            "version": self.version,
            "path": self.path,
            "sha256": self.sha256,
        }

    schema: str | None = None  # the schema file its rules were checked against; None: none
    declared_schema: str | None = None  # what its header names: a file, "none", or None
    brings: tuple[Path, ...] = ()  # the files it imports, directly or not

    def summary(self) -> dict[str, object]:
        return {"name": self.name, "version": self.version, "rules": len(self.checks)}


@dataclass(frozen=True)
class Rulebook:
    """The rulesets one check runs with; rule ids are unique across all of them."""

    rulesets: tuple[Ruleset, ...]
    # The schema agreements are checked against: a file, None for none, or "auto" (the
    # built-in one for `agreement: qrules/v1` documents).
    schema: SchemaChoice = "auto"
    # Whether the engine asks the fast verdict first: always, never (the closures run every
    # rule; the equivalence tests compare both), or None: as the engine sees fit.
    fast: bool | None = None
    # agreements checked so far (engine/run.py `verdicts_for`); each copy counts its own
    checked: list[int] = field(default_factory=lambda: [0], init=False, compare=False, repr=False)

    # Cached: the engine asks for both once per agreement of a batch.
    @cached_property
    def checks(self) -> tuple[Compiled, ...]:
        return tuple(check for ruleset in self.rulesets for check in ruleset.checks)

    @cached_property
    def verdicts(self) -> Verdicts | None:
        """The fast verdict of all :attr:`checks`, compiled once (``compile.verdict``)."""
        return compile_verdicts([(check.info.id, check.plan) for check in self.checks])

    @cached_property
    def ids(self) -> frozenset[str]:
        return frozenset(check.info.id for check in self.checks)

    def rule_ids(self) -> frozenset[str]:
        return self.ids


def load_ruleset(
    *specs: str | Path, schema: SchemaChoice = "auto", params: Params | None = None
) -> Rulebook:
    """Load built-in names, ``.qr`` files and folders into one :class:`Rulebook`.

    ``schema``: the run's agreement schema (``--schema``, ``.qrules.yaml``); ``"auto"``
    leaves it to the rulesets' ``schema`` headers, then to the built-in schema. ``params``:
    the run's values for the rulesets' ``param``s, each of which some ruleset must declare.
    """
    files: list[Path] = []
    for spec in specs:
        files.extend(f for f in resolve(spec) if f not in files)
    rulesets = _Imports(schema, params or {}).load(files)
    _check_params(rulesets, params or {})
    _check_unique_ids(rulesets)
    chosen = _document_schema(rulesets) if schema == "auto" else schema
    return Rulebook(rulesets, None if chosen == "none" else chosen)


def builtin_names() -> list[str]:
    root = rulesets_dir()
    names = [p.name for p in root.iterdir() if p.is_dir() and p.name != "custom"]
    custom = root / "custom"
    if custom.is_dir():
        names += [p.stem for p in custom.iterdir() if p.suffix == ".qr" or p.is_dir()]
    return sorted(n for n in names if not n.startswith((".", "_")) and n != "tests")


def resolve(spec: str | Path) -> list[Path]:
    """The ``.qr`` files a ``--ruleset`` value stands for."""
    path = Path(spec)
    if not path.exists():
        path = _builtin(str(spec))
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.qr") if "tests" not in p.relative_to(path).parts)
        if not files:
            raise RulesetError(f"no .qr files in {spec}", source=str(spec))
        return files
    if path.suffix != ".qr":
        raise RulesetError(
            f"{spec} is not a ruleset", source=str(spec), hint="rulesets are .qr files or folders"
        )
    return [path]


def _builtin(name: str) -> Path:
    root = rulesets_dir()
    for candidate in (root / name, root / "custom" / name, root / "custom" / f"{name}.qr"):
        if candidate.exists():
            return candidate
    hint = did_you_mean(name, builtin_names(), list_them=False)
    hint = hint or f"built-in rulesets: {', '.join(builtin_names())}; or give a path"
    raise RulesetError(f"no ruleset named {name!r} and no such file", source=name, hint=hint)


def load_file(path: Path, schema: SchemaChoice = "auto", params: Params | None = None) -> Ruleset:
    text, digest = read_ruleset_hashed(path)
    compiled = compile_text(text, display_path(path), path.parent, schema, params)
    return replace(compiled, file=path, sha256=digest)


class _Imports:
    """Rulesets with those they import: each file once, imported ones before the ruleset
    that imports them, and changed as it says (``override``, ``disable``, ``replace``)."""

    def __init__(self, schema: SchemaChoice, params: Params) -> None:
        self.schema, self.params = schema, params
        self.loaded: dict[Path, Ruleset] = {}

    def load(self, files: list[Path]) -> tuple[Ruleset, ...]:
        for path in files:
            self.visit(path, ())
        return tuple(self.loaded.values())

    def visit(self, path: Path, chain: tuple[Path, ...]) -> list[Path]:
        """Load ``path`` and what it imports; the files it brings in, itself last."""
        key = path.resolve()
        if key in self.loaded:
            return [*self.loaded[key].brings, key]
        ruleset = load_file(path, self.schema, self.params)
        brought: list[Path] = []
        for node in ruleset.syntax.imports:
            for target in _import_files(node, ruleset):
                if target.resolve() in (*chain, key):
                    raise _cycle(node, ruleset, [*chain, key, target.resolve()])
                brought += [b for b in self.visit(target, (*chain, key)) if b not in brought]
        self.adjust(ruleset, brought)
        self.loaded[key] = replace(ruleset, brings=tuple(brought))
        return [*brought, key]

    def adjust(self, ruleset: Ruleset, brought: list[Path]) -> None:
        if not ruleset.syntax.adjustments:
            return
        own = frozenset(check.info.id for check in ruleset.checks)
        imported = [self.loaded[path] for path in brought]
        text = read_ruleset_text(Path(ruleset.file or ruleset.path))
        compiler = Compiler(ruleset.path, text, None)
        changed = adjust(
            ruleset.syntax.adjustments, [r.checks for r in imported], own, compiler.error
        )
        for path, checks in zip(brought, changed, strict=True):
            before = self.loaded[path]
            syntax = adjusted_syntax(before.syntax, checks)
            self.loaded[path] = replace(before, checks=checks, syntax=syntax)


def _import_files(node: ast.Import, importer: Ruleset) -> list[Path]:
    folder = (importer.file or Path(importer.path)).parent
    try:
        if node.is_path:
            return resolve(folder / node.ruleset)
        return resolve(_builtin(node.ruleset))
    except RulesetError as error:
        text = read_ruleset_text(importer.file or Path(importer.path))
        raise Compiler(importer.path, text, None).error(
            f"cannot import {node.ruleset!r}: {error.message}", node.span, error.hint
        ) from None


def _cycle(node: ast.Import, importer: Ruleset, chain: list[Path]) -> RulesetError:
    shown = " imports ".join(display_path(path) for path in chain[chain.index(chain[-1]) :])
    text = read_ruleset_text(importer.file or Path(importer.path))
    return Compiler(importer.path, text, None).error(
        f"import cycle: {shown}", node.span, "a ruleset cannot import itself, directly or not"
    )


def _document_schema(rulesets: tuple[Ruleset, ...]) -> SchemaChoice:
    """The schema the rulesets' headers name; "auto" when none names one. Two rulesets
    naming different schemas cannot both be right about the agreements."""
    declared = [r for r in rulesets if r.declared_schema is not None]
    for ruleset in declared[1:]:
        first = declared[0]
        if _same_schema(ruleset.declared_schema, first.declared_schema):
            continue
        raise RulesetError(
            f"the rulesets name different agreement schemas: {first.path} names "
            f"{first.syntax.schema!r}, this one {ruleset.syntax.schema!r}",
            source=ruleset.path,
            line=ruleset.syntax.header_span.line or 1,
            column=1,
            hint="give the run one schema: --schema FILE, or `schema:` in .qrules.yaml",
        )
    return declared[0].declared_schema if declared else "auto"


def _check_params(rulesets: tuple[Ruleset, ...], params: Params) -> None:
    declared = {c.name for r in rulesets for c in r.syntax.constants if c.param}
    for name, given in params.items():
        if name not in declared:
            hint = did_you_mean(name, sorted(declared)) or "the rulesets of this run declare none"
            raise given.error(f"no ruleset of this run has a param `{name}`", hint)


def _same_schema(one: str | None, other: str | None) -> bool:
    if one == "none" or other == "none":
        return one == other
    return Path(str(one)).resolve() == Path(str(other)).resolve()


def read_ruleset_text(path: Path) -> str:
    """A ruleset file's text, the one way every command reads it."""
    return read_ruleset_hashed(path)[0]


def read_ruleset_hashed(path: Path) -> tuple[str, str]:
    """A ruleset file's text and the sha256 of its bytes (``fileio.read_source_hashed``)."""
    shown = display_path(path)
    try:
        return read_source_hashed(path, MAX_RULESET_BYTES, "ruleset")
    except Unreadable as error:
        if error.limit:
            raise too_large(shown) from None
        line, column = error.at or (None, None)
        context = None
        if error.at:
            text = path.read_bytes()[: MAX_RULESET_BYTES + 1].decode("utf-8", "replace")
            context = source_context(text, *error.at)
        raise RulesetError(
            error.message,
            source=shown,
            line=line,
            column=column,
            hint=error.hint,
            context=context,
        ) from None


def display_path(path: Path) -> str:
    """A ruleset's path as people read it: relative, and the same on every machine; a
    built-in one as ``rulesets/NAME/...`` even where the package is installed below the
    current folder (a project's own virtualenv), never by the installed package's path."""
    absolute = path.resolve()
    for base in (rulesets_dir().resolve().parent, Path.cwd()):
        if absolute.is_relative_to(base):
            return absolute.relative_to(base).as_posix()
    return str(path)


def compile_text(
    text: str,
    source: str = "<string>",
    folder: Path | None = None,
    schema: SchemaChoice = "auto",
    params: Params | None = None,
) -> Ruleset:
    """Parse and compile one ruleset's text; ``folder`` anchors a relative ``schema`` path.

    ``schema`` is the run's choice (``--schema``, then ``.qrules.yaml``): a file, ``None``
    for none, or ``"auto"``, which leaves it to the ruleset's own ``schema`` header and
    then to the built-in schema.
    """
    syntax = parse_ruleset(text, source)
    declared = _declared_schema(syntax, source, folder)
    chosen = (declared or str(schema_path())) if schema == "auto" else schema
    used = None if chosen in (None, "none") else str(chosen)
    compiler = Compiler(source, text, _schema_roots(used, syntax, source, used == declared))
    compile_constants(compiler, syntax.constants, params or {})
    checks = tuple(
        compile_rule(compiler, s, syntax.name)
        if isinstance(s, ast.Rule)
        else compile_term(compiler, s, syntax.name)
        for s in syntax.rules
    )
    _check_unique_ids_in_file(syntax, compiler)
    return Ruleset(
        syntax.name,
        syntax.title,
        syntax.version,
        source,
        syntax,
        checks,
        schema=used,
        declared_schema=declared,
    )


def _declared_schema(syntax: ast.RulesetFile, source: str, folder: Path | None) -> str | None:
    """The schema the ruleset's header names: a file's path, ``"none"``, or None."""
    if syntax.schema in (None, "none"):
        return syntax.schema
    return str((folder or Path(source).parent) / syntax.schema)


def _schema_roots(
    schema_file: str | None, syntax: ast.RulesetFile, source: str, declared: bool
) -> frozenset[str] | None:
    """Top-level fields a rule may start a path with, from the schema the ruleset uses."""
    if schema_file is None:
        return None
    try:
        schema = load_schema(schema_file)
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        where = f"the ruleset names ({syntax.schema!r})" if declared else f"{schema_file!r}"
        raise RulesetError(
            f"cannot read the schema {where}: {reason}",
            source=source,
            line=syntax.header_span.line or 1,
            column=1,
            hint="the path is relative to the ruleset file; or write `schema none`",
        ) from None
    return schema.roots if schema.closed else None  # an open schema allows any name


def _check_unique_ids_in_file(syntax: ast.RulesetFile, compiler: Compiler) -> None:
    seen: dict[str, int] = {}
    for statement in syntax.rules:
        if statement.id in seen:
            raise compiler.error(
                f"duplicate rule id {statement.id} (first defined on line {seen[statement.id]})",
                statement.span,
                hint="every rule and term needs its own id",
            )
        seen[statement.id] = statement.span.line


def _check_unique_ids(rulesets: Iterable[Ruleset]) -> None:
    seen: dict[str, Ruleset] = {}
    for ruleset in rulesets:
        for check in ruleset.checks:
            first = seen.get(check.info.id)
            if first is not None:
                text = read_ruleset_text(Path(ruleset.file or ruleset.path))
                raise RulesetError(
                    f"duplicate rule id {check.info.id}: also defined in {first.path}",
                    source=ruleset.path,
                    line=check.info.line,
                    column=1,
                    context=source_context(text, check.info.line, 1),
                    hint="rule ids must be unique across the rulesets of one check",
                )
            seen[check.info.id] = ruleset
