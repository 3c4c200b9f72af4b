"""Where the grammar, built-in rulesets and the agreement schema live.

In a wheel, ``grammar/`` and ``rulesets/`` are packed under ``qrules/_data/``; in a source
checkout (or an editable install) they stand at the repository root, next to the package.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    packed = PACKAGE_DIR / "_data" / name
    if packed.is_dir():
        return packed
    return PACKAGE_DIR.parent / name


def grammar_path() -> Path:
    return data_dir("grammar") / "qrules.lark"


def rulesets_dir() -> Path:
    return data_dir("rulesets")


def schema_path() -> Path:
    return PACKAGE_DIR / "schema" / "agreement.schema.json"


def config_schema_path() -> Path:
    return PACKAGE_DIR / "schema" / "config.schema.json"
