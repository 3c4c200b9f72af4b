"""What a ``.qrules.yaml`` says, and what one run uses once the command line is added."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qrules.compile import ParamValue

CONFIG_NAME = ".qrules.yaml"
DEFAULT_RULESETS = ("iso9001",)
# An agreement qrules cannot read must never pass, so these cannot be turned down or off.
FIXED_RULES = frozenset({"document-unreadable", "yaml-syntax", "yaml-limits"})


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
    """An ``include``/``exclude`` pattern, relative to the configuration's folder, read as
    ``.gitignore`` reads it: ``*`` stays in one folder, ``**`` crosses folders, a pattern
    without ``/`` matches at any depth, one that matches a folder matches all below it, and a
    trailing ``/`` matches folders only."""

    pattern: str
    spec: Any = field(repr=False, compare=False)  # a pathspec.PathSpec

    def matches(self, relative: str) -> bool:
        return bool(self.spec.match_file(relative))


def compile_glob(pattern: str) -> Glob:
    import pathspec  # imported here: tens of milliseconds a hook without globs never pays

    return Glob(pattern, pathspec.PathSpec.from_lines("gitwildmatch", [pattern]))


@dataclass(frozen=True)
class PathOverride:
    """``overrides: [{files, rules}]``: rule overrides for the agreements ``files`` match."""

    files: tuple[Glob, ...]
    rules: tuple[RuleOverride, ...]


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
    overrides: tuple[PathOverride, ...] = ()
    params: tuple[ParamValue, ...] = ()  # values for the rulesets' params
    text: str = field(default="", repr=False, compare=False)

    @functools.cached_property
    def root(self) -> Path:
        return self.path.resolve().parent

    @functools.cached_property
    def _root_prefix(self) -> str:
        return os.path.join(str(self.root), "")

    def relative(self, file: str | Path) -> str | None:
        """``file`` relative to the configuration's folder, posix style; None if outside.
        With strings, not ``Path.resolve``: a batch asks for each of 10,000 files."""
        real = os.path.realpath(file)
        if real == str(self.root):
            return "."
        if not real.startswith(self._root_prefix):
            return None
        return Path(real[len(self._root_prefix) :]).as_posix()

    def rules_for(self, file: str | Path) -> dict[str, RuleOverride]:
        """The rule overrides for one agreement: the top-level ``rules``, then each
        ``overrides`` entry whose ``files`` match it, a later one winning."""
        chosen = {override.rule: override for override in self.rules}
        relative = self.relative(file)
        for entry in self.overrides:
            if relative is not None and any(g.matches(relative) for g in entry.files):
                chosen.update((override.rule, override) for override in entry.rules)
        return chosen

    def all_rule_overrides(self) -> tuple[RuleOverride, ...]:
        return self.rules + tuple(o for entry in self.overrides for o in entry.rules)

    def wants(self, file: str | Path) -> bool | None:
        """False if excluded; True if included; None when ``include`` is not set."""
        if not self.exclude and not self.include:
            return None
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
    params: Mapping[str, ParamValue] = field(default_factory=dict)


def settings(
    config: Config | None,
    *,
    rulesets: Sequence[str] = (),
    fail_on: str | None = None,
    schema: str | None = None,
    params: Sequence[ParamValue] = (),
) -> Settings:
    """Command-line values win over the configuration, which wins over the defaults
    (``--param`` over ``params:``, one param at a time)."""
    chosen_schema = schema or (config.schema if config else None) or "auto"
    given = [*(config.params if config else ()), *params]
    return Settings(
        rulesets=tuple(rulesets) or (config.rulesets if config else ()) or DEFAULT_RULESETS,
        fail_on=fail_on or (config.fail_on if config else None) or "error",
        schema=None if chosen_schema == "none" else chosen_schema,
        config=config,
        params={param.name: param for param in given},
    )
