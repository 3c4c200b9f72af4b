"""Which ``.qrules.yaml`` a run uses: the nearest above the paths it names (above the
current folder when it names none), looking no further up than the folder holding ``.git``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qrules.config.model import CONFIG_NAME


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
    """The nearest configuration of the first path (of the current folder when none)."""
    return group_by_config(paths)[0][0]


def group_by_config(paths: Sequence[str]) -> list[tuple[Path | None, list[str]]]:
    """The named paths grouped by their nearest configuration, in the order first named;
    each folder is checked with its own ``.qrules.yaml``, as ruff and ESLint do. No path:
    one group, the current folder's, with no paths."""
    if not paths:
        return [(find_config(Path(".")), [])]
    nearest: dict[Path, Path | None] = {}  # a hook names many files in few folders
    groups: dict[Path | None, list[str]] = {}
    for name in paths:
        start = Path(name) if Path(name).is_dir() else Path(name).parent
        if start not in nearest:
            nearest[start] = find_config(start)
        groups.setdefault(nearest[start], []).append(name)
    return list(groups.items())


def display(path: Path) -> str:
    """A path as messages show it: relative to the current folder when it is below it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
