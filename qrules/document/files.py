"""Which files are agreements: those named, and those found below named folders."""

from __future__ import annotations

from pathlib import Path

SUFFIXES = (".yaml", ".yml", ".json", ".md")


def agreement_files(paths: list[str]) -> list[str]:
    """Files named on the command line, and agreement files found below named folders."""
    found: list[str] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += [str(p) for p in path.rglob("*") if _is_agreement_file(p, path)]
        else:
            found.append(name)
    return sorted(dict.fromkeys(found))


def _is_agreement_file(path: Path, top: Path) -> bool:
    """In a walked folder: agreement suffixes, no hidden files, Markdown only with front matter."""
    if path.suffix not in SUFFIXES or not path.is_file():
        return False
    if any(part.startswith(".") for part in path.relative_to(top).parts):
        return False
    if path.suffix == ".md":
        with path.open("rb") as handle:
            return handle.readline().strip() == b"---"
    return True
