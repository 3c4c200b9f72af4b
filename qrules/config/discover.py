"""Which ``.qrules.yaml`` a run uses: the nearest above the paths it names (above the
current folder when it names none), looking no further up than the folder holding ``.git``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qrules.config.model import CONFIG_NAME
from qrules.errors import UsageError


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
