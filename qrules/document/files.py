"""Which files are agreements: those named, and those found below named folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

SUFFIXES = (".yaml", ".yml", ".json", ".md")


def agreement_files(paths: list[str]) -> list[str]:
    """Files named on the command line, and agreement files found below named folders."""
    found: list[str] = []
    for name in paths:
        if os.path.isdir(name):
            found += _walk(str(Path(name)))
        else:
            found.append(name)
    return sorted(dict.fromkeys(found))


def _walk(top: str) -> Iterator[str]:
    """Agreement files below ``top``, named as ``Path(top) / ...`` names them: agreement
    suffixes, no hidden files or folders, Markdown only with front matter, links to folders
    not followed. Strings all along: a folder of 100,000 agreements walked with ``rglob``
    held every one as a Path at once (70 MiB)."""
    folders = [top]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    path = entry.name if folder == "." else os.path.join(folder, entry.name)
                    if _is_folder(entry):
                        folders.append(path)
                    elif _is_agreement_file(path):
                        yield path
        except OSError:  # unreadable folder: nothing found there
            continue


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _is_agreement_file(path: str) -> bool:
    suffix = os.path.splitext(path)[1]
    if suffix not in SUFFIXES or not os.path.isfile(path):
        return False
    if suffix == ".md":
        with open(path, "rb") as handle:
            return handle.readline().strip() == b"---"
    return True
