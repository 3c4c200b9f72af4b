"""Which files one run checks: named files, and agreements found below named folders that
pass the configuration's ``include``/``exclude``."""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path

from qrules.config.model import Config
from qrules.document.read import split_front_matter


def select_files(
    paths: Sequence[str], config: Config | None, *, agreements_only: bool = False
) -> list[str]:
    """The agreement files of one run.

    Files found in named folders pass ``include``/``exclude``. Named files are always
    checked, unless ``agreements_only`` (the pre-commit hook, which is handed every YAML,
    JSON, Markdown and ruleset file): then they pass ``include``/``exclude`` too, and without
    ``include`` a file is checked only if it declares itself an agreement (``agreement:``).
    A ruleset or the configuration itself among the files of a hook re-checks every agreement
    the configuration covers: a changed policy may fail agreements nobody touched. Rule-test
    fixtures (agreements under a ruleset's ``tests/``, meant to fail) are checked only when
    named without ``agreements_only``.
    """
    from qrules.document import agreement_files

    found: list[str] = []
    recheck = False
    for name in paths:
        if Path(name).is_dir():
            found += [f for f in agreement_files([name]) if _found(f, config, agreements_only)]
        elif agreements_only and config is not None and _rechecks_all(name, config):
            recheck = True
        elif not agreements_only or _found(name, config, True):
            found.append(name)
    if recheck and config is not None:  # once, however many rulesets the commit touches
        found += select_files([os.path.relpath(config.root)], config, agreements_only=True)
    return sorted(dict.fromkeys(found))


def _rechecks_all(name: str, config: Config) -> bool:
    return name.endswith(".qr") or Path(name).resolve() == config.path.resolve()


def _found(file: str, config: Config | None, agreements_only: bool) -> bool:
    return _wanted(file, config, agreements_only) and not is_rule_test(file)


def is_rule_test(file: str | Path) -> bool:
    """Whether a file is under the ``tests/`` folder of a ruleset (a folder of ``.qr``)."""
    # Resolved once per folder, not per file: a batch holds thousands of files per folder.
    real = os.path.realpath(file) if os.path.islink(file) else os.path.abspath(file)
    return _in_rule_tests(os.path.dirname(real))


@functools.lru_cache(maxsize=4096)
def _in_rule_tests(folder: str) -> bool:
    resolved = Path(folder).resolve()
    return any(
        f.name == "tests" and _holds_rulesets(f.parent) for f in (resolved, *resolved.parents)
    )


@functools.lru_cache(maxsize=256)
def _holds_rulesets(folder: Path) -> bool:
    return any(folder.glob("*.qr"))


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
        split = split_front_matter(text)
        if split is None:
            return False
        text = split[0]
    return bool(_DECLARED.search(text))


def _json_declares(text: str) -> bool:
    try:
        data = json.loads(text)
    except ValueError:
        return re.search(r'"agreement"\s*:', text) is not None
    return isinstance(data, dict) and "agreement" in data
