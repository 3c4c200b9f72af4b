"""Finding and loading rulesets: built-in names, files, folders; compiled once.

``--ruleset iso9001`` names a built-in folder (``rulesets/iso9001`` or
``rulesets/custom/NAME``); anything else is a path to a ``.qr`` file or a folder, whose
``.qr`` files are loaded (a ruleset's own ``tests/`` folder is skipped).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from qrules.compile import Compiled, Compiler, compile_rule, compile_term
from qrules.errors import RulesetError, did_you_mean, source_context
from qrules.fileio import Unreadable, read_source_hashed
from qrules.limits import MAX_RULESET_BYTES
from qrules.resources import rulesets_dir, schema_path
from qrules.schema import load_schema
from qrules.syntax import ast
from qrules.syntax.parser import parse_ruleset, too_large


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

    def summary(self) -> dict[str, object]:
        return {"name": self.name, "version": self.version, "rules": len(self.checks)}


@dataclass(frozen=True)
class Rulebook:
    """The rulesets one check runs with; rule ids are unique across all of them."""

    rulesets: tuple[Ruleset, ...]

    # Cached: the engine asks for both once per agreement of a batch.
    @cached_property
    def checks(self) -> tuple[Compiled, ...]:
        return tuple(check for ruleset in self.rulesets for check in ruleset.checks)

    @cached_property
    def ids(self) -> frozenset[str]:
        return frozenset(check.info.id for check in self.checks)

    def rule_ids(self) -> frozenset[str]:
        return self.ids


def load_ruleset(*specs: str | Path) -> Rulebook:
    """Load built-in names, ``.qr`` files and folders into one :class:`Rulebook`."""
    files: list[Path] = []
    for spec in specs:
        files.extend(f for f in resolve(spec) if f not in files)
    rulesets = tuple(load_file(path) for path in files)
    _check_unique_ids(rulesets)
    return Rulebook(rulesets)


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


def load_file(path: Path) -> Ruleset:
    text, digest = read_ruleset_hashed(path)
    return replace(compile_text(text, display_path(path), path.parent), file=path, sha256=digest)


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
    """A ruleset's path as people read it: relative, and the same on every machine."""
    absolute = path.resolve()
    for base in (Path.cwd(), rulesets_dir().resolve().parent):
        if absolute.is_relative_to(base):
            return absolute.relative_to(base).as_posix()
    return str(path)


def compile_text(text: str, source: str = "<string>", folder: Path | None = None) -> Ruleset:
    """Parse and compile one ruleset's text; ``folder`` anchors a relative ``schema`` path."""
    syntax = parse_ruleset(text, source)
    compiler = Compiler(source, text, _schema_roots(syntax, source, folder))
    checks = tuple(
        compile_rule(compiler, s, syntax.name)
        if isinstance(s, ast.Rule)
        else compile_term(compiler, s, syntax.name)
        for s in syntax.rules
    )
    _check_unique_ids_in_file(syntax, compiler)
    return Ruleset(syntax.name, syntax.title, syntax.version, source, syntax, checks)


def _schema_roots(
    syntax: ast.RulesetFile, source: str, folder: Path | None
) -> frozenset[str] | None:
    """Top-level fields a rule may start a path with, from the schema the ruleset names."""
    if syntax.schema == "none":
        return None
    if syntax.schema is None:
        return _roots_of(str(schema_path()))
    try:
        return _roots_of(str((folder or Path(source).parent) / syntax.schema))
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise RulesetError(
            f"cannot read the schema {syntax.schema!r} the ruleset names: {reason}",
            source=source,
            line=syntax.span.line or 1,
            column=1,
            hint="the path is relative to the ruleset file; or write `schema none`",
        ) from None


def _roots_of(schema_file: str) -> frozenset[str]:
    return load_schema(schema_file).roots


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
