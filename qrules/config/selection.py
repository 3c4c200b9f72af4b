"""Which files one run checks: named files, and agreements found below named folders that
pass the configuration's ``include``/``exclude``."""

from __future__ import annotations

import json
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
